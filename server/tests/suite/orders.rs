//! Reservations, orders and payments: the full flow, the cap under 1,000 concurrent attempts,
//! idempotent retries, duplicate and forged callbacks, declined payments and bad input.
//! Runs on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

use crate::common;

use std::sync::Arc;

use common::{TestApp, SANDBOX_SECRET};
use http::StatusCode;
use models::Role;
use serde_json::{json, Value};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn reserve(
    app: &TestApp,
    token: &str,
    campaign: &str,
    code: &str,
    key: &str,
) -> (StatusCode, Value) {
    app.call_as(
        token,
        "POST",
        &format!("/api/v1/campaigns/{campaign}/reservations"),
        Some(json!({"configuration_code": code, "idempotency_key": key})),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.services.db())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reserve_lock_cancel_and_refund() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;

    let (status, order) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["batch"], 1);
    let (_, check) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "xiaoman", "selections": common::complete_lease()})),
        )
        .await;
    assert_eq!(
        order["price"], check["price"],
        "price snapshot, re-computed by the server"
    );
    assert!(
        order["price"]["lines"].as_array().unwrap().len() > 1,
        "a full breakdown"
    );
    assert_eq!(order["catalog_version"], 1);
    let id = order["id"].as_str().unwrap().to_string();
    let reserved = app.wait_for_status(&token, &id, "reserved").await;
    assert_eq!(reserved["held"], 99_900);

    // A second reservation in the same campaign is refused while the first is active.
    let (status, body) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_reserved"))
    );

    // Locking is two steps: without `confirm` the answer states the terms.
    let lock_uri = format!("/api/v1/orders/{id}/lock");
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &lock_uri,
            Some(json!({"idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "confirmation_required");
    assert!(
        body["message"].as_str().unwrap().contains("not refundable"),
        "{body}"
    );
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &lock_uri,
            Some(json!({"idempotency_key": key(), "confirm": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "locking");
    let locked = app.wait_for_status(&token, &id, "locked").await;
    assert_eq!(locked["held"], 99_900 + 500_000);
    assert!(locked["refundable_until"].as_i64().unwrap() > locked["locked_at"].as_i64().unwrap());

    // Within the cooling-off period a locked order is cancelled with a full refund.
    let (status, body) = app
        .call_as(
            &token,
            "POST",
            &format!("/api/v1/orders/{id}/cancel"),
            Some(json!({"idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "cancelled");
    for _ in 0..200 {
        let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
        if orders[0]["held"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
    assert_eq!(orders[0]["held"], 0, "everything refunded: {}", orders[0]);
    let kinds: Vec<&str> = orders[0]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        &kinds[..6],
        [
            "reserved",
            "payment_confirmed",
            "lock_requested",
            "locked",
            "cancelled",
            "refunded"
        ]
    );
    app.assert_books_balance().await;
    let first_timeline = orders[0]["timeline"].clone();

    // Reserve again after cancelling: allowed, and the unit count is right.
    let (status, second) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    assert_eq!(status, StatusCode::CREATED);
    let detail = app
        .call("GET", "/api/v1/campaigns/xiaoman-presale", None)
        .await
        .1;
    assert_eq!(detail["batches"][0]["held"], 1);

    // The list gives each order its own timeline, newest order first.
    let second = second["id"].as_str().unwrap();
    app.wait_for_status(&token, second, "reserved").await;
    let (_, orders) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
    let kinds = |order: &Value| -> Vec<String> {
        order["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(orders.as_array().unwrap().len(), 2, "{orders}");
    assert_eq!(orders[0]["id"], second);
    assert_eq!(kinds(&orders[0]), ["reserved", "payment_confirmed"]);
    assert_eq!(orders[1]["id"], id.as_str());
    assert_eq!(orders[1]["timeline"], first_timeline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_reservations_never_oversell_a_batch_of_100() {
    let app = Arc::new(TestApp::new().await);
    let campaign = app.campaign("cap-100", &[100]).await;
    let code = app.saved_code().await;
    let tokens = app.consumers(1000, "storm").await;

    let mut tasks = Vec::new();
    for token in tokens {
        let (app, campaign, code) = (app.clone(), campaign.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            reserve(&app, &token, &campaign, &code, &key()).await
        }));
    }
    let (mut created, mut sold_out) = (0, 0);
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match (status, body["error"].as_str()) {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, Some("sold_out")) => sold_out += 1,
            other => panic!("unexpected answer {other:?}: {body}"),
        }
    }
    assert_eq!((created, sold_out), (100, 900));
    let held = count(
        &app,
        "SELECT held FROM campaign_batches WHERE campaign_id = 'cap-100'",
    )
    .await;
    let orders = count(
        &app,
        "SELECT COUNT(*) FROM orders WHERE campaign_id = 'cap-100'",
    )
    .await;
    assert_eq!((held, orders), (100, 100));
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_retries_make_one_reservation_and_one_payment() {
    let app = Arc::new(TestApp::new().await);
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let key = key();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (app, token, code, key) = (app.clone(), token.clone(), code.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            reserve(&app, &token, "xiaoman-presale", &code, &key).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.insert(body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "every retry got the first answer");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 1);

    // The same key for a different request is refused.
    let other = app.campaign("other-campaign", &[10]).await;
    let (status, body) = reserve(&app, &token, &other, &code, &key).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
}

/// Delivers a callback body signed with `secret` (or unsigned); answers status and body.
async fn deliver(app: &TestApp, body: &Value, secret: Option<&[u8]>) -> (StatusCode, Value) {
    let body = body.to_string();
    let mut request =
        http::Request::post("/api/v1/payments/callback").header("content-type", "application/json");
    if let Some(secret) = secret {
        request = request.header(
            "x-c2m-signature",
            services::payments::sign(secret, body.as_bytes()),
        );
    }
    app.send(request.body(axum::body::Body::from(body)).unwrap())
        .await
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_apply_once_and_forged_ones_are_refused() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let (_, order) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    let id = order["id"].as_str().unwrap();
    app.wait_for_status(&token, id, "reserved").await;
    let payment: String = sqlx::query_scalar("SELECT id FROM payments WHERE order_id = $1")
        .bind(id)
        .fetch_one(app.services.db())
        .await
        .unwrap();
    let callback = |status: &str, amount: i64, at: i64| {
        json!({"kind": "charge", "id": payment, "status": status, "amount_fen": amount,
               "currency": "CNY", "timestamp": at, "provider_ref": "x"})
    };
    let refusal =
        |(status, body): (StatusCode, Value)| (status, body["error"].as_str().map(String::from));

    // Applied once (the sandbox's own delivery came first: a no-op), then refused as a replay.
    let body = callback("succeeded", 99_900, now_ms());
    assert_eq!(
        deliver(&app, &body, Some(SANDBOX_SECRET)).await.0,
        StatusCode::NO_CONTENT
    );
    for _ in 0..2 {
        let (status, answer) = deliver(&app, &body, Some(SANDBOX_SECRET)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(answer["error"], "callback_refused");
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("applied before"),
            "{answer}"
        );
    }
    let reserved = app.wait_for_status(&token, id, "reserved").await;
    assert_eq!(reserved["held"], 99_900, "a repeated callback adds nothing");

    // A stale one (signed six minutes ago) and one for another amount are refused.
    let stale = deliver(
        &app,
        &callback("failed", 99_900, now_ms() - 6 * 60_000),
        Some(SANDBOX_SECRET),
    )
    .await;
    assert_eq!(stale.0, StatusCode::CONFLICT, "{}", stale.1);
    assert!(
        stale.1["message"]
            .as_str()
            .unwrap()
            .contains("from our clock"),
        "{}",
        stale.1
    );
    let more = deliver(
        &app,
        &callback("succeeded", 99_901, now_ms()),
        Some(SANDBOX_SECRET),
    )
    .await;
    assert_eq!(more.0, StatusCode::CONFLICT, "{}", more.1);
    assert!(
        more.1["message"].as_str().unwrap().contains("99901"),
        "{}",
        more.1
    );

    // Unsigned, wrongly signed or signed with the public sandbox default: 401, whatever the id.
    let unknown = json!({"kind": "charge", "id": "no-such-payment", "status": "succeeded",
                         "amount_fen": 1, "currency": "CNY", "timestamp": now_ms(),
                         "provider_ref": "x"});
    for body in [&unknown, &callback("failed", 99_900, now_ms())] {
        for secret in [None, Some(&b"c2m-sandbox-secret"[..]), Some(&b"guess"[..])] {
            assert_eq!(
                refusal(deliver(&app, body, secret).await),
                (StatusCode::UNAUTHORIZED, Some("bad_signature".into()))
            );
        }
    }
    // Signed but for no payment of ours: 404.
    assert_eq!(
        refusal(deliver(&app, &unknown, Some(SANDBOX_SECRET)).await),
        (StatusCode::NOT_FOUND, Some("not_found".into()))
    );
    assert_eq!(
        app.wait_for_status(&token, id, "reserved").await["held"],
        99_900
    );
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_payment_releases_the_unit() {
    let app = TestApp::new().await;
    let (status, session) = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"login": "decline@pay.test", "password": "long enough"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let token = session["token"].as_str().unwrap();
    let code = app.saved_code().await;
    let (_, order) = reserve(&app, token, "xiaoman-presale", &code, &key()).await;
    let failed = app
        .wait_for_status(token, order["id"].as_str().unwrap(), "payment_failed")
        .await;
    assert_eq!(failed["held"], 0);
    let detail = app
        .call("GET", "/api/v1/campaigns/xiaoman-presale", None)
        .await
        .1;
    assert_eq!(detail["batches"][0]["held"], 0, "the unit is free again");
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_reservation_input_is_a_clear_4xx_and_stores_nothing() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let cases = [
        (
            json!({"configuration_code": "nope", "idempotency_key": key()}),
            "xiaoman-presale",
            422,
            "invalid_field",
        ),
        (
            json!({"configuration_code": "ZZZZZZZZ", "idempotency_key": key()}),
            "xiaoman-presale",
            404,
            "not_found",
        ),
        (
            json!({"configuration_code": code, "idempotency_key": "short"}),
            "xiaoman-presale",
            422,
            "invalid_field",
        ),
        (
            json!({"configuration_code": code}),
            "xiaoman-presale",
            422,
            "invalid_body",
        ),
        (
            json!({"configuration_code": code, "idempotency_key": key(), "extra": 1}),
            "xiaoman-presale",
            422,
            "invalid_body",
        ),
        (
            json!({"configuration_code": code, "idempotency_key": key()}),
            "no-such-campaign",
            404,
            "not_found",
        ),
    ];
    for (body, campaign, status, error) in cases {
        let (got, answer) = app
            .call_as(
                &token,
                "POST",
                &format!("/api/v1/campaigns/{campaign}/reservations"),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            (got.as_u16(), answer["error"].as_str()),
            (status, Some(error)),
            "{body} -> {answer}"
        );
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0);

    // Someone else's order is not there for you.
    let (_, order) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    let other = app.consumers(1, "other").await.remove(0);
    let (status, _) = app
        .call_as(
            &other,
            "POST",
            &format!("/api/v1/orders/{}/cancel", order["id"].as_str().unwrap()),
            Some(json!({"idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaign_validation_explains_itself() {
    let app = TestApp::new().await;
    let marketer = app.login(Role::Marketer).await;
    let now = services::now_ms();
    let valid = json!({
        "id": "autumn", "car_line": "xiaoman",
        "title": {"zh": "秋季", "en": "Autumn"}, "tagline": {"zh": "秋", "en": "Fall"},
        "warmup_at": now, "opens_at": now + 1000, "closes_at": now + 86_400_000,
        "batches": [5000, 10000], "reservation_fen": 99_900, "earnest_fen": 500_000,
        "cooling_off_hours": 168
    });
    let broken = |field: &str, value: Value| {
        let mut v = valid.clone();
        v[field] = value;
        v
    };
    let cases = [
        (broken("earnest_fen", json!(1_000_000)), "earnest_fen"),
        (broken("batches", json!([])), "batches"),
        (broken("batches", json!([100, 0])), "batches[1]"),
        (broken("id", json!("Bad Id")), "id"),
        (broken("closes_at", json!(now - 1)), "opens_at"),
        (broken("car_line", json!("nope")), "car_line"),
        (broken("cooling_off_hours", json!(-1)), "cooling_off_hours"),
    ];
    for (body, field) in cases {
        let (status, answer) = app
            .call_as(&marketer, "POST", "/api/v1/campaigns", Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let (status, answer) = app
        .call_as(&marketer, "POST", "/api/v1/campaigns", Some(valid.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["batches"][1]["cap"], 10_000);
    let (status, answer) = app
        .call_as(&marketer, "POST", "/api/v1/campaigns", Some(valid))
        .await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("id"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_vote_per_account_changeable_until_the_poll_closes() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let detail = app
        .call_as(&token, "GET", "/api/v1/campaigns/xiaoman-presale", None)
        .await
        .1;
    let poll = detail["polls"][0]["id"].as_str().unwrap().to_string();
    let uri = format!("/api/v1/polls/{poll}/vote");
    let (status, results) = app
        .call_as(&token, "POST", &uri, Some(json!({"choice": "sand_gold"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let (_, results) = app
        .call_as(&token, "POST", &uri, Some(json!({"choice": "sky_blue"})))
        .await;
    let votes: Vec<i64> = results["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["votes"].as_i64().unwrap())
        .collect();
    assert_eq!(votes, [0, 1, 0], "the vote moved, not doubled");
    assert_eq!(results["my_vote"], "sky_blue");
    let (status, answer) = app
        .call_as(&token, "POST", &uri, Some(json!({"choice": "purple"})))
        .await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field"))
    );
    sqlx::query("UPDATE polls SET closes_at = 0")
        .execute(app.services.db())
        .await
        .unwrap();
    let (status, answer) = app
        .call_as(&token, "POST", &uri, Some(json!({"choice": "sand_gold"})))
        .await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::CONFLICT, Some("poll_closed"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_charge_frees_its_unit_and_a_late_confirmation_is_refunded() {
    // The provider answers after 1.5 s; charges expire after 0.3 s.
    let app = TestApp::with_options(|o| {
        o.payment_deadline = Some(std::time::Duration::from_millis(300));
        o.sandbox.delay = std::time::Duration::from_millis(1500);
    })
    .await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let (status, order) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    let failed = app.wait_for_status(&token, id, "payment_failed").await;
    assert_eq!(failed["held"], 0);
    let detail = app
        .call("GET", "/api/v1/campaigns/xiaoman-presale", None)
        .await
        .1;
    assert_eq!(
        detail["batches"][0]["held"], 0,
        "the expired charge gave its unit back"
    );
    let (_, statement) = app
        .call_as(&token, "GET", "/api/v1/me/payments", None)
        .await;
    assert_eq!(statement["entries"][0]["status"], "expired", "{statement}");
    assert_eq!(statement["charged_fen"], 0);

    // The money moved after all: it is recorded once and refunded in full.
    let statement = app
        .statement_when(&token, |s| s["refunded_fen"] == 99_900)
        .await;
    assert_eq!(
        (
            &statement["charged_fen"],
            &statement["refunded_fen"],
            &statement["net_fen"]
        ),
        (&json!(99_900), &json!(99_900), &json!(0)),
        "{statement}"
    );
    let entries = statement["entries"].as_array().unwrap();
    let kinds: Vec<(&str, &str, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["status"].as_str().unwrap(),
                e["amount_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("charge", "succeeded", 99_900)),
        "{statement}"
    );
    assert!(
        kinds.contains(&("refund", "succeeded", 99_900)),
        "{statement}"
    );
    assert!(entries.iter().all(|e| e["order_id"] == id), "{statement}");
    assert_eq!(
        app.wait_for_status(&token, id, "payment_failed").await["held"],
        0
    );
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_is_the_persons_own_and_the_ledger_only_grows() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    let code = app.saved_code().await;
    let (_, order) = reserve(&app, &token, "xiaoman-presale", &code, &key()).await;
    let id = order["id"].as_str().unwrap();
    app.wait_for_status(&token, id, "reserved").await;

    let (status, statement) = app
        .call_as(&token, "GET", "/api/v1/me/payments", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    let mine: Vec<&Value> = statement["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["order_id"] == id)
        .collect();
    assert_eq!(mine.len(), 1, "{statement}");
    assert_eq!(
        (
            &mine[0]["kind"],
            &mine[0]["status"],
            &mine[0]["amount_fen"],
            &mine[0]["purpose"]
        ),
        (
            &json!("charge"),
            &json!("succeeded"),
            &json!(99_900),
            &json!("reservation")
        )
    );
    assert!(mine[0]["settled_at"].as_i64().unwrap() >= mine[0]["created_at"].as_i64().unwrap());
    let net = statement["net_fen"].as_i64().unwrap();
    assert_eq!(
        net,
        statement["charged_fen"].as_i64().unwrap() - statement["refunded_fen"].as_i64().unwrap()
    );

    // Someone else sees none of it; a stranger is told to sign in.
    let other = app.consumers(1, "statement").await.remove(0);
    let (_, theirs) = app
        .call_as(&other, "GET", "/api/v1/me/payments", None)
        .await;
    assert_eq!(theirs["entries"], json!([]), "{theirs}");
    assert_eq!(theirs["net_fen"], 0);
    let (status, body) = app.call("GET", "/api/v1/me/payments", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    // The database itself refuses to rewrite or erase the ledger.
    for sql in ["UPDATE ledger SET amount_fen = 0", "DELETE FROM ledger"] {
        let refused = sqlx::query(sql).execute(app.services.db()).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("append-only")),
            "{sql}: {refused:?}"
        );
    }
    app.assert_books_balance().await;
}
