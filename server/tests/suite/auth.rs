//! Accounts and authorization: registration and login, sessions, the login limiter, the
//! same-origin rule, and the whole matrix of endpoints × roles.

use crate::common;

use common::{TestApp, DEMO_PASSWORD};
use http::{Request, StatusCode};
use models::Role;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_login_me_logout() {
    let app = TestApp::new().await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"login": "+86 139 0000 1111", "password": "correct horse", "display_name": "李明"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["account"]["mobile"], "13900001111");
    assert_eq!(
        body["account"]["role"], "consumer",
        "self-registration makes consumers"
    );
    assert!(body.get("password_hash").is_none() && body["account"].get("password_hash").is_none());

    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"login": "13900001111", "password": "another one"})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("login_taken"))
    );
    for (login, password, field) in [
        ("nobody", "long enough", "login"),
        ("a@b.cn", "short", "password"),
    ] {
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/auth/register",
                Some(json!({"login": login, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], field);
    }

    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"login": "13900001111", "password": "correct horse"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().unwrap().to_string();
    let (status, me) = app.call_as(&token, "GET", "/api/v1/auth/me", None).await;
    assert_eq!(
        (status, me["display_name"].as_str()),
        (StatusCode::OK, Some("李明"))
    );

    // The cookie is HttpOnly and SameSite, and works like the bearer token.
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"login": "13900001111", "password": "correct horse"}).to_string(),
        ))
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.api.clone(), request)
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let request = Request::get("/api/v1/auth/me")
        .header("cookie", &pair)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::OK);

    let (status, _) = app
        .call_as(&token, "POST", "/api/v1/auth/logout", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call_as(&token, "GET", "/api/v1/auth/me", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_are_refused() {
    let app = TestApp::new().await;
    let token = app.login(Role::Consumer).await;
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(app.services.db())
        .await
        .unwrap();
    let (status, _) = app.call_as(&token, "GET", "/api/v1/orders", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_are_limited_per_account() {
    let app = TestApp::new().await;
    let attempt = |password: &'static str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"login": "consumer@demo.test", "password": password})),
        )
    };
    for _ in 0..5 {
        let (status, body) = attempt("wrong password").await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
        );
    }
    let (status, body) = attempt(DEMO_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {body}"
    );
    assert!(body["retry_after_secs"].as_u64().unwrap() > 0);
    // Another account is not locked out by the first one's failures.
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"login": "marketer@demo.test", "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_requests_that_change_state_are_refused() {
    let app = TestApp::new().await;
    let body = json!({"login": "consumer@demo.test", "password": DEMO_PASSWORD}).to_string();
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut request = Request::post("/api/v1/auth/login")
            .header("host", "c2m.example")
            .header("content-type", "application/json");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.body(axum::body::Body::from(body.clone())).unwrap()
    };
    let (status, answer) = app.send(post(Some("https://evil.example"), None)).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_origin"))
    );
    let (status, _) = app.send(post(None, Some("cross-site"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .send(post(Some("https://c2m.example"), Some("same-origin")))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.send(post(None, None)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "API clients without an Origin use bearer tokens"
    );
}

/// Who asks: anonymous or a demo account of a role.
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    As(Role),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_every_role_as_it_should() {
    let app = TestApp::new().await;
    let code = app.saved_code().await;
    let mut tokens = std::collections::HashMap::new();
    for role in Role::ALL {
        tokens.insert(role.as_str(), app.login(role).await);
    }
    let consumer = tokens["consumer"].clone();
    let detail = app
        .call("GET", "/api/v1/campaigns/xiaoman-presale", None)
        .await
        .1;
    let poll = detail["polls"][0]["id"].as_str().unwrap().to_string();
    let now = services::now_ms();

    // Each row: method, path, body maker, expected status for anonymous, consumer, marketer,
    // oem, admin. Bodies are valid so that only authorization decides.
    type Body = Box<dyn Fn(usize) -> Option<Value>>;
    let campaign_body: Body = Box::new(move |i| {
        Some(json!({
            "id": format!("matrix-{i}"), "car_line": "xiaoman",
            "title": {"zh": "矩阵", "en": "Matrix"}, "tagline": {"zh": "测", "en": "Test"},
            "warmup_at": now, "opens_at": now, "closes_at": now + 86_400_000,
            "batches": [10], "reservation_fen": 10_000, "earnest_fen": 100_000, "cooling_off_hours": 24
        }))
    });
    // Editing rewrites the same fields of a campaign created for it.
    app.campaign("matrix-edit", &[10]).await;
    let edit_body: Body = Box::new(move |i| {
        Some(json!({
            "id": "matrix-edit", "car_line": "xiaoman",
            "title": {"zh": "矩阵", "en": format!("Edited {i}")}, "tagline": {"zh": "测", "en": "Test"},
            "warmup_at": now, "opens_at": now, "closes_at": now + 86_400_000,
            "batches": [10], "reservation_fen": 10_000, "earnest_fen": 100_000, "cooling_off_hours": 24
        }))
    });
    let code2 = code.clone();
    let reserve_body: Body = Box::new(move |i| {
        Some(json!({"configuration_code": code2, "idempotency_key": format!("matrix-key-{i}")}))
    });
    let vote_body: Body = Box::new(|_| Some(json!({"choice": "sand_gold"})));
    let none: fn() -> Body = || Box::new(|_| None);
    let rows: Vec<(&str, String, Body, [u16; 5])> = vec![
        (
            "GET",
            "/api/v1/health".into(),
            none(),
            [200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/car-lines".into(),
            none(),
            [200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/campaigns".into(),
            none(),
            [200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/campaigns/xiaoman-presale".into(),
            none(),
            [200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/auth/me".into(),
            none(),
            [401, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/orders".into(),
            none(),
            [401, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/campaigns".into(),
            campaign_body,
            [401, 403, 201, 403, 201],
        ),
        (
            "PUT",
            "/api/v1/campaigns/matrix-edit".into(),
            edit_body,
            [401, 403, 200, 403, 200],
        ),
        (
            "POST",
            "/api/v1/campaigns/xiaoman-presale/reservations".into(),
            reserve_body,
            [401, 201, 403, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/polls/{poll}/vote"),
            vote_body,
            [401, 200, 403, 403, 403],
        ),
    ];
    let mut failures = Vec::new();
    for (r, (method, path, body, expected)) in rows.iter().enumerate() {
        for (w, who) in [
            Who::Anonymous,
            Who::As(Role::Consumer),
            Who::As(Role::Marketer),
            Who::As(Role::Oem),
            Who::As(Role::Admin),
        ]
        .into_iter()
        .enumerate()
        {
            let body = body(r * 10 + w);
            let (status, answer) = match who {
                Who::Anonymous => app.call(method, path, body).await,
                Who::As(role) => {
                    app.call_as(&tokens[role.as_str()], method, path, body)
                        .await
                }
            };
            if status.as_u16() != expected[w] {
                failures.push(format!(
                    "{method} {path} as {who:?}: {status} (expected {}) {answer}",
                    expected[w]
                ));
            }
            if !status.is_success() {
                assert!(
                    answer["error"].is_string() && answer["message"].is_string(),
                    "{answer}"
                );
            }
        }
    }
    // Orders belong to their account: another consumer cannot touch them.
    let orders = app
        .call_as(&consumer, "GET", "/api/v1/orders", None)
        .await
        .1;
    let order = orders[0]["id"].as_str().unwrap().to_string();
    for who in [
        Who::Anonymous,
        Who::As(Role::Marketer),
        Who::As(Role::Oem),
        Who::As(Role::Admin),
    ] {
        for action in ["cancel", "lock", "change"] {
            let path = format!("/api/v1/orders/{order}/{action}");
            let key = format!("other-{action}-{who:?}");
            let body = Some(match action {
                "lock" => json!({"idempotency_key": key, "confirm": true}),
                "change" => json!({"configuration_code": code}),
                _ => json!({"idempotency_key": key}),
            });
            let (status, _) = match who {
                Who::Anonymous => app.call("POST", &path, body).await,
                Who::As(role) => {
                    app.call_as(&tokens[role.as_str()], "POST", &path, body)
                        .await
                }
            };
            let expected = if matches!(who, Who::Anonymous) {
                401
            } else {
                403
            };
            if status.as_u16() != expected {
                failures.push(format!(
                    "POST {path} as {who:?}: {status} (expected {expected})"
                ));
            }
        }
    }
    let stranger = app.consumers(1, "stranger").await.remove(0);
    let (status, _) = app
        .call_as(
            &stranger,
            "POST",
            &format!("/api/v1/orders/{order}/cancel"),
            Some(json!({"idempotency_key": "stranger-cancel"})),
        )
        .await;
    if status != StatusCode::NOT_FOUND {
        failures.push(format!("a stranger's cancel: {status} (expected 404)"));
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
