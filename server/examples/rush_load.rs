//! Load generator for a launch-day rush, end to end over HTTP against a running server (see
//! `scripts/bench-rush.sh`, which starts the release server on SQLite or PostgreSQL).
//!
//! Seeding (not measured) goes straight to the server's database: a campaign with one batch
//! of `--cap` units opened a second ago, one saved configuration, and `--consumers` consumer
//! accounts, each with a session. Then every consumer sends one reservation over HTTP
//! (keep-alive, `--concurrency` in flight), as at the moment a hot car opens for orders.
//!
//! Reported: accepted reservations per second (the cap over the time until the last accepted
//! reservation was answered), attempts per second, latency of accepted reservations and of all
//! answers (p50, p90, p99, max), and the oversell check (the batch's counter and the orders
//! counted afterwards, against the cap and the accepted answers).

use std::sync::Arc;
use std::time::{Duration, Instant};

use models::Role;
use serde_json::json;
use services::accounts::NewAccount;
use services::Services;

struct Args {
    url: String,
    database: String,
    consumers: usize,
    cap: usize,
    concurrency: usize,
    campaign: String,
    password: String,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:3400".into(),
        database: String::new(),
        consumers: 6000,
        cap: 5000,
        concurrency: 64,
        campaign: "rush".into(),
        password: "c2m-demo-2026".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--url" => a.url = value,
            "--database" => a.database = value,
            "--consumers" => a.consumers = value.parse().expect("--consumers N"),
            "--cap" => a.cap = value.parse().expect("--cap N"),
            "--concurrency" => a.concurrency = value.parse().expect("--concurrency N"),
            "--campaign" => a.campaign = value,
            "--password" => a.password = value,
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!a.database.is_empty(), "--database URL (the server's)");
    a
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Seeds the campaign, a configuration and the consumers with their sessions; returns the
/// configuration's code and the consumers' session tokens.
async fn seed(services: &Arc<Services>, args: &Args) -> (String, Vec<String>) {
    let marketer = services
        .accounts()
        .login("marketer@demo.test", &args.password, "rush")
        .await
        .expect("the demo marketer (start the server with C2M_SEED_DEMO=on)")
        .account;
    let now = services::now_ms();
    let campaign: models::CampaignInput = serde_json::from_value(json!({
        "id": args.campaign, "car_line": "xiaoman",
        "title": {"zh": "首发", "en": "Launch"}, "tagline": {"zh": "首发", "en": "Launch"},
        "warmup_at": now - 1000, "opens_at": now - 1000, "closes_at": now + 3_600_000,
        "batches": [args.cap], "reservation_fen": 99_900, "earnest_fen": 500_000,
        "cooling_off_hours": 24
    }))
    .expect("campaign");
    services
        .campaigns()
        .create_campaign(&marketer, &campaign)
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
    // Sessions are what is measured against, not passwords: one hash for every account.
    let hash = password_auth::generate_hash("rush-password-not-used");
    let mut tasks = tokio::task::JoinSet::new();
    let per_task = args.consumers.div_ceil(8);
    for part in 0..8 {
        let (services, hash, campaign) = (services.clone(), hash.clone(), args.campaign.clone());
        let range = part * per_task..((part + 1) * per_task).min(args.consumers);
        tasks.spawn(async move {
            let mut tokens = Vec::with_capacity(range.len());
            for i in range {
                let login = format!("{campaign}{i}@rush.test");
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
                let session = services
                    .accounts()
                    .open_session(&account.id)
                    .await
                    .expect("session");
                tokens.push(session.token);
            }
            tokens
        });
    }
    let mut tokens = Vec::with_capacity(args.consumers);
    while let Some(part) = tasks.join_next().await {
        tokens.extend(part.expect("seed task"));
    }
    (code, tokens)
}

#[tokio::main]
async fn main() {
    let args = args();
    let services = Services::connect(&args.database).await.expect("connect");
    let seeding = Instant::now();
    let (code, tokens) = seed(&services, &args).await;
    eprintln!(
        "seeded {} consumers in {:.1} s",
        tokens.len(),
        seeding.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .expect("client");
    let url = format!(
        "{}/api/v1/campaigns/{}/reservations",
        args.url, args.campaign
    );
    let semaphore = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, url, code, semaphore) =
            (client.clone(), url.clone(), code.clone(), semaphore.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await.expect("permit");
            let began = Instant::now();
            let status = client
                .post(&url)
                .bearer_auth(token)
                .json(&json!({"configuration_code": code, "idempotency_key": format!("rush-key-{i:08}")}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, began.elapsed(), start.elapsed())
        });
    }
    let (mut created, mut sold_out, mut other) = (0usize, 0usize, 0usize);
    let mut created_ms = Vec::new();
    let mut all_ms = Vec::new();
    let mut filled: Option<Duration> = None;
    while let Some(done) = tasks.join_next().await {
        let (status, latency, finished) = done.expect("task");
        let ms = latency.as_secs_f64() * 1000.0;
        all_ms.push(ms);
        match status {
            201 => {
                created += 1;
                created_ms.push(ms);
                filled = filled.max(Some(finished));
            }
            409 => sold_out += 1,
            _ => other += 1,
        }
    }
    let total = start.elapsed();
    created_ms.sort_by(f64::total_cmp);
    all_ms.sort_by(f64::total_cmp);

    let held: i64 = sqlx::query_scalar("SELECT held FROM campaign_batches WHERE campaign_id = $1")
        .bind(&args.campaign)
        .fetch_one(services.db())
        .await
        .expect("held");
    let orders: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE campaign_id = $1 AND holds_unit = 1")
            .bind(&args.campaign)
            .fetch_one(services.db())
            .await
            .expect("orders");
    let expected = args.cap.min(args.consumers);
    let exact = created == expected && held == expected as i64 && orders == expected as i64;
    let latency = |v: &[f64]| {
        json!({"p50": percentile(v, 0.5), "p90": percentile(v, 0.9), "p99": percentile(v, 0.99),
               "max": percentile(v, 1.0)})
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "backend": format!("{:?}", services.backend()),
            "consumers": args.consumers, "cap": args.cap, "concurrency": args.concurrency,
            "created": created, "sold_out": sold_out, "other": other,
            "held": held, "orders": orders,
            "exactly_the_cap": exact,
            "seconds_to_fill_cap": filled.map(|d| d.as_secs_f64()),
            "reservations_per_second": filled.map(|d| created as f64 / d.as_secs_f64()),
            "attempts_per_second": all_ms.len() as f64 / total.as_secs_f64(),
            "accepted_latency_ms": latency(&created_ms),
            "all_latency_ms": latency(&all_ms),
        }))
        .expect("json")
    );
    if !exact || other > 0 {
        eprintln!(
            "NOT EXACT: created {created} of {expected}, held {held}, orders {orders}, other {other}"
        );
        std::process::exit(1);
    }
}
