//! Server-side rendering: pages are complete HTML before any wasm runs.

use crate::common;

use axum::body::Body;
use common::TestApp;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::json;
use tower::ServiceExt;

/// The tests of this file render pages one at a time. Each test runs its own tokio runtime in
/// one process, and rendering in several runtimes at once now and then never finished (a
/// process-wide leptos global meeting two runtimes); a server has one runtime, and the browser
/// tests render concurrently against the real server.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let router = server::router(app.services.clone(), options);
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn landing_page_renders_the_campaign_on_the_server() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let (status, html) = get(&app, "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("小满 EV"), "{html}");
    assert!(html.contains("¥49,900") && html.contains("¥89,900"));
    assert!(html.contains(r#"lang="zh-CN""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn configurator_renders_every_option_state_on_the_server() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let (status, html) = get(&app, "/configure/xiaoman", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-option="lease""#), "{html}");
    assert!(html.contains(r#"data-state="selectable""#));
    assert!(
        html.contains(r#"data-hydrated="false""#),
        "not yet interactive until the wasm runs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_share_link_renders_the_saved_car() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let (_, saved) = app
        .call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": common::complete_lease()})),
        )
        .await;
    let code = saved["code"].as_str().unwrap();
    let (status, html) = get(&app, &format!("/c/{code}"), Some("c2m_lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(code));
    assert!(
        html.contains(r#"lang="en""#),
        "the language cookie is honoured"
    );
    assert!(html.contains("Configure your"));
    // The saved lease is selected in the server-rendered HTML.
    let lease = html.find(r#"data-option="lease""#).expect("lease option");
    let tag_end = lease + html[lease..].find('>').unwrap();
    assert!(
        html[lease..tag_end].contains(r#"data-state="selected""#),
        "{}",
        &html[lease..tag_end]
    );
}

/// The `data-state` of option `id` in server-rendered HTML.
fn state_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(r#"data-option="{id}""#))
        .unwrap_or_else(|| panic!("option {id}"));
    let tag = &html[at..at + html[at..].find('>').unwrap()];
    let state = tag.find(r#"data-state=""#).expect("a state") + r#"data-state=""#.len();
    &tag[state..state + tag[state..].find('"').unwrap()]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_address_keeps_the_car_in_progress_and_unknown_picks_are_ignored() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let (status, html) = get(
        &app,
        "/configure/xiaoman?pick=lease,matte_grey,no_such_option",
        Some("c2m_lang=en"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state_of(&html, "lease"), "selected");
    assert_eq!(state_of(&html, "matte_grey"), "selected");
    assert_eq!(state_of(&html, "sport"), "forced");
    assert_eq!(state_of(&html, "pack_fixed"), "excluded");
    assert!(!html.contains(r#"data-option="no_such_option""#));
    // The configurator is an island: its props carry the starting selections, without the
    // unknown one, so the browser hydrates exactly what the server rendered.
    let island = html
        .find(r#"<leptos-island data-component="Configurator_"#)
        .expect("the configurator island");
    let props = &html[island..island + html[island..].find('>').unwrap()];
    assert!(props.contains("matte_grey") && !props.contains("no_such_option"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_codes_and_lines_are_404_pages() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    for path in [
        "/c/ZZZZZZZZ",
        "/c/nonsense",
        "/configure/nope",
        "/no/such/page",
    ] {
        let (status, html) = get(&app, path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("页面不存在"), "{path}: {html}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let router = server::router(app.services.clone(), options);
    let response = router
        .oneshot(
            Request::get("/configure/xiaoman")
                .header("accept-encoding", "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_files_are_revalidated_so_split_chunks_never_go_stale() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let router = server::router(app.services.clone(), options);
    for (path, expected) in [
        ("/pkg/chunk_1.wasm", Some("no-cache")),
        ("/configure/xiaoman", None),
    ] {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let cache = response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(cache.as_deref(), expected, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_server_function_answers_its_own_status_not_500() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let router = server::router(app.services.clone(), options);
    let response = router
        .oneshot(
            Request::post("/api/reserve")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(
                    "campaign_id=xiaoman-presale&configuration_code=ABCDEFGH&idempotency_key=key-0001",
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"], "unauthenticated", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_carries_the_security_headers() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    for path in ["/", "/api/v1/health", "/no-such-page"] {
        let router = server::router(app.services.clone(), options.clone());
        let response = router
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // The test server is plain HTTP on loopback (cookies not Secure): no HSTS.
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_run_only_their_own_scripts() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let mut nonces = Vec::new();
    for path in ["/", "/configure", "/auctions", "/no-such-page"] {
        let router = server::router(app.services.clone(), options.clone());
        let response = router
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let html = String::from_utf8_lossy(&bytes);
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(nonce.len() >= 16, "{path}: {nonce}");
        assert!(csp.contains("script-src 'self' 'nonce-"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-eval'") || csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // Every script the page carries (the hydration script, streamed chunks) has the nonce.
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}: the page hydrates");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script carries this answer's nonce"
        );
        nonces.push(nonce.to_string());
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a new nonce per answer");

    // Answers that are not pages allow no script at all.
    let router = server::router(app.services.clone(), options);
    let response = router
        .oneshot(Request::get("/api/v1/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
}

#[tokio::test(flavor = "multi_thread")]
async fn my_payments_shows_the_statement_and_sends_a_visitor_to_log_in() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let app = TestApp::new().await;

    // A visitor is sent to log in, and back here afterwards.
    let options = LeptosOptions::builder().output_name("c2m-studio").build();
    let router = server::router(app.services.clone(), options);
    let response = router
        .oneshot(Request::get("/payments").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "/login?next=/payments");

    // Before any payment: the empty state, totals of nothing.
    let token = app.login(models::Role::Consumer).await;
    let cookie = format!("c2m_session={token}");
    let (status, html) = get(&app, "/payments", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"data-testid="payments-empty""#), "{html}");
    assert!(html.contains("我的支付"));

    // A confirmed reservation: its charge, linked to its order, and the totals.
    let code = app.saved_code().await;
    let (status, order) = app
        .call_as(
            &token,
            "POST",
            "/api/v1/campaigns/xiaoman-presale/reservations",
            Some(json!({"configuration_code": code, "idempotency_key": "pages-payments-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    app.wait_for_status(&token, id, "reserved").await;
    let (status, html) = get(&app, "/payments", Some(&format!("{cookie}; c2m_lang=en"))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("My payments"), "{html}");
    assert_eq!(
        html.matches(r#"data-testid="payment""#).count(),
        1,
        "{html}"
    );
    for needle in [
        r#"data-kind="charge""#,
        r#"data-purpose="reservation""#,
        r#"data-status="succeeded""#,
        "Reservation",
        "Succeeded",
        "¥999",
    ] {
        assert!(html.contains(needle), "{needle}: {html}");
    }
    assert!(
        html.contains(&format!(r#"href="/orders#order-{id}""#)),
        "{html}"
    );
    let charged = html.find(r#"data-testid="total-charged""#).unwrap();
    assert!(
        html[charged..].starts_with(r#"data-testid="total-charged">¥999<"#),
        "{}",
        &html[charged..charged + 80]
    );
    let net = html.find(r#"data-testid="total-net""#).unwrap();
    assert!(
        html[net..].starts_with(r#"data-testid="total-net">¥999<"#),
        "{}",
        &html[net..net + 80]
    );
}
