//! Editing campaigns: what a marketer may change, what the campaign's reservations, votes and
//! decisions protect, and a cap lowered while reservations race for it.

use crate::common;

use std::sync::Arc;

use common::TestApp;
use http::StatusCode;
use models::Role;
use serde_json::{json, Value};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The edit body that keeps campaign `detail` exactly as it is.
fn input_of(detail: &Value) -> Value {
    let list = |field: &str| detail[field].as_array().cloned().unwrap_or_default();
    json!({
        "id": detail["id"], "car_line": detail["car_line"],
        "catalog_version": detail["catalog_version"],
        "title": detail["title"], "tagline": detail["tagline"],
        "warmup_at": detail["warmup_at"], "opens_at": detail["opens_at"],
        "closes_at": detail["closes_at"],
        "batches": list("batches").iter().map(|b| b["cap"].clone()).collect::<Vec<_>>(),
        "reservation_fen": detail["reservation"], "earnest_fen": detail["earnest"],
        "cooling_off_hours": detail["cooling_off_hours"],
        "polls": list("polls").iter().map(|p| json!({
            "id": p["id"], "question": p["question"], "closes_at": p["closes_at"],
            "choices": p["choices"].as_array().unwrap().iter()
                .map(|c| json!({"id": c["id"], "label": c["label"]})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "thresholds": list("thresholds").iter().map(|t| json!({
            "option": t["option"], "target": t["target"], "deadline": t["deadline"],
        })).collect::<Vec<_>>(),
    })
}

async fn detail(app: &TestApp, id: &str) -> Value {
    let (status, body) = app
        .call("GET", &format!("/api/v1/campaigns/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn reserve(app: &TestApp, token: &str, campaign: &str, code: &str) -> (StatusCode, Value) {
    app.call_as(
        token,
        "POST",
        &format!("/api/v1/campaigns/{campaign}/reservations"),
        Some(json!({"configuration_code": code, "idempotency_key": key()})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketer_edits_terms_and_placed_orders_keep_theirs() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let id = app.campaign("edit-terms", &[2]).await;
    let code = app.saved_code().await;
    let consumers = app.consumers(2, "edit-terms").await;
    let (status, first) = reserve(&app, &consumers[0], &id, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");

    let before = detail(&app, &id).await;
    let mut input = input_of(&before);
    input["title"]["en"] = json!("Autumn edition");
    input["batches"] = json!([3, 500]);
    input["reservation_fen"] = json!(50_000);
    input["cooling_off_hours"] = json!(72);
    let url = format!("/api/v1/campaigns/{id}");
    let (status, edited) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["title"]["en"], "Autumn edition");
    assert_eq!(edited["reservation"], 50_000);
    assert_eq!(edited["cooling_off_hours"], 72);
    let batches: Vec<(i64, i64)> = edited["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["cap"].as_i64().unwrap(), b["held"].as_i64().unwrap()))
        .collect();
    assert_eq!(batches, vec![(3, 1), (500, 0)]);
    assert_eq!(
        edited["polls"], before["polls"],
        "the poll is kept as it was"
    );

    // The first order keeps the terms it was reserved under; the next one gets the new ones.
    let (_, orders) = app
        .call_as(&consumers[0], "GET", "/api/v1/orders", None)
        .await;
    assert_eq!(orders[0]["reservation"], 99_900);
    assert_eq!(orders[0]["cooling_off_hours"], 168);
    let (status, second) = reserve(&app, &consumers[1], &id, &code).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["reservation"], 50_000);
    assert_eq!(second["cooling_off_hours"], 72);

    // Editing is for marketers and admins only.
    let (status, body) = app
        .call_as(&consumers[0], "PUT", &url, Some(input_of(&edited)))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = app
        .call("PUT", "/api/v1/campaigns/nope", Some(input_of(&edited)))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut other = input_of(&edited);
    other["id"] = json!("nope");
    let (status, body) = app
        .call_as(&marketer, "PUT", "/api/v1/campaigns/nope", Some(other))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_reservations_votes_and_decisions_hold_cannot_be_edited_away() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let id = app.campaign("edit-guard", &[2, 5]).await;
    let code = app.saved_code().await;
    let consumers = app.consumers(2, "edit-guard").await;
    for token in &consumers {
        let (status, body) = reserve(&app, token, &id, &code).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let before = detail(&app, &id).await;
    let poll = before["polls"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .call_as(
            &consumers[0],
            "POST",
            &format!("/api/v1/polls/{poll}/vote"),
            Some(json!({"choice": "sand_gold"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = detail(&app, &id).await;
    let url = format!("/api/v1/campaigns/{id}");

    // Each refusal names the field, and nothing is stored.
    type Edit = fn(&mut Value);
    let refusals: Vec<(&str, Edit, &str)> = vec![
        ("below held", |i| i["batches"] = json!([1, 5]), "batches[0]"),
        (
            "full batch removed",
            |i| i["batches"] = json!([]),
            "batches",
        ),
        ("car line", |i| i["car_line"] = json!("other"), "car_line"),
        ("id", |i| i["id"] = json!("edit-guard-2"), "id"),
        (
            "version with orders",
            |i| i["catalog_version"] = json!(99),
            "catalog_version",
        ),
        (
            "voted poll's choices",
            |i| {
                i["polls"][0]["choices"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"id": "jade", "label": {"zh": "翡翠", "en": "Jade"}}))
            },
            "polls[0].choices",
        ),
        ("voted poll removed", |i| i["polls"] = json!([]), "polls"),
        (
            "foreign poll",
            |i| i["polls"][0]["id"] = json!("poll_elsewhere"),
            "polls[0].id",
        ),
        (
            "earnest above 20 %",
            |i| i["earnest_fen"] = json!(5_000_000),
            "earnest_fen",
        ),
        (
            "close in the past",
            |i| i["closes_at"] = json!(1_000),
            "opens_at",
        ),
    ];
    for (what, edit, field) in refusals {
        let mut input = input_of(&before);
        edit(&mut input);
        let (status, body) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["field"], field, "{what}: {body}");
        assert!(body["message"].as_str().unwrap().len() > 10, "{body}");
    }
    let mut after = detail(&app, &id).await;
    after["server_now"] = before["server_now"].clone();
    assert_eq!(after, before, "nothing changed");

    // A voted poll may be renamed, an empty batch removed, and a poll without votes removed.
    let mut input = input_of(&before);
    input["polls"][0]["question"]["en"] = json!("Which colour goes into production?");
    input["batches"] = json!([2]);
    input["polls"].as_array_mut().unwrap().push(
        json!({"question": {"zh": "轮毂？", "en": "Wheels?"},
            "choices": [{"id": "a", "label": {"zh": "甲", "en": "A"}},
                        {"id": "b", "label": {"zh": "乙", "en": "B"}}],
            "closes_at": before["closes_at"]}),
    );
    let (status, edited) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["polls"].as_array().unwrap().len(), 2);
    assert_eq!(edited["batches"].as_array().unwrap().len(), 1);
    assert_eq!(edited["polls"][0]["choices"][0]["votes"], 1, "votes kept");
    let mut input = input_of(&edited);
    input["polls"].as_array_mut().unwrap().pop();
    let (status, edited) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["polls"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decided_threshold_stays_as_decided() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let id = app.campaign("edit-threshold", &[10]).await;
    let url = format!("/api/v1/campaigns/{id}");
    let mut input = input_of(&detail(&app, &id).await);
    let deadline = services::now_ms() + 1_000;
    input["thresholds"] = json!([
        {"option": "sand_gold", "target": 5, "deadline": deadline},
        {"option": "sky_blue", "target": 5, "deadline": deadline + 86_000_000}
    ]);
    let (status, edited) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        app.services.campaigns().decide_thresholds().await.unwrap(),
        1
    );
    let decided = detail(&app, &id).await;

    for (what, thresholds, field) in [
        (
            "changed",
            json!([{"option": "sand_gold", "target": 1, "deadline": deadline},
                   {"option": "sky_blue", "target": 5, "deadline": deadline + 86_000_000}]),
            "thresholds[0].option",
        ),
        (
            "removed",
            json!([{"option": "sky_blue", "target": 5, "deadline": deadline + 86_000_000}]),
            "thresholds",
        ),
    ] {
        let mut input = input_of(&decided);
        input["thresholds"] = thresholds;
        let (status, body) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["field"], field, "{what}: {body}");
    }
    // The open one may change or go; the decided one stays.
    let mut input = input_of(&decided);
    input["thresholds"] = json!([{"option": "sand_gold", "target": 5, "deadline": deadline}]);
    let (status, edited) = app.call_as(&marketer, "PUT", &url, Some(input)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let thresholds = edited["thresholds"].as_array().unwrap();
    assert_eq!(thresholds.len(), 1);
    assert_eq!(thresholds[0]["status"], "dropped");
}

/// A marketer lowers a cap while 60 consumers race for its units: whichever comes first, the
/// batch never holds more than its cap and every held unit is an order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cap_lowered_during_a_reservation_storm_is_never_exceeded() {
    let app = Arc::new(TestApp::new().await);
    let marketer = app.login(Role::Marketer).await;
    let id = app.campaign("edit-storm", &[100]).await;
    let code = app.saved_code().await;
    let consumers = app.consumers(60, "edit-storm").await;
    let input = {
        let mut input = input_of(&detail(&app, &id).await);
        input["batches"] = json!([30]);
        input
    };
    let mut tasks = Vec::new();
    for token in consumers {
        let (app, id, code) = (app.clone(), id.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            reserve(&app, &token, &id, &code).await.0
        }));
    }
    let edit = {
        let (app, url) = (app.clone(), format!("/api/v1/campaigns/{id}"));
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            app.call_as(&marketer, "PUT", &url, Some(input)).await
        })
    };
    let mut reserved = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => reserved += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    let (edit_status, edit_body) = edit.await.unwrap();
    let after = detail(&app, &id).await;
    let (cap, held) = (
        after["batches"][0]["cap"].as_i64().unwrap(),
        after["batches"][0]["held"].as_i64().unwrap(),
    );
    assert_eq!(held, reserved, "every held unit is an order");
    assert!(held <= cap, "held {held} > cap {cap}");
    match edit_status {
        StatusCode::OK => assert_eq!(cap, 30),
        StatusCode::UNPROCESSABLE_ENTITY => {
            assert_eq!(cap, 100, "{edit_body}");
            assert_eq!(edit_body["field"], "batches[0]");
        }
        other => panic!("edit answered {other}: {edit_body}"),
    }
    let orders: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE campaign_id = $1 AND holds_unit = 1")
            .bind(&id)
            .fetch_one(app.services.db())
            .await
            .unwrap();
    assert_eq!(orders, held);
}
