//! Demand thresholds: progress from active reservations, the decision at the deadline, and a
//! dropped option's orders offered a full refund even after the cooling-off period.

use crate::common;

use common::TestApp;
use http::StatusCode;
use models::Role;
use serde_json::json;

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Creates an open campaign `id` with these thresholds (as `marketer`); answers its detail.
async fn threshold_campaign(
    app: &TestApp,
    marketer: &str,
    id: &str,
    cooling_off_hours: i64,
    thresholds: serde_json::Value,
) -> serde_json::Value {
    let now = services::now_ms();
    let (status, campaign) = app
        .call_as(
            marketer,
            "POST",
            "/api/v1/campaigns",
            Some(json!({
                "id": id, "car_line": "xiaoman",
                "title": {"zh": "门槛", "en": "Thresholds"}, "tagline": {"zh": "测", "en": "Test"},
                "warmup_at": now - 1000, "opens_at": now - 1000, "closes_at": now + 86_400_000,
                "batches": [100], "reservation_fen": 99_900, "earnest_fen": 500_000,
                "cooling_off_hours": cooling_off_hours,
                "thresholds": thresholds
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    campaign
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thresholds_are_decided_at_their_deadline() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let now = services::now_ms();
    let deadline = now + 1_500;
    // No cooling-off: only a dropped option makes a locked order refundable.
    let campaign = threshold_campaign(
        &app,
        &marketer,
        "thresholds",
        0,
        json!([
            {"option": "sand_gold", "target": 2, "deadline": deadline},
            {"option": "lease", "target": 1, "deadline": deadline}
        ]),
    )
    .await;
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
    assert_eq!(
        app.services.campaigns().decide_thresholds().await.unwrap(),
        0
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(
        app.services.campaigns().decide_thresholds().await.unwrap(),
        2
    );
    assert_eq!(
        app.services.campaigns().decide_thresholds().await.unwrap(),
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

/// A holder whose option was dropped changes the configuration in one step: same order, same
/// batch unit, same money; the new car is re-checked and may not keep the dropped option.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_option_is_changed_in_one_step() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let now = services::now_ms();
    threshold_campaign(
        &app,
        &marketer,
        "change",
        24,
        json!([{"option": "sand_gold", "target": 5, "deadline": now + 1_500}]),
    )
    .await;
    let token = app.login(Role::Consumer).await;
    let gold = app.saved_code().await;
    let white: Vec<String> = common::complete_lease()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().replace("sand_gold", "cloud_white"))
        .collect();
    let white = app
        .services
        .configurations()
        .save_configuration("xiaoman", &white)
        .await
        .unwrap();
    let (status, order) = app
        .call_as(
            &token,
            "POST",
            "/api/v1/campaigns/change/reservations",
            Some(json!({"configuration_code": gold, "idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap().to_string();
    app.wait_for_status(&token, &id, "reserved").await;
    let url = format!("/api/v1/orders/{id}/change");

    // Before any option is dropped there is nothing to change (cancel and reserve again).
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &url,
            Some(json!({"configuration_code": white})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "order_state");

    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(
        app.services.campaigns().decide_thresholds().await.unwrap(),
        1
    );
    let before = app.wait_for_status(&token, &id, "reserved").await;
    assert_eq!(before["dropped_option"], "sand_gold");

    // Only the holder, and only with a car that no longer has the dropped option.
    let (status, _) = app
        .call_as(
            &marketer,
            "POST",
            &url,
            Some(json!({"configuration_code": white})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = app.consumers(1, "change-other").await;
    let (status, _) = app
        .call_as(
            &other[0],
            "POST",
            &url,
            Some(json!({"configuration_code": white})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &url,
            Some(json!({"configuration_code": gold})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("sand_gold"));
    for bad in [
        json!({"configuration_code": "nope"}),
        json!({"code": white}),
        json!([]),
    ] {
        let (status, body) = app.call_as(&token, "POST", &url, Some(bad)).await;
        assert!(status.is_client_error(), "{status} {body}");
        assert!(body["error"].is_string(), "{body}");
    }

    let (status, changed) = app
        .call_as(
            &token,
            "POST",
            &url,
            Some(json!({"configuration_code": white})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["id"], before["id"]);
    assert_eq!(changed["configuration_code"], json!(white));
    assert!(changed["dropped_option"].is_null());
    assert!(changed["selections"]
        .as_array()
        .unwrap()
        .contains(&json!("cloud_white")));
    for same in ["batch", "held", "reservation", "status", "created_at"] {
        assert_eq!(changed[same], before[same], "{same}");
    }
    assert!(changed["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "configuration_changed"));
    // Repeating the change answers the order as it is; nothing moves twice.
    let (status, again) = app
        .call_as(
            &token,
            "POST",
            &url,
            Some(json!({"configuration_code": white})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again, changed);
    let detail = app.call("GET", "/api/v1/campaigns/change", None).await.1;
    assert_eq!(detail["batches"][0]["held"], 1, "still one unit");
    app.assert_books_balance().await;
}
