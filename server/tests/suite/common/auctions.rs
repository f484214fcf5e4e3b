//! Auction test support: real HTTP (a server on a free port, or the server binary), auction
//! settings, registration with a confirmed deposit, and watchers that record the live stream.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};

use super::TestApp;

/// An HTTP client for one server.
#[derive(Clone)]
pub struct Http {
    pub base: String,
    pub client: reqwest::Client,
}

impl Http {
    /// A client for `http://127.0.0.1:{port}`.
    pub fn new(port: u16) -> Http {
        Http {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .expect("client"),
        }
    }

    /// Serves the test app's API on a free port (real connections).
    pub async fn serve(app: &TestApp) -> Http {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let router = app.api.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Http::new(port)
    }

    /// A request; `None` when the connection fails (a killed server answers nothing).
    pub async fn try_call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Option<(u16, Value)> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.ok()?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Some((status, value))
    }

    /// A request that must get an answer.
    pub async fn call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.try_call(token, method, path, body)
            .await
            .unwrap_or_else(|| panic!("{method} {path}: no answer"))
    }
}

/// The settings of a test auction (the reference case: a 100 CNY deposit).
pub fn auction_input(code: &str, starts_at: i64, ends_at: i64, anti_sniping_minutes: i64) -> Value {
    json!({
        "title": "No. 001",
        "car_line": "xiaoman",
        "configuration_code": code,
        "starting_price_fen": 1_000_000,
        "increments": [{"from_fen": 0, "value_fen": 10_000}, {"from_fen": 100_000_000, "value_fen": 100_000}],
        "max_raise_fen": 100_000_000,
        "deposits": [{"from_fen": 0, "value_fen": 10_000}, {"from_fen": 50_000_000, "value_fen": 1_000_000}],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "anti_sniping_minutes": anti_sniping_minutes,
        "reserve_fen": null,
        "confirm_within_hours": 24,
        "pay_within_hours": 72,
        "offer_within_hours": 24
    })
}

/// Registers `token`'s account with a deposit and waits until it counts; answers the paddle.
pub async fn register(http: &Http, token: &str, auction: &str, deposit_fen: i64) -> i64 {
    deposit(http, token, auction, deposit_fen, deposit_fen).await
}

/// Places a bid; answers the status and body.
pub async fn bid(http: &Http, token: &str, auction: &str, amount: i64) -> (u16, Value) {
    http.call(
        Some(token),
        "POST",
        &format!("/api/v1/auctions/{auction}/bids"),
        Some(json!({"amount_fen": amount, "idempotency_key": uuid::Uuid::new_v4().to_string()})),
    )
    .await
}

