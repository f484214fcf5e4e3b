//! Load generator for one hot auction, end to end over HTTP against a running server (see
//! `scripts/bench-auction.sh`, which starts the release server on SQLite or PostgreSQL).
//!
//! It logs in the demo marketer, creates an auction with a 1-fen increment, registers
//! `--bidders` new consumers with a confirmed deposit, connects `--watchers` live streams, and
//! then lets every bidder bid as fast as it can for `--seconds`. Each bid is the starting price
//! plus the microseconds elapsed since the start, so bids sent later are higher: most are
//! accepted and the measure is the server's, not the bidders' guessing. Reports accepted bids
//! per second, request latency, and per watcher and bid the delay from the bid's server time
//! to its arrival in the stream (p50, p99).
//!
//! `--db-limit sqlite://FILE` instead measures SQLite's own limit on this disk: one-row
//! `UPDATE` transactions, durable (WAL, synchronous=FULL as the server runs), for `--seconds`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use serde_json::{json, Value};
use sqlx::{ConnectOptions, Connection, Executor};

/// What a watcher reads of a feed entry.
#[derive(serde::Deserialize)]
struct EntryTimes {
    bids: Vec<BidTime>,
}

#[derive(serde::Deserialize)]
struct BidTime {
    at: i64,
}

struct Args {
    url: String,
    bidders: usize,
    watchers: usize,
    seconds: u64,
    rate: u64,
    password: String,
    db_limit: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:3300".into(),
        bidders: 64,
        watchers: 0,
        seconds: 10,
        rate: 0,
        password: "c2m-demo-2026".into(),
        db_limit: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--url" => a.url = value,
            "--bidders" => a.bidders = value.parse().expect("--bidders N"),
            "--watchers" => a.watchers = value.parse().expect("--watchers N"),
            "--seconds" => a.seconds = value.parse().expect("--seconds N"),
            "--rate" => {
                a.rate = value
                    .parse()
                    .expect("--rate BIDS_PER_SECOND (0: unlimited)")
            }
            "--password" => a.password = value,
            "--db-limit" => a.db_limit = Some(value),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn call(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = match body {
        Some(body) => client.post(url).json(&body),
        None => client.get(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let value = response.json().await.unwrap_or(Value::Null);
    (status, value)
}

#[tokio::main]
async fn main() {
    let args = args();
    if let Some(url) = &args.db_limit {
        return db_limit(url, args.seconds).await;
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .build()
        .expect("client");
    let api = format!("{}/api/v1", args.url);
    let (status, session) = call(
        &client,
        &format!("{api}/auth/login"),
        None,
        Some(json!({"login": "marketer@demo.test", "password": args.password})),
    )
    .await;
    assert_eq!(status, 200, "marketer login: {session}");
    let marketer = session["token"].as_str().unwrap().to_string();
    let (status, saved) = call(
        &client,
        &format!("{api}/configurations"),
        None,
        Some(json!({"car_line": "xiaoman", "selections":
            ["lease", "pack_std", "sand_gold", "standard", "wheels_18", "interior_comfort", "solid_roof"]})),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    let now = now_ms();
    let (status, auction) = call(
        &client,
        &format!("{api}/auctions"),
        Some(&marketer),
        Some(json!({
            "title": "No. 999", "car_line": "xiaoman", "configuration_code": saved["code"],
            "starting_price_fen": 100, "increments": [{"from_fen": 0, "value_fen": 1}],
            "max_raise_fen": 1_000_000_000_000i64, "deposits": [{"from_fen": 0, "value_fen": 100}],
            "starts_at": now - 1000, "ends_at": now + 3_600_000, "anti_sniping_minutes": 0,
            "confirm_within_hours": 24, "pay_within_hours": 72, "offer_within_hours": 24
        })),
    )
    .await;
    assert_eq!(status, 201, "{auction}");
    let id = auction["id"].as_str().unwrap().to_string();
    eprintln!("auction {id}");

    // Bidders: new accounts with a confirmed deposit.
    let run = now_ms();
    let mut tokens = Vec::new();
    for i in 0..args.bidders {
        let (status, session) = call(
            &client,
            &format!("{api}/auth/register"),
            None,
            Some(json!({"login": format!("load{run}-{i}@bench.test"), "password": "bench-password-1"})),
        )
        .await;
        assert_eq!(status, 201, "{session}");
        let token = session["token"].as_str().unwrap().to_string();
        let (status, body) = call(
            &client,
            &format!("{api}/auctions/{id}/register"),
            Some(&token),
            Some(json!({"amount_fen": 100, "idempotency_key": format!("load-register-{run}-{i}")})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        tokens.push(token);
    }
    for token in &tokens {
        loop {
            let (_, view) = call(&client, &format!("{api}/auctions/{id}"), Some(token), None).await;
            if view["you"]["deposit_fen"].as_i64().unwrap_or(0) >= 100 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    eprintln!("{} bidders registered", tokens.len());

    // Watchers: each records, per bid, arrival time minus the bid's server time.
    let delays = Arc::new(Mutex::new(Vec::<f64>::new()));
    let connected = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut watcher_tasks = Vec::new();
    for _ in 0..args.watchers {
        let (client, url) = (client.clone(), format!("{api}/auctions/{id}/events"));
        let (delays, connected, stop) = (delays.clone(), connected.clone(), stop.clone());
        watcher_tasks.push(tokio::spawn(async move {
            let response = client.get(url).send().await.expect("stream");
            connected.fetch_add(1, Ordering::Relaxed);
            let mut stream = response.bytes_stream();
            let mut buffer = Vec::<u8>::new();
            while let Some(Ok(chunk)) = stream.next().await {
                let arrived = now_ms();
                buffer.extend_from_slice(&chunk);
                while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
                    let message: Vec<u8> = buffer.drain(..end + 2).collect();
                    let text = String::from_utf8_lossy(&message);
                    if !text.starts_with("event: entry") && !text.contains("\nevent: entry") {
                        continue;
                    }
                    let Some(data) = text.lines().find_map(|l| l.strip_prefix("data: ")) else {
                        continue;
                    };
                    // Only the bids' server times are read: the watchers share the cores.
                    let Ok(entry) = serde_json::from_str::<EntryTimes>(data) else {
                        continue;
                    };
                    let mut delays = delays.lock().unwrap();
                    delays.extend(entry.bids.iter().map(|b| (arrived - b.at) as f64));
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
            }
        }));
    }
    while connected.load(Ordering::Relaxed) < args.watchers as u64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("{} watchers connected", args.watchers);

    // The storm.
    let start = Instant::now();
    let until = start + Duration::from_secs(args.seconds);
    let accepted = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(Mutex::new(std::collections::BTreeMap::<String, u64>::new()));
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let per_bidder_gap = match args.rate {
        0 => None,
        r => Some(Duration::from_secs_f64(args.bidders as f64 / r as f64)),
    };
    let mut bidder_tasks = Vec::new();
    let args_bidders = args.bidders.max(1);
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, url) = (client.clone(), format!("{api}/auctions/{id}/bids"));
        let (accepted, refused, latencies) = (accepted.clone(), refused.clone(), latencies.clone());
        bidder_tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            let mut mine = Vec::new();
            // Paced bidders take turns instead of firing together.
            let mut next_at = Instant::now()
                + per_bidder_gap.map_or(Duration::ZERO, |g| g * i as u32 / args_bidders as u32);
            while Instant::now() < until {
                if let Some(gap) = per_bidder_gap {
                    tokio::time::sleep_until(next_at.into()).await;
                    next_at += gap;
                }
                n += 1;
                let amount = 100 + start.elapsed().as_micros() as i64;
                let sent = Instant::now();
                let (status, body) = call(
                    &client,
                    &url,
                    Some(&token),
                    Some(json!({"amount_fen": amount, "idempotency_key": format!("load-{run}-{i}-{n}")})),
                )
                .await;
                mine.push(sent.elapsed().as_secs_f64() * 1000.0);
                if status == 201 {
                    accepted.fetch_add(1, Ordering::Relaxed);
                } else {
                    let rule = body["rule"].as_str().unwrap_or("other").to_string();
                    *refused.lock().unwrap().entry(rule).or_default() += 1;
                }
            }
            latencies.lock().unwrap().extend(mine);
        }));
    }
    for task in bidder_tasks {
        task.await.expect("bidder");
    }
    let elapsed = start.elapsed().as_secs_f64();
    // Let the streams drain, then stop the watchers.
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let _ = call(&client, &format!("{api}/auctions/{id}"), None, None).await;
    for task in watcher_tasks {
        task.abort();
        let _ = task.await;
    }
    let accepted = accepted.load(Ordering::Relaxed);
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort_by(f64::total_cmp);
    let mut delays = delays.lock().unwrap().clone();
    delays.sort_by(f64::total_cmp);
    let summary = json!({
        "bidders": args.bidders,
        "watchers": args.watchers,
        "seconds": elapsed,
        "accepted": accepted,
        "accepted_per_second": accepted as f64 / elapsed,
        "refused": *refused.lock().unwrap(),
        "request_ms": {"p50": percentile(&latencies, 0.5), "p99": percentile(&latencies, 0.99)},
        "watcher_deliveries": delays.len(),
        "bid_to_watcher_ms": {"p50": percentile(&delays, 0.5), "p99": percentile(&delays, 0.99),
                               "max": delays.last().copied().unwrap_or(f64::NAN)},
    });
    println!("{summary}");
}

/// SQLite's own limit: durable one-row update transactions on one connection.
async fn db_limit(url: &str, seconds: u64) {
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("sqlite URL");
    let mut conn = options
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .connect()
        .await
        .expect("connect");
    conn.execute("CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)")
        .await
        .unwrap();
    conn.execute("INSERT OR IGNORE INTO bench VALUES (1, 0)")
        .await
        .unwrap();
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(seconds) {
        let mut tx = conn.begin().await.unwrap();
        tx.execute("UPDATE bench SET v = v + 1 WHERE id = 1")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        n += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"database": "sqlite", "transactions": n, "seconds": elapsed, "tps": n as f64 / elapsed})
    );
}
