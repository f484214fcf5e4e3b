//! Test support: a fresh database per test (SQLite by default; PostgreSQL when
//! `TEST_DATABASE_URL` is set), the demo seeded, and a way to call the API in-process.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use app::services::Services;
use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
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

/// Services on a fresh, seeded database, and the API router on them.
pub struct TestApp {
    pub services: Arc<Services>,
    pub api: Router,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let db = TestDb::new().await;
        let services = Arc::new(Services::connect(&db.url).await.expect("connect"));
        assert!(
            services.seed_demo().await.expect("seed"),
            "a fresh database is seeded"
        );
        let api = Router::new().nest("/api/v1", server::api::router(services.clone()));
        TestApp { services, api, db }
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
        let response = self.api.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{status}: body is not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        (status, json)
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
