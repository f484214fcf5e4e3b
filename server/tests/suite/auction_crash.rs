//! The auction across process boundaries, with the real server binary:
//! - SIGKILL in the middle of a bidding storm, restart: every acknowledged bid is there, the
//!   auction goes on, the end time is right, and a watcher that reconnects catches up;
//! - two server instances on one PostgreSQL database: bids through both are ordered as one
//!   sequence and every watcher, on either instance, sees all of them.

use crate::common;

use std::collections::HashSet;
use std::time::Duration;

use common::auctions::{auction_input, register, sessions, stored_bids, Http, Watcher};
use common::process::{free_port, start};
use common::{TestDb, DEMO_PASSWORD};
use models::Role;
use serde_json::{json, Value};
use services::{now_ms, Services};

/// A seeded database with an auction; answers the services, the marketer's token and the
/// auction's settings.
async fn prepare(
    db: &TestDb,
    ends_in_ms: i64,
    window_minutes: i64,
) -> (std::sync::Arc<Services>, String, Value) {
    let services = Services::connect(&db.url).await.expect("connect");
    services.seed_demo(DEMO_PASSWORD).await.expect("seed");
    let code = common::save_lease(&services).await;
    let marketer = sessions(&services, 1, "marketer", Role::Marketer)
        .await
        .remove(0);
    let now = now_ms();
    let input = auction_input(&code, now, now + ends_in_ms, window_minutes);
    (services, marketer, input)
}

