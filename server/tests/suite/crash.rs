//! A server killed with SIGKILL in the middle of a reservation storm, then restarted: every
//! acknowledged reservation is there, nothing is half-written, and the books balance once the
//! payment provider's re-sent requests have settled. Runs the real server binary.

use crate::common;

use std::time::Duration;

use common::process::{free_port, post, start};
use common::{assert_books_balance, scalar, TestDb, DEMO_PASSWORD};
use services::Services;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_loses_no_acknowledged_reservation() {
    let db = TestDb::new().await;
    let services = Services::connect(&db.url).await.expect("connect");
    services.seed_demo(DEMO_PASSWORD).await.expect("seed");
    let code = common::save_lease(&services).await;
    let tokens: Vec<String> = common::consumers(&services, 400, "crash")
        .await
        .into_iter()
        .map(|(_, token)| token)
        .collect();

    let port = free_port();
    let mut server = start(&db.url, port).await;
    let (sender, mut acknowledged) = tokio::sync::mpsc::unbounded_channel();
    let mut storm = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (sender, code) = (sender.clone(), code.clone());
        storm.push(tokio::spawn(async move {
            let body =
                format!(r#"{{"configuration_code":"{code}","idempotency_key":"crash-key-{i}"}}"#);
            if let Some((201, body)) = post(
                port,
                "/api/v1/campaigns/xiaoman-presale/reservations",
                &token,
                &body,
            )
            .await
            {
                let order: serde_json::Value = serde_json::from_str(&body).unwrap();
                let _ = sender.send(order["id"].as_str().unwrap().to_string());
            }
        }));
    }
    drop(sender);
    // Kill the server once some reservations are acknowledged and others are in flight.
    let mut ids = Vec::new();
    while ids.len() < 40 {
        match tokio::time::timeout(Duration::from_secs(30), acknowledged.recv()).await {
            Ok(Some(id)) => ids.push(id),
            _ => panic!("the storm stalled after {} acknowledgements", ids.len()),
        }
    }
    server.start_kill().expect("SIGKILL");
    let _ = server.wait().await;
    for task in storm {
        task.await.unwrap();
    }
    while let Ok(id) = acknowledged.try_recv() {
        ids.push(id);
    }
    assert!(
        ids.len() < 400,
        "the kill landed mid-storm ({} acknowledged)",
        ids.len()
    );

    // Restart: the provider's pending requests are re-sent and settle.
    let mut server = start(&db.url, port).await;
    for _ in 0..300 {
        if scalar(
            &services,
            "SELECT COUNT(*) FROM payments WHERE status = 'pending'",
        )
        .await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        scalar(
            &services,
            "SELECT COUNT(*) FROM payments WHERE status = 'pending'"
        )
        .await,
        0,
        "every payment settled after the restart"
    );
    for id in &ids {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(services.db())
            .await
            .unwrap();
        assert_eq!(
            status.as_deref(),
            Some("reserved"),
            "acknowledged order {id}"
        );
    }
    // Nothing half-written: each order has its payment and its event; each key its answer.
    assert_eq!(
        scalar(&services, "SELECT COUNT(*) FROM orders o WHERE (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) <> 1").await,
        0
    );
    assert_eq!(
        scalar(&services, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)").await,
        0
    );
    assert_eq!(
        scalar(
            &services,
            "SELECT COUNT(*) FROM idempotency_keys WHERE status_code = 0"
        )
        .await,
        0
    );
    assert!(scalar(&services, "SELECT COUNT(*) FROM orders").await >= ids.len() as i64);
    assert_books_balance(services.db()).await;
    server.start_kill().ok();
    let _ = server.wait().await;
}
