//! A bidding storm over real HTTP: 200 bidders fire bids as fast as they can for 30 seconds
//! (`C2M_STORM_SECS` to change it) while watchers follow the live stream. Afterwards: the
//! accepted sequence is strictly increasing, every acknowledged bid is stored exactly once with
//! the answer's position and amount, retries with the same key changed nothing, and every
//! watcher saw every accepted bid in order.

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::auctions::{auction_input, register, stored_bids, Http, Watcher};
use common::TestApp;
use models::Role;
use serde_json::json;
use services::now_ms;

const BIDDERS: usize = 200;
const WATCHERS: usize = 5;

/// (bid seq, paddle, amount) of one acknowledged bid.
type Ack = (i64, i64, i64);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_bidders_storm_one_auction() {
    let seconds: u64 = std::env::var("C2M_STORM_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let app = TestApp::new().await;
    let http = Http::serve(&app).await;
    let marketer = app.login(Role::Marketer).await;
    let code = app.saved_code().await;
    let now = now_ms();
    let (status, created) = http
        .call(
            Some(&marketer),
            "POST",
            "/api/v1/auctions",
            Some(auction_input(&code, now, now + 3_600_000, 0)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let tokens = app.consumers(BIDDERS, "storm").await;
    let paddles: Vec<i64> = futures::future::join_all(
        tokens
            .iter()
            .map(|token| register(&http, token, &id, 1_000_000)),
    )
    .await;
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        watchers.push(Watcher::connect(&http, &id, None).await);
    }
    let start_seq = watchers[0].last_seq();

    let until = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let refused = Arc::new(AtomicU64::new(0));
    let retried = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let http = http.clone();
        let id = id.clone();
        let paddle = paddles[i];
        let (refused, retried) = (refused.clone(), retried.clone());
        tasks.push(tokio::spawn(async move {
            let mut acks: Vec<Ack> = Vec::new();
            let mut next = 1_000_000;
            let mut n = 0u64;
            // Bidders jump by a few increments now and then, as people do (xorshift noise).
            let mut noise = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64 + 1);
            let path = format!("/api/v1/auctions/{id}/bids");
            while tokio::time::Instant::now() < until {
                n += 1;
                noise ^= noise << 13;
                noise ^= noise >> 7;
                noise ^= noise << 17;
                let amount = next + 10_000 * (noise % 8) as i64;
                let key = format!("storm-{i}-{n}");
                let body = json!({"amount_fen": amount, "idempotency_key": key});
                let (status, answer) = http
                    .call(Some(&token), "POST", &path, Some(body.clone()))
                    .await;
                match (status, answer["rule"].as_str()) {
                    (201, _) => {
                        let mine = &answer["bids"][0];
                        assert_eq!(mine["paddle"], paddle, "{answer}");
                        assert_eq!(mine["amount_fen"], amount, "{answer}");
                        acks.push((mine["seq"].as_i64().unwrap(), paddle, amount));
                        // Now and then the client retries as if the answer had been lost.
                        if n.is_multiple_of(10) {
                            let (s, again) =
                                http.call(Some(&token), "POST", &path, Some(body)).await;
                            assert_eq!(
                                (s, &again),
                                (201, &answer),
                                "a retry answers the first answer"
                            );
                            retried.fetch_add(1, Ordering::Relaxed);
                        }
                        next = answer["state"]["minimum_bid_fen"].as_i64().unwrap();
                    }
                    (409, Some("below_minimum")) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        next = answer["details"]["minimum"].as_i64().unwrap();
                    }
                    (409, Some("already_leading")) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    other => panic!("unexpected answer {other:?}: {answer}"),
                }
            }
            acks
        }));
    }
    let mut acks: Vec<Ack> = Vec::new();
    for task in tasks {
        acks.extend(task.await.expect("bidder"));
    }
    let stored = stored_bids(app.services.db(), &id).await;
    eprintln!(
        "storm: {} bids accepted in {seconds} s ({:.0}/s), {} refused, {} retries",
        stored.len(),
        stored.len() as f64 / seconds as f64,
        refused.load(Ordering::Relaxed),
        retried.load(Ordering::Relaxed)
    );
    // Bidders learn the new price only from a refusal, so most bids of a storm are refused;
    // the point is that the accepted ones keep every rule. Progress must not stall.
    assert!(
        stored.len() as u64 >= seconds,
        "the storm placed bids: {}",
        stored.len()
    );

    // The accepted sequence: consecutive positions, strictly increasing amounts and times
    // that never go back.
    for (i, pair) in stored.windows(2).enumerate() {
        assert_eq!(pair[1].0, pair[0].0 + 1, "positions are consecutive at {i}");
        assert!(pair[1].2 > pair[0].2, "amounts rise at {i}: {pair:?}");
        assert!(pair[1].3 >= pair[0].3, "times never go back at {i}");
        assert_ne!(pair[1].1, pair[0].1, "nobody outbids themself at {i}");
    }
    assert_eq!(stored[0].0, 1);

    // Every acknowledged bid is stored once, as acknowledged; nothing unacknowledged is stored.
    let seqs: HashSet<i64> = acks.iter().map(|a| a.0).collect();
    assert_eq!(seqs.len(), acks.len(), "no position acknowledged twice");
    assert_eq!(
        acks.len(),
        stored.len(),
        "every stored bid was acknowledged, once"
    );
    let stored_set: HashSet<Ack> = stored.iter().map(|b| (b.0, b.1, b.2)).collect();
    for ack in &acks {
        assert!(
            stored_set.contains(ack),
            "acknowledged bid {ack:?} is stored"
        );
    }

    // Every watcher saw every entry, in order, and every accepted bid.
    let head: i64 = sqlx::query_scalar("SELECT version FROM auctions WHERE id = $1")
        .bind(&id)
        .fetch_one(app.services.db())
        .await
        .unwrap();
    let expected: Vec<Ack> = stored.iter().map(|b| (b.0, b.1, b.2)).collect();
    for watcher in watchers {
        assert!(
            watcher
                .wait_for_entries(head, Duration::from_secs(30))
                .await,
            "a watcher reached the head"
        );
        assert_eq!(
            watcher.seqs(),
            ((start_seq + 1)..=head).collect::<Vec<_>>(),
            "entries arrive once each, in order"
        );
        assert_eq!(
            watcher.bids(),
            expected,
            "the watcher saw every accepted bid in order"
        );
        watcher.stop();
    }
}
