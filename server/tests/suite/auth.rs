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

/// The `Retry-After` header in seconds.
fn retry_after(headers: &http::HeaderMap) -> u64 {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {headers:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_storm_is_bounded_and_told_to_come_back() {
    // One hash at a time, two waiting: a storm of 24 registrations at once.
    let app = TestApp::with_options(|options| {
        options.hash_permits = Some(1);
        options.hash_queue = Some(2);
    })
    .await;
    let accounts_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.services.db())
        .await
        .unwrap();
    let answers = futures::future::join_all((0..24).map(|i| {
        app.send_with_headers(TestApp::post(
            "/api/v1/auth/register",
            json!({"login": format!("storm{i}@example.com"), "password": "correct horse"}),
        ))
    }))
    .await;
    let mut created = 0;
    let mut busy = 0;
    for (status, headers, body) in &answers {
        match status.as_u16() {
            201 => created += 1,
            503 => {
                busy += 1;
                assert_eq!(body["error"], "busy", "{body}");
                assert!(retry_after(headers) >= 1);
                assert_eq!(
                    body["retry_after_secs"].as_u64(),
                    Some(retry_after(headers))
                );
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(created >= 1, "the storm is served as far as it can be");
    assert!(busy >= 1, "beyond the queue the storm is refused at once");
    let (peak, _) = app.services.accounts().hashing_counts();
    assert_eq!(peak, 1, "never more hashes at once than permits");
    let accounts_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.services.db())
        .await
        .unwrap();
    assert_eq!(
        accounts_after - accounts_before,
        created,
        "a refused registration stores nothing"
    );
    // Once the storm has passed, registrations go through again.
    let (status, _, body) = app
        .send_with_headers(TestApp::post(
            "/api/v1/auth/register",
            json!({"login": "after-the-storm@example.com", "password": "correct horse"}),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_each_counted_and_the_owner_only_waits_out_the_backoff() {
    let app = TestApp::new().await;
    let login = |password: &str| {
        app.send_with_headers(TestApp::post(
            "/api/v1/auth/login",
            json!({"login": "consumer@demo.test", "password": password}),
        ))
    };
    // A login without an account costs a password check like one with an account.
    let (_, runs_before) = app.services.accounts().hashing_counts();
    let (status, _, _) = app
        .send_with_headers(TestApp::post(
            "/api/v1/auth/login",
            json!({"login": "nobody@demo.test", "password": "some guess"}),
        ))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, runs_after) = app.services.accounts().hashing_counts();
    assert_eq!(
        runs_after - runs_before,
        1,
        "an unknown login is verified too"
    );

    // Eight guesses at once: each is counted the moment it is accepted, so only the free
    // ones are checked and the rest wait.
    let guesses = futures::future::join_all((0..8).map(|_| login("wrong password"))).await;
    let free = services::limiter::FREE_FAILURES as usize;
    let wrong = guesses
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::UNAUTHORIZED)
        .count();
    let waiting: Vec<u64> = guesses
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, headers, body)| {
            assert_eq!(body["error"], "rate_limited", "{body}");
            retry_after(headers)
        })
        .collect();
    assert_eq!(
        (wrong, waiting.len()),
        (free, 8 - free),
        "parallel guesses pass the check only as far as they are free"
    );
    // The wait is a backoff of seconds, not a 15-minute lock-out.
    assert!(waiting.iter().all(|&w| (1..=2).contains(&w)), "{waiting:?}");

    // After the wait a guess is accepted again, and the next wait is longer (2 s).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _, body) = login("still wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, headers, body) = login(DEMO_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {body}"
    );
    let wait = retry_after(&headers);
    assert!((1..=2).contains(&wait), "{wait}");
    // The owner is not locked out: once the wait has passed, the right password works.
    tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 100)).await;
    let (status, _, body) = login(DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The success cleared the account's count: the free failures are free again.
    for _ in 0..free {
        assert_eq!(login("wrong again").await.0, StatusCode::UNAUTHORIZED);
    }
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

/// Registers through the whole application as if `peer` connected, naming `forwarded` in
/// `X-Forwarded-For`; answers the status, the `Retry-After` header and the body.
async fn register_from(
    router: &axum::Router,
    peer: &str,
    forwarded: &str,
    login: &str,
) -> (StatusCode, Option<String>, Value) {
    let mut request = http::Request::post("/api/v1/auth/register")
        .header("content-type", "application/json")
        .header("x-forwarded-for", forwarded)
        .body(axum::body::Body::from(
            json!({"login": login, "password": "long enough"}).to_string(),
        ))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    let response = tower::ServiceExt::oneshot(router.clone(), request)
        .await
        .unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, retry, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_are_limited_per_client_named_by_a_trusted_proxy_only() {
    let app = TestApp::with_options(|o| o.registrations_per_hour = Some(2)).await;
    let policy = server::security::WebPolicy {
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        allowed_origins: vec![],
    };
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("c2m-studio")
        .build();
    let router = server::router_with(app.services.clone(), options, std::sync::Arc::new(policy));

    // Two accounts from one client behind the proxy; the third is refused for an hour.
    for i in 0..2 {
        let (status, _, body) = register_from(
            &router,
            "10.0.0.2",
            "198.51.100.7",
            &format!("a{i}@quota.test"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, retry, body) =
        register_from(&router, "10.0.0.2", "198.51.100.7", "a2@quota.test").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_registrations");
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((3000..=3600).contains(&retry), "{retry}");
    // A login already taken is refused and does not use up the next client's quota.
    let (status, _, _) = register_from(&router, "10.0.0.2", "198.51.100.8", "a0@quota.test").await;
    assert_eq!(status, StatusCode::CONFLICT);
    for i in 0..2 {
        let (status, _, body) = register_from(
            &router,
            "10.0.0.2",
            "198.51.100.8",
            &format!("b{i}@quota.test"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    // A client that is not a trusted proxy cannot pick its address with the header: its
    // registrations count against itself whatever it claims.
    for (i, claimed) in ["192.0.2.1", "192.0.2.2"].into_iter().enumerate() {
        let (status, _, body) =
            register_from(&router, "203.0.113.5", claimed, &format!("c{i}@quota.test")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, _, body) =
        register_from(&router, "203.0.113.5", "192.0.2.3", "c2@quota.test").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_registrations")
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_origin_may_change_data_and_others_may_not() {
    let app = TestApp::new().await;
    let policy = server::security::WebPolicy {
        trusted_proxies: vec![],
        allowed_origins: vec!["https://shop.example.com".into()],
    };
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("c2m-studio")
        .build();
    let router = server::router_with(app.services.clone(), options, std::sync::Arc::new(policy));
    let login = |origin: &str| {
        http::Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .header("host", "127.0.0.1:3000")
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .body(axum::body::Body::from(
                json!({"login": "consumer@demo.test", "password": common::DEMO_PASSWORD})
                    .to_string(),
            ))
            .unwrap()
    };
    let allowed = tower::ServiceExt::oneshot(router.clone(), login("https://shop.example.com"))
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let refused = tower::ServiceExt::oneshot(router, login("https://evil.example.com"))
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