/// A live-stream watcher: records every `entry` event (its JSON) and the snapshot.
pub struct Watcher {
    pub entries: Arc<Mutex<Vec<Value>>>,
    pub snapshots: Arc<Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Watcher {
    /// Connects to the stream; resumes after `after` when given (as `Last-Event-ID`).
    pub async fn connect(http: &Http, auction: &str, after: Option<i64>) -> Watcher {
        let entries = Arc::new(Mutex::new(Vec::new()));
        let snapshots = Arc::new(Mutex::new(Vec::new()));
        let mut request = http
            .client
            .get(format!("{}/api/v1/auctions/{auction}/events", http.base));
        if let Some(after) = after {
            request = request.header("last-event-id", after.to_string());
        }
        let response = request.send().await.expect("stream");
        assert_eq!(response.status().as_u16(), 200);
        let (e, s) = (entries.clone(), snapshots.clone());
        let task = tokio::spawn(async move {
            let mut stream = response.bytes_stream();
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let message: String = buffer.drain(..end + 2).collect();
                    let mut event = "message";
                    let mut data = String::new();
                    for line in message.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = if v.trim() == "entry" {
                                "entry"
                            } else if v.trim() == "snapshot" {
                                "snapshot"
                            } else {
                                "other"
                            };
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim_start());
                        }
                    }
                    let Ok(value) = serde_json::from_str::<Value>(&data) else {
                        continue;
                    };
                    match event {
                        "entry" => e.lock().unwrap().push(value),
                        "snapshot" => s.lock().unwrap().push(value),
                        _ => {}
                    }
                }
            }
        });
        // The snapshot comes first: once it is here, the subscription is live.
        for _ in 0..400 {
            if !snapshots.lock().unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Watcher {
            entries,
            snapshots,
            task,
        }
    }

    /// The `seq` of the last entry received, or of the snapshot.
    pub fn last_seq(&self) -> i64 {
        self.entries
            .lock()
            .unwrap()
            .last()
            .and_then(|e| e["seq"].as_i64())
            .or_else(|| self.snapshots.lock().unwrap().first()?["version"].as_i64())
            .unwrap_or(0)
    }

    /// Waits (up to `limit`) until a log entry (not just the snapshot) with `seq >= head`
    /// arrived: the snapshot comes first, the backlog after it.
    pub async fn wait_for_entries(&self, head: i64, limit: Duration) -> bool {
        let until = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < until {
            if self.seqs().last().is_some_and(|&seq| seq >= head) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Waits (up to `limit`) until an entry with `seq >= head` arrived.
    pub async fn wait_for(&self, head: i64, limit: Duration) -> bool {
        let until = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < until {
            if self.last_seq() >= head {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    /// Every bid the stream carried, in order: (bid seq, paddle, amount).
    pub fn bids(&self) -> Vec<(i64, i64, i64)> {
        self.entries
            .lock()
            .unwrap()
            .iter()
            .flat_map(|e| e["bids"].as_array().cloned().unwrap_or_default())
            .map(|b| {
                (
                    b["seq"].as_i64().unwrap(),
                    b["paddle"].as_i64().unwrap(),
                    b["amount_fen"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    /// Entry `seq`s, which must be consecutive.
    pub fn seqs(&self) -> Vec<i64> {
        self.entries
            .lock()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    }

    /// Stops watching.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// The stored bid history: (seq, paddle, amount, at), oldest first.
pub async fn stored_bids(db: &services::Db, auction: &str) -> Vec<(i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT seq, paddle, amount_fen, at FROM auction_bids WHERE auction_id = $1 ORDER BY seq",
    )
    .bind(auction)
    .fetch_all(db)
    .await
    .expect("bids")
}

/// Creates `n` accounts with `role` directly in the database and opens a session for each
/// (for tests that run the server binary); answers their tokens.
pub async fn sessions(
    services: &std::sync::Arc<services::Services>,
    n: usize,
    prefix: &str,
    role: models::Role,
) -> Vec<String> {
    let hash = password_auth::generate_hash("session-test-password");
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let login = format!("{prefix}{i}@load.test");
        let new = services::accounts::NewAccount {
            login: &login,
            password: "",
            display_name: None,
            role,
            org_id: None,
        };
        let account = services
            .accounts()
            .insert_account(&new, &hash)
            .await
            .expect("account");
        tokens.push(
            services
                .accounts()
                .open_session(&account.id)
                .await
                .expect("session")
                .token,
        );
    }
    tokens
}

/// Pays a deposit (a registration or a top-up) and waits until the bidder's deposit reaches
/// `total`; answers the paddle.
pub async fn deposit(http: &Http, token: &str, auction: &str, amount_fen: i64, total: i64) -> i64 {
    let (status, body) = http
        .call(
            Some(token),
            "POST",
            &format!("/api/v1/auctions/{auction}/register"),
            Some(json!({"amount_fen": amount_fen, "idempotency_key": uuid::Uuid::new_v4().to_string()})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    for _ in 0..400 {
        let (_, view) = http
            .call(
                Some(token),
                "GET",
                &format!("/api/v1/auctions/{auction}"),
                None,
            )
            .await;
        if view["you"]["deposit_fen"].as_i64().unwrap_or(0) >= total {
            return view["you"]["paddle"].as_i64().expect("paddle");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the deposit never reached {total}");
}

/// Waits (10 s at most) until no refund of the auction is pending any more.
pub async fn wait_for_refunds(db: &services::Db, auction: &str) {
    for _ in 0..200 {
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM auction_payments WHERE auction_id = $1 AND refund_status = 'pending'",
        )
        .bind(auction)
        .fetch_one(db)
        .await
        .expect("pending refunds");
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("refunds of {auction} are still pending");
}

/// The auction's books per bidder: (paddle, charges succeeded, refunds settled), by paddle.
/// A partial refund counts its `refund_fen`, a whole one the payment's amount.
pub async fn books(db: &services::Db, auction: &str) -> Vec<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT b.paddle,
                CAST(COALESCE(SUM(CASE WHEN p.status = 'succeeded' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN p.refund_status = 'succeeded'
                                       THEN COALESCE(p.refund_fen, p.amount_fen) ELSE 0 END), 0) AS BIGINT)
           FROM auction_bidders b
           LEFT JOIN auction_payments p ON p.auction_id = b.auction_id AND p.account_id = b.account_id
          WHERE b.auction_id = $1
          GROUP BY b.paddle ORDER BY b.paddle",
    )
    .bind(auction)
    .fetch_all(db)
    .await
    .expect("books")
}
