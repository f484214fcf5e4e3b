//! A launch-day rush: reservations are committed in groups by one writer per campaign and
//! process (`services::orders::writer`). These tests hold what the group commit must keep: the
//! answers of the single-request path (one unit per person, retries get the first answer,
//! "sold out" stored), exactly the cap across two server processes on one database with the
//! demand equal to a recount, and nothing acknowledged lost nor half a group written when the
//! server is killed in the middle of a group's commit.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use common::process::{free_port, post, start, start_with};
use common::{assert_books_balance, scalar, TestApp, TestDb, DEMO_PASSWORD};
use serde_json::{json, Value};
use services::Services;

/// Many people at once, some retrying their request and some sending a second one with
/// another key: exactly the cap, one unit per person, every retry the first answer, and the
/// storm committed in groups.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_is_committed_in_groups_with_the_answers_of_one_request_at_a_time() {
    let app = Arc::new(TestApp::new().await);
    let campaign = app.campaign("rush-100", &[60, 40]).await;
    let code = app.saved_code().await;
    let tokens = app.consumers(300, "rush").await;
    let before = app.services.orders().writer_stats();

    let mut tasks = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let mut requests = vec![("first", format!("rush-first-{i:04}"))];
        if i % 3 == 0 {
            requests.push(("retry", format!("rush-first-{i:04}")));
        }
        if i % 5 == 0 {
            requests.push(("second", format!("rush-second-{i:04}")));
        }
        for (kind, key) in requests {
            let (app, token, campaign, code) =
                (app.clone(), token.clone(), campaign.clone(), code.clone());
            tasks.push(tokio::spawn(async move {
                let (status, body) = app
                    .call_as(
                        &token,
                        "POST",
                        &format!("/api/v1/campaigns/{campaign}/reservations"),
                        Some(json!({"configuration_code": code, "idempotency_key": key})),
                    )
                    .await;
                (i, kind, status, body)
            }));
        }
    }
    let mut answers: HashMap<usize, HashMap<&str, (StatusCode, Value)>> = HashMap::new();
    for task in tasks {
        let (i, kind, status, body) = task.await.unwrap();
        answers.entry(i).or_default().insert(kind, (status, body));
    }
    let answer = |a: &(StatusCode, Value)| match a.0 {
        StatusCode::CREATED => format!("order {}", a.1["id"].as_str().unwrap()),
        _ => a.1["error"].as_str().unwrap_or("?").to_string(),
    };
    let mut orders = HashSet::new();
    for (i, by_kind) in &answers {
        let first = &by_kind["first"];
        if let Some(retry) = by_kind.get("retry") {
            assert_eq!(answer(retry), answer(first), "a retry of person {i}");
        }
        let mut mine = HashSet::new();
        for (kind, a) in by_kind {
            match answer(a).as_str() {
                "sold_out" | "already_reserved" => {}
                text if text.starts_with("order ") => {
                    mine.insert(text.to_string());
                }
                other => panic!("person {i}, {kind}: unexpected {other}: {}", a.1),
            }
        }
        assert!(mine.len() <= 1, "person {i} got two units: {mine:?}");
        orders.extend(mine);
    }
    assert_eq!(orders.len(), 100, "exactly the cap");
    assert_eq!(
        scalar(
            &app.services,
            "SELECT CAST(SUM(held) AS BIGINT) FROM campaign_batches WHERE campaign_id = 'rush-100'"
        )
        .await,
        100
    );
    assert_eq!(
        scalar(
            &app.services,
            "SELECT COUNT(DISTINCT account_id) FROM orders WHERE campaign_id = 'rush-100'"
        )
        .await,
        100
    );
    assert_eq!(
        scalar(
            &app.services,
            "SELECT COUNT(*) FROM orders WHERE campaign_id = 'rush-100' AND batch_seq = 1"
        )
        .await,
        60,
        "the first batch fills before the second"
    );
    let after = app.services.orders().writer_stats();
    let (groups, grouped) = (after.groups - before.groups, after.grouped - before.grouped);
    assert_eq!(
        after.alone, before.alone,
        "no request fell back to one at a time"
    );
    assert!(
        grouped > groups,
        "{grouped} requests in {groups} groups: the storm was committed in groups"
    );
    // The 100 confirmations were committed in groups too.
    settled(&app.services).await;
    let settlement_groups =
        app.services.orders().writer_stats().settlement_groups - before.settlement_groups;
    assert!(
        (1..100).contains(&settlement_groups),
        "100 confirmations in {settlement_groups} groups"
    );
    app.assert_books_balance().await;
}

