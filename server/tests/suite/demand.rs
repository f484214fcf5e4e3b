//! Demand back to the OEM: the kept cells always equal a full recount, small groups stay
//! suppressed whatever the filters, and tenancy holds for members and for API tokens.

use crate::common;

use axum::body::Body;
use common::TestApp;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use models::Role;
use serde_json::{json, Value};
use services::DEMO_CAMPAIGN_ID;
use tower::ServiceExt;

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn lease() -> Value {
    common::complete_lease()
}

fn purchase() -> Value {
    json!([
        "purchase",
        "pack_long",
        "cloud_white",
        "standard",
        "wheels_17",
        "interior_base",
        "solid_roof"
    ])
}

/// Where consumers live (SQL: registration does not ask yet).
async fn place(app: &TestApp, token: &str, province: &str, city: &str) {
    let (_, me) = app.call_as(token, "GET", "/api/v1/auth/me", None).await;
    sqlx::query("UPDATE accounts SET province = $1, city = $2 WHERE id = $3")
        .bind(province)
        .bind(city)
        .bind(me["id"].as_str().unwrap())
        .execute(app.services.db())
        .await
        .unwrap();
}

/// Saves a configuration as `token` (signed in); answers its code.
async fn save(app: &TestApp, token: &str, selections: &Value) -> String {
    let (status, body) = app
        .call_as(
            token,
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": selections})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["code"].as_str().unwrap().to_string()
}

/// Reserves `code` in the demo campaign; answers the order id.
async fn reserve(app: &TestApp, token: &str, code: &str) -> String {
    let (status, body) = app
        .call_as(
            token,
            "POST",
            &format!("/api/v1/campaigns/{DEMO_CAMPAIGN_ID}/reservations"),
            Some(json!({"configuration_code": code, "idempotency_key": key()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn set_k(app: &TestApp, k: i64) {
    sqlx::query("UPDATE organisations SET k_anonymity = $1")
        .bind(k)
        .execute(app.services.db())
        .await
        .unwrap();
}

async fn assert_kept_equals_recount(app: &TestApp) {
    let kept = app
        .services
        .demand()
        .stored_demand(DEMO_CAMPAIGN_ID)
        .await
        .unwrap();
    let recount = app
        .services
        .demand()
        .recount_demand(DEMO_CAMPAIGN_ID)
        .await
        .unwrap();
    assert!(!recount.cells.is_empty(), "the signals made cells");
    assert_eq!(kept.cells, recount.cells, "cells");
    assert_eq!(kept.shown, recount.shown, "released figures");
    assert_eq!(
        kept.rollup, recount.rollup,
        "released figures over all provinces"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_cells_equal_a_full_recount_after_every_kind_of_signal() {
    let app = std::sync::Arc::new(TestApp::new().await);
    // A small K, so the release is not empty and its bookkeeping is exercised too.
    set_k(&app, 2).await;
    let consumers = app.consumers(24, "recount").await;
    let cities = [
        ("guangdong", "shenzhen"),
        ("zhejiang", "hangzhou"),
        ("sichuan", "chengdu"),
    ];
    for (i, token) in consumers.iter().enumerate() {
        let (p, c) = cities[i % cities.len()];
        place(&app, token, p, c).await;
    }
    let (_, detail) = app
        .call(
            "GET",
            &format!("/api/v1/campaigns/{DEMO_CAMPAIGN_ID}"),
            None,
        )
        .await;
    let poll = detail["polls"][0]["id"].as_str().unwrap().to_string();
    let choice = detail["polls"][0]["choices"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Everyone at once: a first configuration, a second that replaces it, a vote (twice: a
    // change of vote counts once), a reservation; anonymous saves beside them.
    let mut tasks = Vec::new();
    for (i, token) in consumers.iter().enumerate() {
        let (token, poll, choice) = (token.clone(), poll.clone(), choice.clone());
        let app_ref = app.clone();
        tasks.push(tokio::spawn(async move {
            let first = if i % 2 == 0 { lease() } else { purchase() };
            let second = if i % 3 == 0 { purchase() } else { lease() };
            save(&app_ref, &token, &first).await;
            let code = save(&app_ref, &token, &second).await;
            for _ in 0..2 {
                let (status, body) = app_ref
                    .call_as(
                        &token,
                        "POST",
                        &format!("/api/v1/polls/{poll}/vote"),
                        Some(json!({"choice": choice})),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
            let order = reserve(&app_ref, &token, &code).await;
            app_ref
                .services
                .configurations()
                .save_configuration(
                    "xiaoman",
                    &serde_json::from_value::<Vec<String>>(lease()).unwrap(),
                )
                .await
                .unwrap();
            (token, order)
        }));
    }
    let mut orders = Vec::new();
    for task in tasks {
        orders.push(task.await.unwrap());
    }
    for (token, order) in &orders {
        app.wait_for_status(token, order, "reserved").await;
    }
    assert_kept_equals_recount(&app).await;

    // Lock some (two steps: locking, then the earnest money), cancel others, both at once.
    let mut tasks = Vec::new();
    for (i, (token, order)) in orders.iter().enumerate() {
        let path = match i % 3 {
            0 => format!("/api/v1/orders/{order}/lock"),
            1 => format!("/api/v1/orders/{order}/cancel"),
            _ => continue,
        };
        let body = if i % 3 == 0 {
            json!({"idempotency_key": key(), "confirm": true})
        } else {
            json!({"idempotency_key": key()})
        };
        let app_ref = app.clone();
        let (token, order) = (token.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let (status, answer) = app_ref.call_as(&token, "POST", &path, Some(body)).await;
            assert!(common::ok(status), "{status} {answer}");
            (token, order, i % 3 == 0)
        }));
    }
    for task in tasks {
        let (token, order, locked) = task.await.unwrap();
        app.wait_for_status(&token, &order, if locked { "locked" } else { "cancelled" })
            .await;
    }
    assert_kept_equals_recount(&app).await;

    // The report adds up: 8 locked, 16 - 8 = 8 cancelled, so 16 reservations (locked included).
    let oem = app.login(Role::Oem).await;
    let (status, report) = app
        .call_as(
            &oem,
            "GET",
            &format!("/api/v1/demand/{DEMO_CAMPAIGN_ID}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report: models::DemandReport = serde_json::from_value(report).unwrap();
    let step = |s: &str| {
        report
            .funnel
            .iter()
            .find(|f| f.stage.as_str() == s)
            .unwrap()
            .people
    };
    assert_eq!(step("reserved"), Some(16));
    assert_eq!(step("locked"), Some(8));
    assert_eq!(step("voted"), Some(24));
    // 24 signed-in people (their latest configuration each) and 24 anonymous saves.
    assert_eq!(step("configured"), Some(48));

    // A rebuild changes nothing; a change of K is applied by one.
    let before = app
        .services
        .demand()
        .stored_demand(DEMO_CAMPAIGN_ID)
        .await
        .unwrap();
    app.services
        .demand()
        .rebuild_demand(DEMO_CAMPAIGN_ID)
        .await
        .unwrap();
    assert_eq!(
        app.services
            .demand()
            .stored_demand(DEMO_CAMPAIGN_ID)
            .await
            .unwrap(),
        before
    );
    set_k(&app, 10).await;
    app.services
        .demand()
        .rebuild_demand(DEMO_CAMPAIGN_ID)
        .await
        .unwrap();
    assert_kept_equals_recount(&app).await;
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_groups_stay_hidden_whatever_the_filters() {
    let app = TestApp::new().await;
    set_k(&app, 10).await;
    // 14 lease reservations in Shenzhen; 3 purchase ones in Shenzhen; 2 in Lhasa; 12 in
    // Guangzhou of which exactly one takes the tow hitch.
    let groups: [(usize, &str, &str, Value); 4] = [
        (14, "guangdong", "shenzhen", lease()),
        (3, "guangdong", "shenzhen", purchase()),
        (2, "xizang", "lasa", lease()),
        (12, "guangdong", "guangzhou", lease()),
    ];
    let mut orders = Vec::new();
    for (g, (n, province, city, selections)) in groups.iter().enumerate() {
        let tokens = app.consumers(*n, &format!("small{g}-")).await;
        for (i, token) in tokens.iter().enumerate() {
            place(&app, token, province, city).await;
            let mut selections = selections.clone();
            if g == 3 && i == 0 {
                selections.as_array_mut().unwrap().push(json!("tow_hitch"));
            }
            let code = save(&app, token, &selections).await;
            orders.push((token.clone(), reserve(&app, token, &code).await));
        }
    }
    for (token, order) in &orders {
        app.wait_for_status(token, order, "reserved").await;
    }
    let oem = app.login(Role::Oem).await;
    let report = |query: &str| {
        let (app, oem) = (&app, &oem);
        let query = query.to_string();
        async move {
            let (status, body) = app
                .call_as(
                    oem,
                    "GET",
                    &format!("/api/v1/demand/{DEMO_CAMPAIGN_ID}{query}"),
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let reserved = |r: &Value| {
        r["funnel"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == "reserved")
            .unwrap()["people"]
            .as_u64()
            .unwrap()
    };
    let all = report("").await;
    let lease_only = report("?sales_mode=lease").await;
    let purchase_only = report("?sales_mode=purchase").await;
    // Shenzhen lease (14) and Guangzhou (12) are shown; the 3 purchasers and Lhasa's 2 are not.
    assert_eq!(reserved(&all), 26);
    assert_eq!(reserved(&lease_only), 26);
    assert_eq!(reserved(&purchase_only), 0, "3 purchasers are fewer than K");
    // Differencing two filters reveals nothing: all = lease + purchase exactly.
    assert_eq!(
        reserved(&all),
        reserved(&lease_only) + reserved(&purchase_only)
    );
    // The province table adds up to the national figure: no suppressed remainder to subtract.
    let provinces: u64 = all["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["people"]["reserved"].as_u64().unwrap())
        .sum();
    assert_eq!(provinces, reserved(&all));
    let tibet = report("?province=xizang").await;
    assert_eq!(reserved(&tibet), 0);
    assert!(all["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["province"] != "xizang"));
    assert!(all["cities"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["city"] != "lasa"));
    // A date range that covers the day equals the whole; one that misses it is empty.
    let today = models::time::iso_date(services::demand::day_of(services::now_ms()));
    assert_eq!(
        reserved(&report(&format!("?from={today}&to={today}")).await),
        reserved(&all)
    );
    assert_eq!(reserved(&report("?to=2020-01-01").await), 0);
    // The one tow hitch in Guangzhou: its option figure is hidden in its cell (so it cannot
    // be told from those without it), and no small count appears anywhere.
    let rate = |r: &Value, option: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["options"].as_array().unwrap().clone())
            .find(|o| o["id"] == option)
            .unwrap()["rate"]["reserved"]
            .clone()
    };
    // (Shenzhen and Guangzhou share the Guangdong lease cell of 26 people, 1 with the hitch.)
    assert_eq!(rate(&all, "tow_hitch"), json!({"n": 0, "base": 0}));
    // An option everyone in the cell has is shown: its complement is 0.
    assert_eq!(rate(&all, "lease"), json!({"n": 26, "base": 26}));
    let text = all.to_string();
    assert!(
        !text.contains("\"n\":1,") && !text.contains("\"n\":2,") && !text.contains("\"n\":3,"),
        "no small count: {text}"
    );
    // The same suppression in the CSV export.
    let csv = csv(
        &app,
        &oem,
        &format!("/api/v1/demand/{DEMO_CAMPAIGN_ID}.csv?figure=provinces"),
    )
    .await;
    assert!(csv.starts_with("figure,key,label,signal,n,base\n"), "{csv}");
    assert!(
        csv.contains("provinces,guangdong,guangdong,reserved,26,"),
        "{csv}"
    );
    assert!(!csv.contains("xizang"), "{csv}");
}

/// GETs a CSV as `token`; answers its text.
async fn csv(app: &TestApp, token: &str, uri: &str) -> String {
    let request = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.api.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_oem_sees_only_its_own_car_lines_and_tokens_are_scoped() {
    let app = TestApp::new().await;
    // A second OEM with its own car line and campaign.
    let mut other = services::demo_catalog().unwrap();
    other.car_line = "rival".into();
    app.services
        .catalogs()
        .publish_catalog(&other)
        .await
        .unwrap();
    app.services
        .accounts()
        .ensure_organisation("rival-motors", "Rival Motors")
        .await
        .unwrap();
    sqlx::query("UPDATE car_lines SET org_id = 'rival-motors' WHERE id = 'rival'")
        .execute(app.services.db())
        .await
        .unwrap();
    let marketer = app.login(Role::Marketer).await;
    let now = services::now_ms();
    let (status, body) = app
        .call_as(&marketer, "POST", "/api/v1/campaigns", Some(json!({
            "id": "rival-presale", "car_line": "rival",
            "title": {"zh": "对手", "en": "Rival"}, "tagline": {"zh": "对手", "en": "Rival"},
            "warmup_at": now - 2000, "opens_at": now - 1000, "closes_at": now + 86_400_000,
            "batches": [10], "reservation_fen": 99_900, "earnest_fen": 500_000, "cooling_off_hours": 0
        })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let hash = password_auth::generate_hash("rival-password");
    let rival = app
        .services
        .accounts()
        .insert_account(
            &services::accounts::NewAccount {
                login: "pm@rival.test",
                password: "",
                display_name: None,
                role: Role::Oem,
                org_id: Some("rival-motors"),
            },
            &hash,
        )
        .await
        .unwrap();
    let rival_session = app
        .services
        .accounts()
        .open_session(&rival.id)
        .await
        .unwrap()
        .token;
    let oem = app.login(Role::Oem).await;
    let demo_feed = format!("/api/v1/demand/{DEMO_CAMPAIGN_ID}");

    // Members: their own campaigns only; another OEM's is not found (not forbidden).
    let (_, mine) = app.call_as(&oem, "GET", "/api/v1/demand", None).await;
    assert_eq!(
        mine.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>(),
        vec![json!(DEMO_CAMPAIGN_ID)]
    );
    assert_eq!(
        app.call_as(&oem, "GET", "/api/v1/demand/rival-presale", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call_as(&rival_session, "GET", &demo_feed, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call_as(&rival_session, "GET", "/api/v1/demand/rival-presale", None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call_as(&oem, "GET", "/api/v1/demand/no-such", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Other roles and strangers.
    let consumer = app.login(Role::Consumer).await;
    assert_eq!(
        app.call_as(&consumer, "GET", &demo_feed, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call_as(&marketer, "GET", &demo_feed, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call("GET", &demo_feed, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call_as(
            &consumer,
            "POST",
            "/api/v1/oem/tokens",
            Some(json!({"name": "x"}))
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );

    // Tokens: shown once, stored hashed, scoped to their OEM, revocable.
    let (status, created) = app
        .call_as(
            &oem,
            "POST",
            "/api/v1/oem/tokens",
            Some(json!({"name": "planning"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("c2m_") && secret.len() >= 40);
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(app.services.db())
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| h != &secret && h.len() == 64),
        "only the hash is stored"
    );
    let (_, list) = app.call_as(&oem, "GET", "/api/v1/oem/tokens", None).await;
    assert!(
        !list.to_string().contains(&secret),
        "the list never shows the secret"
    );
    assert_eq!(
        app.call_as(&secret, "GET", &demo_feed, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.call_as(&secret, "GET", "/api/v1/demand/rival-presale", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, theirs) = app
        .call_as(&rival_session, "GET", "/api/v1/oem/tokens", None)
        .await;
    assert_eq!(theirs, json!([]), "another OEM's tokens are not listed");
    let token_id = created["token"]["id"].as_str().unwrap();
    assert_eq!(
        app.call_as(
            &rival_session,
            "DELETE",
            &format!("/api/v1/oem/tokens/{token_id}"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND,
        "another OEM cannot revoke it"
    );
    let (status, revoked) = app
        .call_as(
            &oem,
            "DELETE",
            &format!("/api/v1/oem/tokens/{token_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_i64());
    let (status, body) = app.call_as(&secret, "GET", &demo_feed, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    assert_eq!(
        app.call_as("c2m_not-a-token", "GET", &demo_feed, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    // Bad filters: a 4xx naming the field, never a 500.
    for (query, field) in [
        ("?from=2026-02-30", "from"),
        ("?from=2026-03-02&to=2026-03-01", "to"),
        ("?sales_mode=rent", "sales_mode"),
        ("?province=atlantis", "province"),
        ("?catalog_version=99", "catalog_version"),
    ] {
        let (status, body) = app
            .call_as(&oem, "GET", &format!("{demo_feed}{query}"), None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
    // A query string that does not parse is a 400; one that parses but is refused a 422.
    for query in ["?catalog_version=abc", "?colour=red"] {
        let (status, body) = app
            .call_as(&oem, "GET", &format!("{demo_feed}{query}"), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "invalid_query", "{query}: {body}");
    }
    let (status, body) = app
        .call_as(&oem, "GET", &format!("{demo_feed}?figure=provinces"), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app
        .call_as(
            &oem,
            "POST",
            "/api/v1/oem/tokens",
            Some(json!({"name": "  "})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
