//! Load generator: how many reservations per second the service takes while a batch fills to
//! its cap, with the oversell check at the end. Requests go through the real API router
//! (extractors, authorization, JSON) in-process, so the figure is the service and the
//! database, not the network.
//!
//! ```text
//! cargo run --release -p server --example reservation_load -- [DATABASE_URL] [CAP] [ATTEMPTS] [CONCURRENCY]
//! ```
//!
//! DATABASE_URL defaults to a fresh SQLite file; for PostgreSQL give an empty database
//! (e.g. `postgres://postgres@127.0.0.1:5432/c2m_load`, created beforehand).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use models::Role;
use services::accounts::NewAccount;
use services::Services;
use tower::ServiceExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = std::env::temp_dir().join(format!("c2m-load-{}.db", std::process::id()));
    let url = args
        .first()
        .cloned()
        .unwrap_or_else(|| format!("sqlite://{}", path.display()));
    let arg =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (cap, attempts, concurrency) = (arg(1, 1000), arg(2, 2000), arg(3, 64));

    let services = Services::connect(&url).await.expect("connect");
    services.seed_demo("load-password").await.expect("seed");
    services.start_background().await.expect("background");
    let api = Router::new().nest("/api/v1", server::api::router(services.clone()));

    let marketer = services
        .accounts()
        .login("marketer@demo.test", "load-password", "load")
        .await
        .expect("login");
    let now = services::now_ms();
    let campaign: models::CampaignInput = serde_json::from_value(serde_json::json!({
        "id": "load", "car_line": "xiaoman",
        "title": {"zh": "压测", "en": "Load"}, "tagline": {"zh": "压测", "en": "Load"},
        "warmup_at": now - 1000, "opens_at": now - 1000, "closes_at": now + 3_600_000,
        "batches": [cap], "reservation_fen": 99_900, "earnest_fen": 500_000, "cooling_off_hours": 24
    }))
    .expect("campaign");
    services
        .campaigns()
        .create_campaign(&marketer.account, &campaign)
        .await
        .expect("create campaign");
    let code = services
        .configurations()
        .save_configuration(
            "xiaoman",
            &[
                "lease",
                "pack_std",
                "sand_gold",
                "standard",
                "wheels_18",
                "interior_comfort",
                "solid_roof",
            ]
            .map(String::from),
        )
        .await
        .expect("save");
    let hash = password_auth::generate_hash("load-password");
    let mut tokens = Vec::with_capacity(attempts);
    for i in 0..attempts {
        let login = format!("load{i}@load.test");
        let new = NewAccount {
            login: &login,
            password: "",
            display_name: None,
            role: Role::Consumer,
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

    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(attempts);
    for (i, token) in tokens.into_iter().enumerate() {
        let (api, code, semaphore) = (api.clone(), code.clone(), semaphore.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = semaphore.acquire_owned().await.expect("permit");
            let body =
                format!(r#"{{"configuration_code":"{code}","idempotency_key":"load-key-{i:08}"}}"#);
            let request = Request::post("/api/v1/campaigns/load/reservations")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .expect("request");
            let began = Instant::now();
            let status = api.oneshot(request).await.expect("response").status();
            (status, began.elapsed(), start.elapsed())
        }));
    }
    let (mut created, mut sold_out, mut other) = (0usize, 0usize, 0usize);
    let mut created_latency = Vec::new();
    let mut fill_time = None;
    for task in tasks {
        let (status, latency, finished) = task.await.expect("task");
        match status {
            StatusCode::CREATED => {
                created += 1;
                created_latency.push(latency.as_secs_f64() * 1000.0);
                // The cap is full when the last successful reservation was answered.
                fill_time = fill_time.max(Some(finished));
            }
            StatusCode::CONFLICT => sold_out += 1,
            _ => other += 1,
        }
    }
    let total = start.elapsed();
    let held: i64 =
        sqlx::query_scalar("SELECT held FROM campaign_batches WHERE campaign_id = 'load'")
            .fetch_one(services.db())
            .await
            .expect("held");
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE campaign_id = 'load'")
        .fetch_one(services.db())
        .await
        .expect("orders");
    created_latency.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        created_latency
            .get(((created_latency.len().max(1) - 1) as f64 * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let oversold = held > cap as i64 || orders > cap as i64 || created > cap;
    println!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", services.backend()),
            "cap": cap, "attempts": attempts, "concurrency": concurrency,
            "created": created, "sold_out": sold_out, "other": other,
            "held": held, "orders": orders, "oversold": oversold,
            "seconds_to_fill_cap": fill_time.map(|d| d.as_secs_f64()),
            "reservations_per_second": fill_time.map(|d| cap as f64 / d.as_secs_f64()),
            "attempts_per_second": attempts as f64 / total.as_secs_f64(),
            "created_latency_ms": {"p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99)},
        })
    );
    let _ = std::fs::remove_file(&path);
    if oversold || created != cap.min(attempts) {
        eprintln!("OVERSOLD or short: created {created}, held {held}, orders {orders}");
        std::process::exit(1);
    }
}