/// The demo marketer, the campaign (one batch of `cap`) and `n` consumers with sessions,
/// straight in the database of a server about to start.
async fn launch(
    db: &TestDb,
    campaign: &str,
    cap: i64,
    n: usize,
) -> (Arc<Services>, String, Vec<String>) {
    let services = Services::connect(&db.url).await.expect("connect");
    services.seed_demo(DEMO_PASSWORD).await.expect("seed");
    let marketer = services
        .accounts()
        .login("marketer@demo.test", DEMO_PASSWORD, "test")
        .await
        .expect("marketer")
        .account;
    let now = services::now_ms();
    let input: models::CampaignInput = serde_json::from_value(json!({
        "id": campaign, "car_line": "xiaoman",
        "title": {"zh": "首发", "en": "Launch"}, "tagline": {"zh": "首发", "en": "Launch"},
        "warmup_at": now - 7_200_000, "opens_at": now - 3_600_000, "closes_at": now + 86_400_000,
        "batches": [cap], "reservation_fen": 99_900, "earnest_fen": 500_000,
        "cooling_off_hours": 168
    }))
    .unwrap();
    services
        .campaigns()
        .create_campaign(&marketer, &input)
        .await
        .expect("campaign");
    let code = common::save_lease(&services).await;
    let places = [
        ("guangdong", "shenzhen"),
        ("zhejiang", "hangzhou"),
        ("sichuan", "chengdu"),
    ];
    let mut tokens = Vec::new();
    for (i, (id, token)) in common::consumers(&services, n, campaign)
        .await
        .into_iter()
        .enumerate()
    {
        let (province, city) = places[i % places.len()];
        sqlx::query("UPDATE accounts SET province = $1, city = $2 WHERE id = $3")
            .bind(province)
            .bind(city)
            .bind(&id)
            .execute(services.db())
            .await
            .unwrap();
        tokens.push(token);
    }
    (services, code, tokens)
}