/// Bids as fast as it can until `until` or the server stops answering; sends every
/// acknowledged bid (seq, paddle, amount) to `acks`.
fn bidder(
    http: Http,
    token: String,
    auction: String,
    paddle: i64,
    tag: String,
    until: tokio::time::Instant,
    acks: tokio::sync::mpsc::UnboundedSender<(i64, i64, i64)>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let path = format!("/api/v1/auctions/{auction}/bids");
        let mut next = 1_000_000;
        let mut n = 0;
        while tokio::time::Instant::now() < until {
            n += 1;
            let body = json!({"amount_fen": next, "idempotency_key": format!("{tag}-bid-{n:06}")});
            let Some((status, answer)) =
                http.try_call(Some(&token), "POST", &path, Some(body)).await
            else {
                return; // the server is gone: nothing more is acknowledged
            };
            match (status, answer["rule"].as_str()) {
                (201, _) => {
                    let _ = acks.send((answer["bids"][0]["seq"].as_i64().unwrap(), paddle, next));
                    next = answer["state"]["minimum_bid_fen"].as_i64().unwrap();
                }
                (409, Some("below_minimum")) => {
                    next = answer["details"]["minimum"].as_i64().unwrap();
                }
                (409, Some("already_leading")) => {
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
                other => panic!("unexpected answer {other:?}: {answer}"),
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_loses_no_acknowledged_bid() {
    let db = TestDb::new().await;
    // Ends in 30 s with a 1-minute window: every bid moves the end.
    let (services, marketer, input) = prepare(&db, 30_000, 1).await;
    let tokens = sessions(&services, 50, "crashbid", Role::Consumer).await;
    let port = free_port();
    let mut server = start(&db.url, port).await;
    let http = Http::new(port);
    let (status, created) = http
        .call(Some(&marketer), "POST", "/api/v1/auctions", Some(input))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let paddles: Vec<i64> = futures::future::join_all(
        tokens
            .iter()
            .map(|token| register(&http, token, &id, 1_000_000)),
    )
    .await;
    let watcher = Watcher::connect(&http, &id, None).await;

    let (sender, mut acknowledged) = tokio::sync::mpsc::unbounded_channel();
    let until = tokio::time::Instant::now() + Duration::from_secs(60);
    let storm: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            bidder(
                http.clone(),
                t.clone(),
                id.clone(),
                paddles[i],
                format!("crash-{i}"),
                until,
                sender.clone(),
            )
        })
        .collect();
    drop(sender);
    let mut acks = Vec::new();
    while acks.len() < 150 {
        match tokio::time::timeout(Duration::from_secs(30), acknowledged.recv()).await {
            Ok(Some(ack)) => acks.push(ack),
            _ => panic!("the storm stalled after {} acknowledgements", acks.len()),
        }
    }
    server.start_kill().expect("SIGKILL");
    let _ = server.wait().await;
    for task in storm {
        task.await.unwrap();
    }
    while let Ok(ack) = acknowledged.try_recv() {
        acks.push(ack);
    }
    let seen_before_kill = watcher.last_seq();
    watcher.stop();

    // Every acknowledged bid is stored, as acknowledged.
    let stored = stored_bids(services.db(), &id).await;
    let stored_set: HashSet<(i64, i64, i64)> = stored.iter().map(|b| (b.0, b.1, b.2)).collect();
    for ack in &acks {
        assert!(
            stored_set.contains(ack),
            "acknowledged bid {ack:?} survived the kill"
        );
    }
    for pair in stored.windows(2) {
        assert_eq!(pair[1].0, pair[0].0 + 1);
        assert!(pair[1].2 > pair[0].2);
    }

    // Restart: the auction goes on where it stood, with the right end.
    let mut server = start(&db.url, port).await;
    let (_, view) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    let last = stored.last().unwrap();
    assert_eq!(view["state"]["bid_count"], stored.len() as i64);
    assert_eq!(view["state"]["current_fen"], last.2);
    assert_eq!(view["state"]["phase"], "open");
    assert_eq!(
        view["state"]["ends_at"].as_i64().unwrap(),
        (last.3 + 60_000).max(view["scheduled_end"].as_i64().unwrap()),
        "the end is the last bid's time plus the window"
    );
    // A watcher that reconnects gets what it missed, then the new bids.
    let watcher = Watcher::connect(&http, &id, Some(seen_before_kill)).await;
    let leader = view["state"]["leader_paddle"].as_i64().unwrap();
    let other = paddles.iter().position(|p| *p != leader).unwrap();
    let next = view["state"]["minimum_bid_fen"].as_i64().unwrap();
    let (status, answer) = common::auctions::bid(&http, &tokens[other], &id, next).await;
    assert_eq!(status, 201, "the auction goes on: {answer}");
    assert_eq!(answer["bids"][0]["seq"], stored.len() as i64 + 1);
    let head = answer["seq"].as_i64().unwrap();
    assert!(
        watcher
            .wait_for_entries(head, Duration::from_secs(10))
            .await
    );
    assert_eq!(
        watcher.seqs(),
        ((seen_before_kill + 1)..=head).collect::<Vec<_>>()
    );
    let all = stored_bids(services.db(), &id).await;
    let streamed = watcher.bids();
    let expected: Vec<(i64, i64, i64)> = all
        .iter()
        .filter(|b| streamed.first().is_some_and(|f| b.0 >= f.0))
        .map(|b| (b.0, b.1, b.2))
        .collect();
    assert_eq!(streamed, expected);
    watcher.stop();
    server.start_kill().ok();
    let _ = server.wait().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_order_bids_as_one_and_stream_them_all() {
    let db = TestDb::new().await;
    if !db.is_postgres() {
        eprintln!("skipped on SQLite: several instances share one PostgreSQL (make test-postgres)");
        return;
    }
    let (services, marketer, input) = prepare(&db, 3_600_000, 0).await;
    let tokens = sessions(&services, 40, "twobid", Role::Consumer).await;
    let (port_a, port_b) = (free_port(), free_port());
    let mut a = start(&db.url, port_a).await;
    let mut b = start(&db.url, port_b).await;
    let (http_a, http_b) = (Http::new(port_a), Http::new(port_b));
    let (status, created) = http_a
        .call(Some(&marketer), "POST", "/api/v1/auctions", Some(input))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    // Registered one by one so that odd paddles registered through A, even ones through B.
    let mut paddles = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let http = if i % 2 == 0 { &http_a } else { &http_b };
        paddles.push(register(http, token, &id, 1_000_000).await);
    }
    let watchers = [
        Watcher::connect(&http_a, &id, None).await,
        Watcher::connect(&http_b, &id, None).await,
    ];
    let start_seq = watchers[0].last_seq().min(watchers[1].last_seq());

    let (sender, mut acknowledged) = tokio::sync::mpsc::unbounded_channel();
    let until = tokio::time::Instant::now() + Duration::from_secs(8);
    let storm: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let http = if i % 2 == 0 {
                http_a.clone()
            } else {
                http_b.clone()
            };
            bidder(
                http,
                t.clone(),
                id.clone(),
                paddles[i],
                format!("two-{i}"),
                until,
                sender.clone(),
            )
        })
        .collect();
    drop(sender);
    for task in storm {
        task.await.unwrap();
    }
    let mut acks = Vec::new();
    while let Ok(ack) = acknowledged.try_recv() {
        acks.push(ack);
    }
    let stored = stored_bids(services.db(), &id).await;
    eprintln!("two instances: {} bids accepted", stored.len());
    assert!(stored.len() > 50);
    assert_eq!(
        acks.len(),
        stored.len(),
        "each stored bid acknowledged once"
    );
    let through_a = acks.iter().filter(|a| (a.1 - 1) % 2 == 0).count();
    assert!(
        through_a > 0 && through_a < acks.len(),
        "both instances took bids"
    );
    for pair in stored.windows(2) {
        assert_eq!(pair[1].0, pair[0].0 + 1);
        assert!(
            pair[1].2 > pair[0].2,
            "one strictly rising sequence: {pair:?}"
        );
    }
    let head: i64 = sqlx::query_scalar("SELECT version FROM auctions WHERE id = $1")
        .bind(&id)
        .fetch_one(services.db())
        .await
        .unwrap();
    let expected: Vec<(i64, i64, i64)> = stored
        .iter()
        .filter(|b| b.0 > 0)
        .map(|b| (b.0, b.1, b.2))
        .collect();
    for watcher in &watchers {
        assert!(
            watcher
                .wait_for_entries(head, Duration::from_secs(20))
                .await,
            "watcher reached the head"
        );
        let seqs = watcher.seqs();
        assert_eq!(
            seqs,
            ((seqs[0])..=head).collect::<Vec<_>>(),
            "in order, none missing"
        );
        assert!(seqs[0] <= start_seq + 1);
        assert_eq!(watcher.bids(), expected, "every bid, from either instance");
    }
    let (_, view_a) = http_a
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    let (_, view_b) = http_b
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    assert_eq!(view_a["state"], view_b["state"]);
    assert_eq!(view_a["state"]["bid_count"], stored.len() as i64);
    for w in watchers {
        w.stop();
    }
    a.start_kill().ok();
    b.start_kill().ok();
    let _ = a.wait().await;
    let _ = b.wait().await;
}
