//! Demand thresholds: progress from active reservations, the decision at the deadline, and a
//! dropped option's orders offered a full refund even after the cooling-off period.

mod common;

use app::models::Role;
use common::TestApp;
use http::StatusCode;
use serde_json::json;

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thresholds_are_decided_at_their_deadline() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let now = app::services::now_ms();
    let deadline = now + 1_500;
    let (status, campaign) = app
        .call_as(
            &marketer,
            "POST",
            "/api/v1/campaigns",
            Some(json!({
                "id": "thresholds", "car_line": "xiaoman",
                "title": {"zh": "门槛", "en": "Thresholds"}, "tagline": {"zh": "测", "en": "Test"},
                "warmup_at": now - 1000, "opens_at": now - 1000, "closes_at": now + 86_400_000,
                "batches": [100], "reservation_fen": 99_900, "earnest_fen": 500_000,
                // No cooling-off: only a dropped option makes a locked order refundable.
                "cooling_off_hours": 0,
                "thresholds": [
                    {"option": "sand_gold", "target": 2, "deadline": deadline},
                    {"option": "lease", "target": 1, "deadline": deadline}
                ]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert_eq!(campaign["thresholds"].as_array().unwrap().len(), 2);

    // Bad thresholds are refused with the field named.
    let (status, answer) = app
        .call_as(
            &marketer,
            "POST",
            "/api/v1/campaigns",
            Some(json!({
                "id": "bad-threshold", "car_line": "xiaoman",
                "title": {"zh": "门槛", "en": "T"}, "tagline": {"zh": "测", "en": "T"},
                "warmup_at": now, "opens_at": now, "closes_at": now + 86_400_000,
                "batches": [10], "reservation_fen": 1, "earnest_fen": 1, "cooling_off_hours": 0,
                "thresholds": [{"option": "flying_car", "target": 1, "deadline": deadline}]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["field"], "thresholds[0].option");

    // One consumer reserves a sand-gold car (the complete lease configuration) and locks it.
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let (status, order) = app
        .call_as(
            &token,
            "POST",
            "/api/v1/campaigns/thresholds/reservations",
            Some(json!({"configuration_code": code, "idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    app.wait_for_status(&token, &id, "reserved").await;
    let (status, _) = app
        .call_as(
            &token,
            "POST",
            &format!("/api/v1/orders/{id}/lock"),
            Some(json!({"idempotency_key": key(), "confirm": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.wait_for_status(&token, &id, "locked").await;

    let detail = app
        .call("GET", "/api/v1/campaigns/thresholds", None)
        .await
        .1;
    let progress: Vec<(String, i64)> = detail["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["option"].as_str().unwrap().to_string(),
                t["reached"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        progress.contains(&("sand_gold".into(), 1)) && progress.contains(&("lease".into(), 1)),
        "{progress:?}"
    );

    // Before the deadline nothing is decided; after it, sand gold (1 of 2) is dropped and the
    // lease (1 of 1) confirmed.
    assert_eq!(app.services.decide_thresholds().await.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(app.services.decide_thresholds().await.unwrap(), 2);
    assert_eq!(
        app.services.decide_thresholds().await.unwrap(),
        0,
        "decided once"
    );
    let detail = app
        .call("GET", "/api/v1/campaigns/thresholds", None)
        .await
        .1;
    let statuses: Vec<(String, String)> = detail["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["option"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&("sand_gold".into(), "dropped".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("lease".into(), "confirmed".into())),
        "{statuses:?}"
    );

    // The order that depends on sand gold is flagged and may be cancelled with a full refund,
    // although its cooling-off period (0 hours) is over.
    let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
    assert_eq!(orders[0]["dropped_option"], "sand_gold");
    assert!(orders[0]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "option_dropped"));
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &format!("/api/v1/orders/{id}/cancel"),
            Some(json!({"idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for _ in 0..200 {
        let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
        if orders[0]["held"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
    assert_eq!(
        orders[0]["held"], 0,
        "reservation and earnest money refunded"
    );
    app.assert_books_balance().await;

    // A new reservation with the dropped option is refused, in words.
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            "/api/v1/campaigns/thresholds/reservations",
            Some(json!({"configuration_code": code, "idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().contains("sand_gold"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_dropped_option_a_locked_order_past_cooling_off_stays_locked() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let (_, order) = app
        .call_as(
            &token,
            "POST",
            "/api/v1/campaigns/xiaoman-presale/reservations",
            Some(json!({"configuration_code": code, "idempotency_key": key()})),
        )
        .await;
    let id = order["id"].as_str().unwrap().to_string();
    app.wait_for_status(&token, &id, "reserved").await;
    app.call_as(
        &token,
        "POST",
        &format!("/api/v1/orders/{id}/lock"),
        Some(json!({"idempotency_key": key(), "confirm": true})),
    )
    .await;
    app.wait_for_status(&token, &id, "locked").await;
    // The cooling-off period ends.
    sqlx::query("UPDATE orders SET locked_at = 0")
        .execute(app.services.db())
        .await
        .unwrap();
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &format!("/api/v1/orders/{id}/cancel"),
            Some(json!({"idempotency_key": key()})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("order_state"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no longer refundable"),
        "{body}"
    );
}