/// Waits (up to 30 s) until no payment is pending.
async fn settled(services: &Services) {
    for _ in 0..600 {
        if scalar(
            services,
            "SELECT COUNT(*) FROM payments WHERE status = 'pending'",
        )
        .await
            == 0
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("payments still pending after 30 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_fill_one_batch_exactly_and_the_demand_equals_a_recount() {
    let db = TestDb::new().await;
    let (services, code, tokens) = launch(&db, "rush2", 150, 500).await;
    let ports = [free_port(), free_port()];
    let mut one = start(&db.url, ports[0]).await;
    let mut two = start(&db.url, ports[1]).await;

    let mut storm = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (port, code) = (ports[i % 2], code.clone());
        storm.push(tokio::spawn(async move {
            let body =
                format!(r#"{{"configuration_code":"{code}","idempotency_key":"rush2-{i:05}"}}"#);
            post(port, "/api/v1/campaigns/rush2/reservations", &token, &body).await
        }));
    }
    let (mut created, mut sold_out) = (Vec::new(), 0);
    for task in storm {
        match task.await.unwrap() {
            Some((201, body)) => {
                let order: Value = serde_json::from_str(&body).unwrap();
                created.push(order["id"].as_str().unwrap().to_string());
            }
            Some((409, body)) if body.contains("sold_out") => sold_out += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((created.len(), sold_out), (150, 350));
    assert_eq!(
        scalar(
            &services,
            "SELECT held FROM campaign_batches WHERE campaign_id = 'rush2'"
        )
        .await,
        150,
        "no unit lost or double-sold"
    );
    assert_eq!(
        scalar(
            &services,
            "SELECT COUNT(DISTINCT id) FROM orders WHERE campaign_id = 'rush2' AND holds_unit = 1"
        )
        .await,
        150
    );
    assert_eq!(
        scalar(
            &services,
            "SELECT COUNT(DISTINCT account_id) FROM orders WHERE campaign_id = 'rush2'"
        )
        .await,
        150
    );
    settled(&services).await;
    let kept = services.demand().stored_demand("rush2").await.unwrap();
    let recount = services.demand().recount_demand("rush2").await.unwrap();
    assert!(!recount.cells.is_empty(), "the reservations made demand");
    assert_eq!(
        kept.cells, recount.cells,
        "every demand cell equals a recount"
    );
    assert_eq!(kept.rollup, recount.rollup, "and every released figure");
    assert_books_balance(services.db()).await;
    for server in [&mut one, &mut two] {
        server.start_kill().ok();
        let _ = server.wait().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_in_the_middle_of_a_group_commit_loses_nothing_acknowledged() {
    let db = TestDb::new().await;
    let (services, code, tokens) = launch(&db, "rushkill", 1000, 300).await;
    let port = free_port();
    let log =
        std::env::temp_dir().join(format!("c2m-rushkill-{}-{}.log", std::process::id(), port));
    let _ = std::fs::remove_file(&log);
    let holding = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("holding its commit")
            .count()
    };
    // Every group is written, then held open 300 ms before it commits.
    let mut server = start_with(
        &db.url,
        port,
        &[("C2M_TEST_COMMIT_HOLD_MS", "300")],
        Some(&log),
    )
    .await;
    let (sender, mut acknowledged) = tokio::sync::mpsc::unbounded_channel();
    let mut storm = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (sender, code, token) = (sender.clone(), code.clone(), token.clone());
        storm.push(tokio::spawn(async move {
            let body =
                format!(r#"{{"configuration_code":"{code}","idempotency_key":"rushkill-{i:05}"}}"#);
            if let Some((201, body)) = post(
                port,
                "/api/v1/campaigns/rushkill/reservations",
                &token,
                &body,
            )
            .await
            {
                let order: Value = serde_json::from_str(&body).unwrap();
                let _ = sender.send((i, order["id"].as_str().unwrap().to_string()));
            }
        }));
    }
    drop(sender);
    // A first group is acknowledged; then the next group is written and held: kill it there.
    let (i, id) = tokio::time::timeout(Duration::from_secs(30), acknowledged.recv())
        .await
        .expect("a first acknowledgement")
        .expect("the storm acknowledged nothing");
    let mut ids = vec![(i, id)];
    let mut waited = 0;
    while holding() < 2 {
        assert!(waited < 3000, "no second group was written");
        tokio::time::sleep(Duration::from_millis(5)).await;
        waited += 5;
    }
    server.start_kill().expect("SIGKILL");
    let _ = server.wait().await;
    for task in storm {
        task.await.unwrap();
    }
    while let Ok(ack) = acknowledged.try_recv() {
        ids.push(ack);
    }
    let _ = std::fs::remove_file(&log);
    let stored = scalar(
        &services,
        "SELECT COUNT(*) FROM orders WHERE campaign_id = 'rushkill'",
    )
    .await;
    assert!(
        (stored as usize) < tokens.len(),
        "the kill landed before every request was committed ({stored} orders)"
    );

    // Restarted: every acknowledged order is there, and the killed group left nothing.
    let mut server = start(&db.url, port).await;
    settled(&services).await;
    for (_, id) in &ids {
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
    for (sql, what) in [
        (
            "SELECT COUNT(*) FROM orders o WHERE o.campaign_id = 'rushkill'
               AND (SELECT COUNT(*) FROM payments p WHERE p.order_id = o.id) <> 1",
            "an order without its one payment",
        ),
        (
            "SELECT COUNT(*) FROM orders o WHERE o.campaign_id = 'rushkill'
               AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)",
            "an order without its event",
        ),
        (
            "SELECT COUNT(*) FROM orders o WHERE o.campaign_id = 'rushkill' AND NOT EXISTS
               (SELECT 1 FROM idempotency_keys k WHERE k.account_id = o.account_id
                  AND k.fingerprint LIKE 'reserve:rushkill:%' AND k.status_code = 200)",
            "an order without its key's answer",
        ),
        (
            "SELECT COUNT(*) FROM idempotency_keys k WHERE k.fingerprint LIKE 'reserve:rushkill:%'
               AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.account_id = k.account_id
                                 AND o.campaign_id = 'rushkill')",
            "a key's answer without its order",
        ),
    ] {
        assert_eq!(scalar(&services, sql).await, 0, "{what}");
    }
    assert_eq!(
        scalar(
            &services,
            "SELECT held FROM campaign_batches WHERE campaign_id = 'rushkill'"
        )
        .await,
        stored,
        "the batch counts exactly the stored orders"
    );
    // The requests of the killed group stored nothing: sent again with the same keys, each
    // makes its reservation now, and every acknowledged one replays its first answer.
    let acked: HashMap<usize, String> = ids.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        let body =
            format!(r#"{{"configuration_code":"{code}","idempotency_key":"rushkill-{i:05}"}}"#);
        let (status, body) = post(
            port,
            "/api/v1/campaigns/rushkill/reservations",
            token,
            &body,
        )
        .await
        .expect("an answer");
        assert_eq!(status, 201, "person {i}: {body}");
        if let Some(first) = acked.get(&i) {
            let order: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                order["id"].as_str(),
                Some(first.as_str()),
                "person {i}'s retry"
            );
        }
    }
    assert_eq!(
        scalar(
            &services,
            "SELECT COUNT(*) FROM orders WHERE campaign_id = 'rushkill'"
        )
        .await,
        tokens.len() as i64
    );
    settled(&services).await;
    assert_books_balance(services.db()).await;
    server.start_kill().ok();
    let _ = server.wait().await;
}
