//! Bounded under abuse, with the real binary (issue 16): 300 registrations at once from 300
//! addresses, 1,500 idle live streams held open from 188 addresses and 3,000 bids to auctions
//! that do not exist, all together. The health check stays fast (p95 under 1 s), the process
//! stays under 1.5 GiB resident, every request gets a 2xx or a 4xx/503 answer, never a 500.
//!
//! Clients come from distinct loopback addresses (127.0.x.y: all of 127/8 is loopback on
//! Linux), so the per-address limits (8 streams, 20 registrations an hour) are not what holds
//! the line: the hashing limit and the process-wide bounds are.

use crate::common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::process::{free_port, healthy};
use common::TestDb;
use tokio::process::Command;

const DEMO_PASSWORD: &str = "abuse-test-password";

/// A loopback address of its own for client `n`.
fn address(block: u8, n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        block,
        (n / 250) as u8,
        (n % 250 + 1) as u8,
    ))
}

fn client_from(ip: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// Resident memory of `pid` now and at its peak, in MiB.
fn memory_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registrations_streams_and_bogus_bids_together_leave_the_server_healthy_and_bounded() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let db = TestDb::new().await;
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", &db.url)
        .env("C2M_ADDR", format!("127.0.0.1:{port}"))
        .env("C2M_PAYMENT_SANDBOX", "on")
        .env(
            "C2M_PAYMENT_SECRET",
            "an-abuse-test-secret-of-forty-characters",
        )
        .env("C2M_SEED_DEMO", "on")
        .env("C2M_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("C2M_LOG", "error")
        .env("LEPTOS_OUTPUT_NAME", "c2m-studio")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the server binary");
    let pid = server.id().expect("pid");
    let mut up = false;
    for _ in 0..400 {
        if healthy(port).await {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server became healthy");
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let local = reqwest::Client::new();
    let auctions: serde_json::Value = local
        .get(format!("{base}/auctions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auction = auctions[0]["id"]
        .as_str()
        .expect("the demo auction")
        .to_string();
    let token = local
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"login": "consumer@demo.test", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .expect("token")
        .to_string();
    let (baseline_rss, _) = memory_mib(pid);
    let started = Instant::now();

    // The health check, every 50 ms while the abuse runs.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let health = tokio::spawn({
        let done = done.clone();
        let url = format!("{base}/health");
        async move {
            let client = client_from(address(1, 0));
            let mut times = Vec::new();
            let mut peak_rss = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let at = Instant::now();
                let ok = client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                times.push((at.elapsed(), ok));
                peak_rss = peak_rss.max(memory_mib(pid).0);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (times, peak_rss)
        }
    });

    // 1,500 idle live streams: 8 from each of 188 addresses, held open (never read).
    let streams = tokio::spawn({
        let url = format!("{base}/auctions/{auction}/events");
        async move {
            let mut held = Vec::new();
            let mut refused = 0;
            let opening: Vec<_> = (0..188)
                .map(|n| {
                    let client = client_from(address(2, n));
                    let url = url.clone();
                    tokio::spawn(async move {
                        let mut mine = Vec::new();
                        for _ in 0..8 {
                            mine.push(client.get(&url).send().await);
                        }
                        mine
                    })
                })
                .collect();
            for task in opening {
                for answer in task.await.unwrap() {
                    match answer {
                        Ok(r) if r.status().is_success() => held.push(r),
                        Ok(r) => {
                            assert!(
                                r.status().is_client_error() || r.status() == 503,
                                "{}",
                                r.status()
                            );
                            refused += 1;
                        }
                        Err(e) => panic!("a stream was not answered: {e}"),
                    }
                }
            }
            (held, refused)
        }
    });

    // 300 registrations at once, each from its own address.
    let registrations = tokio::spawn({
        let url = format!("{base}/auth/register");
        async move {
            let tasks: Vec<_> = (0..300)
                .map(|n| {
                    let client = client_from(address(3, n));
                    let url = url.clone();
                    tokio::spawn(async move {
                        client
                            .post(&url)
                            .json(&serde_json::json!({
                                "login": format!("abuse{n}@abuse.test"),
                                "password": "long enough password",
                            }))
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                    })
                })
                .collect();
            let mut statuses = Vec::new();
            for task in tasks {
                statuses.push(task.await.unwrap().expect("a registration was answered"));
            }
            statuses
        }
    });

    // 3,000 bids to auctions that do not exist, 16 at a time from one client.
    let bids = tokio::spawn({
        let base = base.clone();
        async move {
            let client = reqwest::Client::new();
            let mut statuses = Vec::new();
            for chunk in 0..(3_000 / 16 + 1) {
                let batch: Vec<_> = (0..16)
                    .map(|i| chunk * 16 + i)
                    .filter(|n| *n < 3_000)
                    .map(|n| {
                        client
                            .post(format!("{base}/auctions/no-such-auction-{n}/bids"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({"amount_fen": 100_000, "idempotency_key": uuid::Uuid::new_v4().to_string()}))
                            .send()
                    })
                    .collect();
                for answer in futures::future::join_all(batch).await {
                    statuses.push(answer.expect("a bid was answered").status().as_u16());
                }
            }
            statuses
        }
    });

    let registered = registrations.await.unwrap();
    let bid_statuses = bids.await.unwrap();
    let (held, refused_streams) = streams.await.unwrap();
    let elapsed = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (times, peak_sampled) = health.await.unwrap();
    let (rss, peak) = memory_mib(pid);

    let created = registered.iter().filter(|s| **s == 201).count();
    let busy = registered.iter().filter(|s| **s == 503).count();
    assert_eq!(
        created + busy,
        300,
        "201 or 503 busy, nothing else: {registered:?}"
    );
    assert!(created > 0, "some registrations went through");
    assert!(
        bid_statuses.iter().all(|s| *s == 404),
        "{:?}",
        &bid_statuses[..10]
    );
    assert_eq!(held.len() + refused_streams, 1_504);
    assert!(held.len() >= 1_500, "{} streams held", held.len());
    let mut latencies: Vec<Duration> = times.iter().map(|(t, _)| *t).collect();
    latencies.sort();
    let p95 = latencies[latencies.len() * 95 / 100];
    let failed_checks = times.iter().filter(|(_, ok)| !ok).count();
    eprintln!(
        "abuse: {elapsed:.1?}; registrations {created} created, {busy} busy; {} streams held; \
         3,000 bids answered 404; health p95 {p95:.1?} over {} checks ({failed_checks} failed); \
         RSS baseline {baseline_rss} MiB, now {rss} MiB, peak {peak} MiB (sampled {peak_sampled})",
        held.len(),
        times.len()
    );
    assert_eq!(failed_checks, 0, "the health check always answered");
    assert!(p95 < Duration::from_secs(1), "health p95 {p95:?}");
    assert!(peak < 1_536, "peak resident memory {peak} MiB");
    drop(held);
    let _ = server.kill().await;
}
