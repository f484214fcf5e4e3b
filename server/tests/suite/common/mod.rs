//! Test support: a fresh database per test (SQLite by default; PostgreSQL when
//! `TEST_DATABASE_URL` is set), the demo seeded, and a way to call the API in-process.

#![allow(dead_code)]

pub mod auctions;
pub mod process;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use models::Role;
use serde_json::Value;
use services::accounts::NewAccount;
use services::payments::SandboxOptions;
use services::{ServiceOptions, Services};
use sqlx::{Connection, Executor};
use tower::ServiceExt;

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "c2m_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = unique_name();
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL must reach PostgreSQL");
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create the test database");
                let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
                TestDb {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
            None => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                TestDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async; a short-lived runtime on its own thread does it.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                            let _ = conn
                                .execute(
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                                )
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The demo accounts' password in tests.
pub const DEMO_PASSWORD: &str = "c2m-demo-2026";

/// The payment sandbox's callback secret in tests.
pub const SANDBOX_SECRET: &[u8] = b"test-sandbox-secret";

/// Creates `n` consumer accounts `{prefix}{i}@load.test` directly (one shared password hash:
/// registration is not what the tests measure) with a session each; answers (account id,
/// session token) pairs.
pub async fn consumers(services: &Arc<Services>, n: usize, prefix: &str) -> Vec<(String, String)> {
    let hash = password_auth::generate_hash("load-test-password");
    let mut made = Vec::with_capacity(n);
    for i in 0..n {
        let login = format!("{prefix}{i}@load.test");
        let account = services
            .accounts()
            .insert_account(
                &NewAccount {
                    login: &login,
                    password: "",
                    display_name: None,
                    role: Role::Consumer,
                    org_id: None,
                },
                &hash,
            )
            .await
            .expect("account");
        let session = services
            .accounts()
            .open_session(&account.id)
            .await
            .expect("session");
        made.push((account.id, session.token));
    }
    made
}

/// Saves the complete lease configuration of the demo car; answers its code.
pub async fn save_lease(services: &Arc<Services>) -> String {
    services
        .configurations()
        .save_configuration(
            "xiaoman",
            &serde_json::from_value::<Vec<String>>(complete_lease()).unwrap(),
        )
        .await
        .expect("save")
}

/// One number read from the database (a count, a sum cast to BIGINT).
pub async fn scalar(services: &Services, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(services.db())
        .await
        .unwrap()
}

/// Services on a fresh, seeded database, and the API router on them.
pub struct TestApp {
    pub services: Arc<Services>,
    pub api: Router,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_options(|_| {}).await
    }

    /// A test app whose service options `adjust` changes (the bounds, for their tests).
    pub async fn with_options(adjust: impl FnOnce(&mut ServiceOptions)) -> TestApp {
        // `C2M_TEST_LOG=warn` (an env filter) shows the services' log while debugging a test.
        if let Ok(filter) = std::env::var("C2M_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let db = TestDb::new().await;
        let mut options = ServiceOptions {
            secure_cookies: false,
            sandbox: SandboxOptions {
                secret: SANDBOX_SECRET.to_vec(),
                delay: std::time::Duration::from_millis(5),
                duplicate_callbacks: false,
            },
            deadline_check: None,
            auction_check: Some(std::time::Duration::from_millis(200)),
            ..ServiceOptions::default()
        };
        adjust(&mut options);
        let services = Services::connect_with(&db.url, options)
            .await
            .expect("connect");
        assert!(
            services.seed_demo(DEMO_PASSWORD).await.expect("seed"),
            "a fresh database is seeded"
        );
        services.start_background().await.expect("background");
        let api = Router::new()
            .nest("/api/v1", server::api::router(services.clone()))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(server::security::WebPolicy::default()),
                server::security::same_origin,
            ));
        TestApp { services, api, db }
    }

    /// Logs a demo account in through the API; answers its bearer token.
    pub async fn login(&self, role: Role) -> String {
        let login = format!("{}@demo.test", role.as_str());
        let (status, body) = self
            .call(
                "POST",
                "/api/v1/auth/login",
                Some(serde_json::json!({"login": login, "password": DEMO_PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// Sends a request with a bearer token.
    pub async fn call_as(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"));
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    /// Creates `n` consumer accounts directly (one shared password hash: registration is not
    /// what these tests measure) and opens a session for each; answers their tokens.
    pub async fn consumers(&self, n: usize, prefix: &str) -> Vec<String> {
        consumers(&self.services, n, prefix)
            .await
            .into_iter()
            .map(|(_, token)| token)
            .collect()
    }

    /// Saves the complete lease configuration; answers its code.
    pub async fn saved_code(&self) -> String {
        save_lease(&self.services).await
    }

    /// Creates an open campaign for the demo car with these batch caps (as the marketer).
    pub async fn campaign(&self, id: &str, batches: &[i64]) -> String {
        let token = self.login(Role::Marketer).await;
        let now = services::now_ms();
        let (status, body) = self
            .call_as(
                &token,
                "POST",
                "/api/v1/campaigns",
                Some(serde_json::json!({
                    "id": id,
                    "car_line": "xiaoman",
                    "title": {"zh": "测试活动", "en": "Test campaign"},
                    "tagline": {"zh": "测试", "en": "Test"},
                    "warmup_at": now - 7_200_000,
                    "opens_at": now - 3_600_000,
                    "closes_at": now + 86_400_000,
                    "batches": batches,
                    "reservation_fen": 99_900,
                    "earnest_fen": 500_000,
                    "cooling_off_hours": 168,
                    "polls": [{
                        "question": {"zh": "哪种颜色投产？", "en": "Which colour?"},
                        "choices": [
                            {"id": "sand_gold", "label": {"zh": "流沙金", "en": "Sand gold"}},
                            {"id": "sky_blue", "label": {"zh": "晴空蓝", "en": "Sky blue"}}
                        ],
                        "closes_at": now + 3_600_000
                    }]
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id.to_string()
    }

    /// Waits (up to 10 s) until the order has the status.
    pub async fn wait_for_status(&self, token: &str, order: &str, status: &str) -> Value {
        for _ in 0..200 {
            let (_, orders) = self.call_as(token, "GET", "/api/v1/orders", None).await;
            if let Some(o) = orders
                .as_array()
                .and_then(|a| a.iter().find(|o| o["id"] == order))
            {
                if o["status"] == status {
                    return o.clone();
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("order {order} never reached {status}");
    }

    /// The person's statement (`GET /api/v1/me/payments`) once `until` holds of it (5 s at
    /// most; then the last one read, for the caller's assertion to show).
    pub async fn statement_when(&self, token: &str, until: impl Fn(&Value) -> bool) -> Value {
        let mut statement = Value::Null;
        for _ in 0..100 {
            statement = self
                .call_as(token, "GET", "/api/v1/me/payments", None)
                .await
                .1;
            if until(&statement) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        statement
    }

    /// See [`assert_books_balance`].
    pub async fn assert_books_balance(&self) {
        assert_books_balance(self.services.db()).await;
    }

    /// Sends a request; answers the status and the body parsed as JSON.
    pub async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let request = Request::builder().method(method).uri(uri);
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    /// Sends a prepared request.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send_with_headers(request).await;
        (status, body)
    }

    /// Sends a prepared request; answers the status, the headers and the body as JSON.
    pub async fn send_with_headers(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, http::HeaderMap, Value) {
        let response = self.api.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        if bytes.is_empty() {
            return (status, headers, Value::Null);
        }
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{status}: body is not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, headers, json)
    }

    /// A JSON `POST` without a session.
    pub fn post(uri: &str, body: Value) -> Request<Body> {
        Request::post(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("request")
    }

    /// How many configurations are stored.
    pub async fn stored_configurations(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM configurations")
            .fetch_one(self.services.db())
            .await
            .expect("count")
    }
}

/// The state of option `id` in a check answer.
pub fn state_of<'a>(check: &'a Value, id: &str) -> &'a str {
    check["options"]
        .as_array()
        .and_then(|options| options.iter().find(|o| o["id"] == id))
        .and_then(|o| o["state"].as_str())
        .unwrap_or_else(|| panic!("option {id} missing in {check}"))
}

/// The reasons of option `id` in a check answer.
pub fn reasons_of<'a>(check: &'a Value, id: &str) -> &'a Vec<Value> {
    check["options"]
        .as_array()
        .and_then(|options| options.iter().find(|o| o["id"] == id))
        .and_then(|o| o["reasons"].as_array())
        .unwrap_or_else(|| panic!("option {id} missing in {check}"))
}

/// A complete lease configuration of the demo car.
pub fn complete_lease() -> Value {
    serde_json::json!([
        "lease",
        "pack_std",
        "sand_gold",
        "standard",
        "wheels_18",
        "interior_comfort",
        "solid_roof"
    ])
}

pub fn ok(status: StatusCode) -> bool {
    status.is_success()
}

/// Checks the money invariant: payments received minus refunds paid out equal the money
/// the orders hold; and no batch holds more or fewer units than its active orders.
pub async fn assert_books_balance(db: &services::Db) {
    // One statement, so one snapshot: callbacks may still be settling while this runs, and
    // each moves a payment and an order's money in one transaction.
    let sum =
        |sql: &str| format!("CAST((SELECT COALESCE(SUM(amount_fen), 0) FROM {sql}) AS BIGINT)");
    type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
    let row: Row = sqlx::query_as(&format!(
        "SELECT {}, {}, CAST((SELECT COALESCE(SUM(held_fen), 0) FROM orders) AS BIGINT), {}, {}, {}, {}, {},
                CAST((SELECT COALESCE(SUM(COALESCE(refund_fen, amount_fen)), 0) FROM auction_payments
                       WHERE refund_status = 'succeeded') AS BIGINT)",
        sum("payments WHERE status = 'succeeded'"),
        sum("refunds WHERE status = 'succeeded'"),
        sum("ledger WHERE kind = 'charge' AND order_id IS NOT NULL"),
        sum("ledger WHERE kind = 'refund' AND order_id IS NOT NULL"),
        sum("ledger WHERE kind = 'charge' AND auction_id IS NOT NULL"),
        sum("auction_payments WHERE status = 'succeeded'"),
        sum("ledger WHERE kind = 'refund' AND auction_id IS NOT NULL"),
    ))
    .fetch_one(db)
    .await
    .unwrap();
    let (paid, refunded, held) = (row.0, row.1, row.2);
    assert_eq!(paid - refunded, held, "payments - refunds = money held");
    // The ledger says the same, movement for movement, for orders and for auctions.
    assert_eq!(
        (row.3, row.4),
        (paid, refunded),
        "the ledger records every order charge and refund once"
    );
    assert_eq!(
        (row.5, row.7),
        (row.6, row.8),
        "the ledger records every auction charge and refund once"
    );
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM campaign_batches b
          WHERE b.held <> (SELECT COUNT(*) FROM orders o
                            WHERE o.campaign_id = b.campaign_id AND o.batch_seq = b.seq
                              AND o.holds_unit = 1)",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(mismatched, 0, "batch fill levels match their orders");
}
