//! Auctions over real HTTP: creation and its validation, registration with a deposit, the bid
//! rules as 4xx answers that store nothing, idempotent retries, proxy bidding, the live stream
//! with resumption, closing at the end, and settlement through payment and refunds, correct to
//! the fen: the buyer pays the price and no more, and every deposit is returned or applied.

use crate::common;

use std::time::Duration;

use common::auctions::{
    auction_input, bid, books, deposit, register, stored_bids, wait_for_refunds, Http, Watcher,
};
use common::TestApp;
use models::Role;
use serde_json::json;
use services::now_ms;

async fn setup() -> (TestApp, Http, String, String) {
    let app = TestApp::new().await;
    let http = Http::serve(&app).await;
    let marketer = app.login(Role::Marketer).await;
    let code = app.saved_code().await;
    (app, http, marketer, code)
}

async fn create(http: &Http, marketer: &str, input: serde_json::Value) -> String {
    let (status, body) = http
        .call(Some(marketer), "POST", "/api/v1/auctions", Some(input))
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// An auction that opened now and ends in `ends_in_ms`.
async fn open_auction(
    http: &Http,
    marketer: &str,
    code: &str,
    ends_in_ms: i64,
    window_minutes: i64,
) -> String {
    let now = now_ms();
    create(
        http,
        marketer,
        auction_input(code, now, now + ends_in_ms, window_minutes),
    )
    .await
}

/// Polls the auction (10 s at most) until it reaches `phase`; answers the last view.
async fn wait_for_phase(http: &Http, id: &str, phase: &str) -> serde_json::Value {
    let mut view = serde_json::Value::Null;
    for _ in 0..200 {
        view = http
            .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
            .await
            .1;
        if view["state"]["phase"] == phase {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the auction never reached {phase}: {view}");
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.services.db())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn creation_is_validated_field_by_field() {
    let (app, http, marketer, code) = setup().await;
    let now = now_ms();
    let good = auction_input(&code, now, now + 3_600_000, 5);
    let cases = [
        ("starting_price_fen", json!(0), "starting_price_fen"),
        ("increments", json!([]), "increments"),
        (
            "increments",
            json!([{"from_fen": 100, "value_fen": 5}]),
            "increments",
        ),
        (
            "deposits",
            json!([{"from_fen": 0, "value_fen": 500}, {"from_fen": 10, "value_fen": 100}]),
            "deposits",
        ),
        ("max_raise_fen", json!(1), "max_raise_fen"),
        ("ends_at", json!(now - 1), "ends_at"),
        ("reserve_fen", json!(1), "reserve_fen"),
        ("anti_sniping_minutes", json!(-1), "anti_sniping_minutes"),
        ("confirm_within_hours", json!(0), "confirm_within_hours"),
        (
            "configuration_code",
            json!("ZZZZZZZZ"),
            "configuration_code",
        ),
        ("title", json!(" "), "title"),
    ];
    for (key, value, field) in cases {
        let mut input = good.clone();
        input[key] = value;
        let (status, body) = http
            .call(Some(&marketer), "POST", "/api/v1/auctions", Some(input))
            .await;
        assert_eq!(status, 422, "{key}: {body}");
        assert_eq!(body["error"], "invalid_field", "{body}");
        assert_eq!(body["field"], field, "{body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    // Unknown fields, wrong types, no JSON: a clear 4xx.
    let mut extra = good.clone();
    extra["surprise"] = json!(1);
    let (status, _) = http
        .call(Some(&marketer), "POST", "/api/v1/auctions", Some(extra))
        .await;
    assert_eq!(status, 422);
    // Only marketers create auctions.
    let consumer = app.login(Role::Consumer).await;
    let (status, body) = http
        .call(
            Some(&consumer),
            "POST",
            "/api/v1/auctions",
            Some(good.clone()),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = http
        .call(None, "POST", "/api/v1/auctions", Some(good))
        .await;
    assert_eq!(status, 401);
    assert_eq!(count(&app, "auctions").await, 0, "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_server_enforces_every_bid_rule_and_stores_only_accepted_bids() {
    let (app, http, marketer, code) = setup().await;
    let id = open_auction(&http, &marketer, &code, 3_600_000, 5).await;
    let bidders = app.consumers(3, "rules").await;
    let (ann, bob, cat) = (&bidders[0], &bidders[1], &bidders[2]);

    // Not registered yet.
    let (status, body) = bid(&http, ann, &id, 1_000_000).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("not_registered")),
        "{body}"
    );
    assert_eq!(register(&http, ann, &id, 10_000).await, 1);
    assert_eq!(register(&http, bob, &id, 10_000).await, 2);

    let (status, body) = bid(&http, ann, &id, 999_999).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("below_minimum")),
        "{body}"
    );
    assert_eq!(body["details"]["minimum"], 1_000_000);
    let (status, first) = bid(&http, ann, &id, 1_000_000).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["leading"], true);
    assert_eq!(first["bids"][0]["seq"], 1);
    assert_eq!(first["bids"][0]["paddle"], 1);

    let (status, body) = bid(&http, ann, &id, 1_010_000).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("already_leading")),
        "{body}"
    );
    let (status, body) = bid(&http, bob, &id, 1_005_000).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("below_minimum")),
        "{body}"
    );
    let (status, body) = bid(&http, bob, &id, 1_000_000 + 100_000_001).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("above_max_raise")),
        "{body}"
    );
    // A bid the deposit does not cover asks for a top-up first.
    let (status, body) = bid(&http, bob, &id, 100_000_000).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("deposit_too_low")),
        "{body}"
    );
    assert_eq!(body["details"]["top_up"], 990_000);
    // Malformed amounts and keys.
    let (status, body) = http
        .call(
            Some(bob),
            "POST",
            &format!("/api/v1/auctions/{id}/bids"),
            Some(json!({"amount_fen": -5, "idempotency_key": "key-12345678"})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_field")),
        "{body}"
    );
    let (status, _) = http
        .call(Some(bob), "POST", &format!("/api/v1/auctions/{id}/bids"),
            Some(json!({"amount_fen": 1_010_000, "max_fen": 2_000_000, "idempotency_key": "key-12345678"})))
        .await;
    assert_eq!(status, 422);
    let (status, _) = http
        .call(
            Some(bob),
            "POST",
            &format!("/api/v1/auctions/{id}/bids"),
            Some(json!({"amount_fen": 1_010_000, "idempotency_key": "x"})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = http
        .call(
            Some(bob),
            "POST",
            "/api/v1/auctions/au_nope/bids",
            Some(json!({"amount_fen": 1_010_000, "idempotency_key": "key-12345678"})),
        )
        .await;
    assert_eq!(status, 404);
    // Marketers do not bid.
    let (status, _) = bid(&http, &marketer, &id, 1_010_000).await;
    assert_eq!(status, 403);
    assert_eq!(
        stored_bids(app.services.db(), &id).await.len(),
        1,
        "refusals store nothing"
    );

    // A retry with the same key answers the first answer and bids once.
    let key = "retry-key-0001";
    let body = json!({"amount_fen": 1_010_000, "idempotency_key": key});
    let path = format!("/api/v1/auctions/{id}/bids");
    let (s1, a1) = http
        .call(Some(bob), "POST", &path, Some(body.clone()))
        .await;
    let (s2, a2) = http.call(Some(bob), "POST", &path, Some(body)).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(a1, a2);
    let (status, body) = http
        .call(
            Some(bob),
            "POST",
            &path,
            Some(json!({"amount_fen": 1_020_000, "idempotency_key": key})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("idempotency_key_reused")),
        "{body}"
    );
    assert_eq!(stored_bids(app.services.db(), &id).await.len(), 2);

    // Proxy bidding: cat's hidden maximum answers ann's bids one increment at a time.
    register(&http, cat, &id, 10_000).await;
    let (status, answer) = http
        .call(
            Some(cat),
            "POST",
            &path,
            Some(json!({"max_fen": 1_100_000, "idempotency_key": "cat-proxy-01"})),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["bids"][0]["kind"], "proxy");
    assert_eq!(answer["bids"][0]["amount_fen"], 1_020_000);
    assert_eq!(answer["leading"], true);
    let (status, answer) = bid(&http, ann, &id, 1_050_000).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer["leading"], false,
        "cat's proxy answered at once: {answer}"
    );
    assert_eq!(answer["bids"][1]["paddle"], 3);
    assert_eq!(answer["bids"][1]["amount_fen"], 1_060_000);

    // The history and the state agree; paddles, never account ids.
    let (_, bids) = http.call(None, "GET", &path, None).await;
    let amounts: Vec<i64> = bids
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["amount_fen"].as_i64().unwrap())
        .collect();
    assert_eq!(
        amounts,
        vec![1_000_000, 1_010_000, 1_020_000, 1_050_000, 1_060_000]
    );
    let (_, view) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    let accounts: Vec<String> =
        sqlx::query_scalar("SELECT account_id FROM auction_bidders WHERE auction_id = $1")
            .bind(&id)
            .fetch_all(app.services.db())
            .await
            .unwrap();
    assert_eq!(accounts.len(), 3);
    for account in accounts {
        assert!(
            !bids.to_string().contains(&account),
            "no account ids: {bids}"
        );
        assert!(
            !view.to_string().contains(&account),
            "no account ids: {view}"
        );
    }
    assert_eq!(view["state"]["current_fen"], 1_060_000);
    assert_eq!(view["state"]["leader_paddle"], 3);
    assert_eq!(view["state"]["minimum_bid_fen"], 1_070_000);
    assert_eq!(view["state"]["bid_count"], 5);
    assert!(view["you"].is_null());
    assert!(
        !view.to_string().contains("1100000"),
        "the hidden maximum stays hidden"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watchers_see_every_entry_in_order_and_resume_where_they_left() {
    let (app, http, marketer, code) = setup().await;
    let id = open_auction(&http, &marketer, &code, 3_600_000, 5).await;
    let bidders = app.consumers(2, "watch").await;
    let live = Watcher::connect(&http, &id, None).await;
    register(&http, &bidders[0], &id, 10_000).await;
    register(&http, &bidders[1], &id, 10_000).await;
    let mut price = 1_000_000;
    for i in 0..10 {
        let (status, body) = bid(&http, &bidders[i % 2], &id, price).await;
        assert_eq!(status, 201, "{body}");
        price += 10_000;
    }
    let (_, view) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    let head = view["version"].as_i64().unwrap();
    assert_eq!(head, 12, "two registrations and ten bids");
    assert_eq!(view["car_name"]["zh"], "小满 EV", "the car line's own name");
    assert!(live.wait_for_entries(head, Duration::from_secs(10)).await);
    assert_eq!(live.seqs(), (1..=head).collect::<Vec<_>>());
    let streamed: Vec<i64> = live.bids().iter().map(|b| b.2).collect();
    let stored: Vec<i64> = stored_bids(app.services.db(), &id)
        .await
        .iter()
        .map(|b| b.2)
        .collect();
    assert_eq!(streamed, stored);
    let last = live.entries.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last["state"]["current_fen"], 1_090_000);
    // The end has not moved: no bid came within 5 minutes of it.
    assert_eq!(last["state"]["ends_at"], view["scheduled_end"]);

    // A watcher that saw up to 5 reconnects and gets 6.. first, then live entries.
    let resumed = Watcher::connect(&http, &id, Some(5)).await;
    assert!(
        resumed
            .wait_for_entries(head, Duration::from_secs(10))
            .await
    );
    assert_eq!(resumed.seqs(), (6..=head).collect::<Vec<_>>());
    let (status, _) = bid(&http, &bidders[0], &id, price).await;
    assert_eq!(status, 201);
    assert!(
        resumed
            .wait_for_entries(head + 1, Duration::from_secs(10))
            .await
    );
    assert!(
        live.wait_for_entries(head + 1, Duration::from_secs(10))
            .await
    );
    assert_eq!(resumed.seqs(), (6..=head + 1).collect::<Vec<_>>());
    // An unknown auction has no stream.
    let (status, body) = http
        .call(None, "GET", "/api/v1/auctions/au_none/events", None)
        .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    live.stop();
    resumed.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn anti_sniping_moves_the_end_and_the_auction_closes_on_its_own() {
    let (app, http, marketer, code) = setup().await;
    // Ends in 3 s with a 1-minute window: the first bid moves the end to bid time + 60 s.
    let id = open_auction(&http, &marketer, &code, 3_000, 1).await;
    let bidders = app.consumers(2, "snipe").await;
    register(&http, &bidders[0], &id, 10_000).await;
    let (status, answer) = bid(&http, &bidders[0], &id, 1_000_000).await;
    assert_eq!(status, 201, "{answer}");
    let at = answer["bids"][0]["at"].as_i64().unwrap();
    assert_eq!(answer["state"]["ends_at"], at + 60_000);
    let (_, entries) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}/bids"), None)
        .await;
    assert_eq!(entries.as_array().unwrap().len(), 1);

    // Without a window the auction closes at its end, by itself, and releases deposits.
    let id = open_auction(&http, &marketer, &code, 2_500, 0).await;
    register(&http, &bidders[0], &id, 10_000).await;
    register(&http, &bidders[1], &id, 10_000).await;
    assert_eq!(bid(&http, &bidders[0], &id, 1_000_000).await.0, 201);
    assert_eq!(bid(&http, &bidders[1], &id, 1_010_000).await.0, 201);
    let view = wait_for_phase(&http, &id, "awaiting_confirmation").await;
    assert_eq!(view["state"]["phase"], "awaiting_confirmation", "{view}");
    assert_eq!(view["state"]["settlement"]["paddle"], 2);
    assert_eq!(view["state"]["settlement"]["amount_fen"], 1_010_000);
    let (status, body) = bid(&http, &bidders[0], &id, 1_100_000).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("ended")),
        "{body}"
    );
    // The loser's deposit is refunded; the winner's stays held.
    let mut refunded = 0;
    for _ in 0..100 {
        refunded = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM auction_payments WHERE auction_id = $1 AND refund_status = 'succeeded'",
        )
        .bind(&id)
        .fetch_one(app.services.db())
        .await
        .unwrap();
        if refunded == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(refunded, 1);

    // The winner confirms, pays the price less the deposit, and the edition is sold.
    let (status, refused) = http
        .call(
            Some(&bidders[0]),
            "POST",
            &format!("/api/v1/auctions/{id}/confirm"),
            None,
        )
        .await;
    assert_eq!(
        (status, refused["rule"].as_str()),
        (409, Some("not_the_bidder")),
        "{refused}"
    );
    let (status, confirmed) = http
        .call(
            Some(&bidders[1]),
            "POST",
            &format!("/api/v1/auctions/{id}/confirm"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["state"]["phase"], "awaiting_payment");
    let (status, payment) = http
        .call(
            Some(&bidders[1]),
            "POST",
            &format!("/api/v1/auctions/{id}/pay"),
            Some(json!({"idempotency_key": "pay-the-price-1"})),
        )
        .await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["amount_fen"], 1_010_000 - 10_000);
    let view = wait_for_phase(&http, &id, "paid").await;
    assert_eq!(view["state"]["phase"], "paid", "{view}");
    let outcomes: Vec<(String, String)> = sqlx::query_as(
        "SELECT purpose, outcome FROM auction_payments WHERE auction_id = $1 AND account_id =
           (SELECT account_id FROM auction_bidders WHERE auction_id = $1 AND paddle = 2) ORDER BY purpose",
    )
    .bind(&id)
    .fetch_all(app.services.db())
    .await
    .unwrap();
    assert_eq!(
        outcomes,
        vec![
            ("deposit".into(), "applied".into()),
            ("price".into(), "held".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_default_forfeits_the_deposit_and_the_runner_up_gets_a_second_chance() {
    let (app, http, marketer, code) = setup().await;
    let id = open_auction(&http, &marketer, &code, 2_000, 0).await;
    // Deadlines of half a second (the API takes hours): set before the first command.
    sqlx::query("UPDATE auctions SET rules = REPLACE(REPLACE(rules, '\"confirm_within_ms\":86400000', '\"confirm_within_ms\":500'), '\"offer_within_ms\":86400000', '\"offer_within_ms\":60000') WHERE id = $1")
        .bind(&id)
        .execute(app.services.db())
        .await
        .unwrap();
    let bidders = app.consumers(2, "default").await;
    register(&http, &bidders[0], &id, 10_000).await;
    register(&http, &bidders[1], &id, 10_000).await;
    assert_eq!(bid(&http, &bidders[0], &id, 1_000_000).await.0, 201);
    assert_eq!(bid(&http, &bidders[1], &id, 1_010_000).await.0, 201);
    // Nobody confirms: the deadline fires on its own and the marketer must decide.
    let view = wait_for_phase(&http, &id, "awaiting_decision").await;
    assert_eq!(view["state"]["phase"], "awaiting_decision", "{view}");
    let forfeited: String = sqlx::query_scalar(
        "SELECT outcome FROM auction_payments p JOIN auction_bidders b
            ON b.auction_id = p.auction_id AND b.account_id = p.account_id
          WHERE p.auction_id = $1 AND b.paddle = 2",
    )
    .bind(&id)
    .fetch_one(app.services.db())
    .await
    .unwrap();
    assert_eq!(forfeited, "forfeited");
    // A bidder cannot decide for the marketer.
    let (status, _) = http
        .call(
            Some(&bidders[0]),
            "POST",
            &format!("/api/v1/auctions/{id}/second-chance"),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, view) = http
        .call(
            Some(&marketer),
            "POST",
            &format!("/api/v1/auctions/{id}/second-chance"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["state"]["phase"], "second_chance_offered");
    assert_eq!(view["state"]["settlement"]["paddle"], 1);
    assert_eq!(view["state"]["settlement"]["amount_fen"], 1_000_000);
    let (status, view) = http
        .call(
            Some(&bidders[0]),
            "POST",
            &format!("/api/v1/auctions/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["state"]["phase"], "awaiting_payment");
    // The rest of the history is intact: both bids are still there.
    assert_eq!(stored_bids(app.services.db(), &id).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_is_counted_once_however_many_workers_count_it() {
    let (app, http, marketer, code) = setup().await;
    let id = open_auction(&http, &marketer, &code, 3_600_000, 5).await;
    let bidder = app.consumers(1, "counted").await.remove(0);
    let paddle = register(&http, &bidder, &id, 10_000).await;
    // A second deposit the provider confirmed while the server was down: succeeded, uncounted.
    sqlx::query(
        "INSERT INTO auction_payments (id, auction_id, account_id, purpose, amount_fen, status, created_at)
         SELECT 'aup_test_uncounted', auction_id, account_id, 'deposit', 5000, 'succeeded', 0
           FROM auction_bidders WHERE auction_id = $1 AND paddle = $2",
    )
    .bind(&id)
    .bind(paddle)
    .execute(app.services.db())
    .await
    .unwrap();
    let (a, b, c) = tokio::join!(
        app.services.auctions().run_auction_deadlines(),
        app.services.auctions().run_auction_deadlines(),
        app.services.auctions().run_auction_deadlines()
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let (_, view) = http
        .call(
            Some(&bidder),
            "GET",
            &format!("/api/v1/auctions/{id}"),
            None,
        )
        .await;
    assert_eq!(view["you"]["deposit_fen"], 15_000, "{view}");
    let deposits: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM auction_log WHERE auction_id = $1 AND command LIKE '%\"op\":\"deposit\"%'",
    )
    .bind(&id)
    .fetch_one(app.services.db())
    .await
    .unwrap();
    assert_eq!(deposits, 2, "each payment logged once");
}

/// An auction that starts at 900 CNY (increments of 100 CNY) and ends in 4 s, sold at
/// 1,000 CNY: paddle 1 registers with 100 CNY and bids 900 CNY; paddle 2 registers with 100 CNY
/// and tops up 200 CNY but never bids; paddle 3, the winner, pays `deposits` (a registration,
/// then top-ups) and bids 1,000 CNY. After the close the winner confirms and pays. Answers the
/// app, the client, the auction, the winner's token and the answer to the payment.
async fn sold_at_1000_cny(deposits: &[i64]) -> (TestApp, Http, String, String, serde_json::Value) {
    let (app, http, marketer, code) = setup().await;
    let now = now_ms();
    let mut input = auction_input(&code, now, now + 4_000, 0);
    input["starting_price_fen"] = json!(90_000);
    let id = create(&http, &marketer, input).await;
    let bidders = app.consumers(3, "fen").await;
    assert_eq!(deposit(&http, &bidders[0], &id, 10_000, 10_000).await, 1);
    assert_eq!(deposit(&http, &bidders[1], &id, 10_000, 10_000).await, 2);
    deposit(&http, &bidders[1], &id, 20_000, 30_000).await;
    let mut total = 0;
    for amount in deposits {
        total += amount;
        assert_eq!(deposit(&http, &bidders[2], &id, *amount, total).await, 3);
    }
    assert_eq!(bid(&http, &bidders[0], &id, 90_000).await.0, 201);
    assert_eq!(bid(&http, &bidders[2], &id, 100_000).await.0, 201);
    let view = wait_for_phase(&http, &id, "awaiting_confirmation").await;
    assert_eq!(view["state"]["settlement"]["paddle"], 3, "{view}");
    assert_eq!(view["state"]["settlement"]["amount_fen"], 100_000, "{view}");
    let (status, confirmed) = http
        .call(
            Some(&bidders[2]),
            "POST",
            &format!("/api/v1/auctions/{id}/confirm"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    let (status, payment) = pay(&http, &bidders[2], &id, "pay-the-price-fen").await;
    assert_eq!(status, 201, "{payment}");
    let winner = bidders[2].clone();
    (app, http, id, winner, payment)
}

async fn pay(http: &Http, token: &str, id: &str, key: &str) -> (u16, serde_json::Value) {
    http.call(
        Some(token),
        "POST",
        &format!("/api/v1/auctions/{id}/pay"),
        Some(json!({ "idempotency_key": key })),
    )
    .await
}

/// The winner's deposit payments: (amount, outcome, refund_fen, refund_status), largest first.
async fn winner_deposits(
    app: &TestApp,
    id: &str,
) -> Vec<(i64, String, Option<i64>, Option<String>)> {
    sqlx::query_as(
        "SELECT p.amount_fen, p.outcome, p.refund_fen, p.refund_status
           FROM auction_payments p JOIN auction_bidders b
             ON b.auction_id = p.auction_id AND b.account_id = p.account_id
          WHERE p.auction_id = $1 AND b.paddle = 3 AND p.purpose = 'deposit'
          ORDER BY p.amount_fen DESC",
    )
    .bind(id)
    .fetch_all(app.services.db())
    .await
    .unwrap()
}

/// How many price payments the auction has.
async fn price_payments(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM auction_payments WHERE auction_id = $1 AND purpose = 'price'",
    )
    .bind(id)
    .fetch_one(app.services.db())
    .await
    .unwrap()
}

/// The books once every refund settled: the winner (paddle 3) paid exactly `price` net, every
/// loser nothing.
async fn check_books(app: &TestApp, id: &str, price: i64) {
    wait_for_refunds(app.services.db(), id).await;
    let books = books(app.services.db(), id).await;
    assert_eq!(books.len(), 3, "{books:?}");
    for (paddle, charges, refunds) in books {
        let net = if paddle == 3 { price } else { 0 };
        assert_eq!(
            charges - refunds,
            net,
            "paddle {paddle}: charged {charges}, refunded {refunds}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deposit_above_the_price_pays_it_and_the_rest_is_refunded() {
    // A 5,000 CNY deposit (3,000 at registration, a 2,000 top-up); the hammer price 1,000 CNY.
    let (app, http, id, winner, payment) = sold_at_1000_cny(&[300_000, 200_000]).await;
    // Nothing is charged, and the sale is complete at once, without a provider charge.
    assert_eq!(payment["amount_fen"], 0, "{payment}");
    assert_eq!(payment["status"], "succeeded", "{payment}");
    assert!(payment["payment_id"].is_null(), "{payment}");
    let (_, view) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    assert_eq!(view["state"]["phase"], "paid", "{view}");
    assert_eq!(view["state"]["settlement"]["amount_fen"], 100_000, "{view}");
    assert_eq!(price_payments(&app, &id).await, 0);
    // 4,000 CNY goes back through the provider: the part of the first payment above the price,
    // and the whole top-up; the refunds' callbacks settle them.
    check_books(&app, &id, 100_000).await;
    assert_eq!(
        winner_deposits(&app, &id).await,
        vec![
            (
                300_000,
                "applied".to_string(),
                Some(200_000),
                Some("succeeded".to_string())
            ),
            (
                200_000,
                "released".to_string(),
                Some(200_000),
                Some("succeeded".to_string())
            ),
        ]
    );
    // A retry with the same key replays the answer; another payment finds nothing to pay.
    let (status, replay) = pay(&http, &winner, &id, "pay-the-price-fen").await;
    assert_eq!((status, &replay), (201, &payment));
    let (status, refused) = pay(&http, &winner, &id, "pay-the-price-again").await;
    assert_eq!(
        (status, refused["rule"].as_str()),
        (409, Some("wrong_phase")),
        "{refused}"
    );
    assert_eq!(price_payments(&app, &id).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deposit_below_the_price_is_applied_and_only_the_rest_is_charged() {
    // A 500 CNY deposit; the hammer price 1,000 CNY: exactly 500 CNY is charged.
    let (app, http, id, _, payment) = sold_at_1000_cny(&[50_000]).await;
    assert_eq!(payment["amount_fen"], 50_000, "{payment}");
    assert_eq!(payment["status"], "pending", "{payment}");
    assert!(payment["payment_id"].is_string(), "{payment}");
    let view = wait_for_phase(&http, &id, "paid").await;
    assert_eq!(view["state"]["settlement"]["amount_fen"], 100_000, "{view}");
    assert_eq!(price_payments(&app, &id).await, 1);
    check_books(&app, &id, 100_000).await;
    assert_eq!(
        winner_deposits(&app, &id).await,
        vec![(50_000, "applied".to_string(), None, None)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deposit_equal_to_the_price_pays_it_exactly() {
    // A 1,000 CNY deposit (600 + 400); the hammer price 1,000 CNY: nothing charged or refunded.
    let (app, http, id, _, payment) = sold_at_1000_cny(&[60_000, 40_000]).await;
    assert_eq!(payment["amount_fen"], 0, "{payment}");
    assert_eq!(payment["status"], "succeeded", "{payment}");
    let (_, view) = http
        .call(None, "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    assert_eq!(view["state"]["phase"], "paid", "{view}");
    assert_eq!(price_payments(&app, &id).await, 0);
    check_books(&app, &id, 100_000).await;
    assert_eq!(
        winner_deposits(&app, &id).await,
        vec![
            (60_000, "applied".to_string(), None, None),
            (40_000, "applied".to_string(), None, None),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deposits_stop_at_what_the_highest_tier_requires() {
    let (app, http, marketer, code) = setup().await;
    // The highest tier asks 10,000 CNY (1,000,000 fen).
    let id = open_auction(&http, &marketer, &code, 3_600_000, 5).await;
    let bidder = app.consumers(1, "bound").await.remove(0);
    let path = format!("/api/v1/auctions/{id}/register");
    let ask = |amount: i64| {
        let (http, bidder, path) = (&http, &bidder, &path);
        async move {
            http.call(
                Some(bidder),
                "POST",
                path,
                Some(json!({"amount_fen": amount, "idempotency_key": uuid::Uuid::new_v4().to_string()})),
            )
            .await
        }
    };
    let (status, body) = ask(1_000_001).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("deposit_above_maximum")),
        "{body}"
    );
    assert_eq!(body["details"]["maximum"], 1_000_000, "{body}");
    assert_eq!(body["details"]["top_up_max"], 1_000_000, "{body}");
    // Above `Money::MAX` (10 trillion yuan).
    let (status, body) = ask(1_000_000_000_000_001).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_field")),
        "{body}"
    );
    deposit(&http, &bidder, &id, 600_000, 600_000).await;
    // A top-up past the highest tier is refused, with what may still be paid.
    let (status, body) = ask(400_001).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("deposit_above_maximum")),
        "{body}"
    );
    assert_eq!(body["details"]["deposit"], 600_000, "{body}");
    assert_eq!(body["details"]["top_up_max"], 400_000, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("¥4,000.00"),
        "{body}"
    );
    // Up to it is fine; nothing more after that.
    deposit(&http, &bidder, &id, 400_000, 1_000_000).await;
    let (status, body) = ask(1).await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (409, Some("deposit_above_maximum")),
        "{body}"
    );
    let charged: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM auction_payments WHERE auction_id = $1",
    )
    .bind(&id)
    .fetch_one(app.services.db())
    .await
    .unwrap();
    assert_eq!(charged, 1_000_000, "refused deposits charge nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_for_unknown_auctions_leave_nothing_behind_and_idle_sequencers_end() {
    let app = TestApp::with_options(|options| {
        options.sequencer_idle = Some(Duration::from_millis(300));
    })
    .await;
    let http = Http::serve(&app).await;
    let marketer = app.login(Role::Marketer).await;
    let code = app.saved_code().await;
    let bidder = app.consumers(1, "ghost").await.remove(0);
    let tables = [
        "auctions",
        "auction_log",
        "auction_bids",
        "idempotency_keys",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(&app, table).await);
    }
    let paths: Vec<String> = (0..200)
        .map(|i| format!("/api/v1/auctions/au_ghost{i}/bids"))
        .collect();
    let answers = futures::future::join_all(paths.iter().enumerate().map(|(i, path)| {
        app.call_as(
            &bidder,
            "POST",
            path,
            Some(json!({"amount_fen": 1_000_000, "idempotency_key": format!("ghost-key-{i}")})),
        )
    }))
    .await;
    for (status, body) in &answers {
        assert_eq!(
            (status.as_u16(), body["error"].as_str()),
            (404, Some("not_found")),
            "{body}"
        );
    }
    assert_eq!(
        app.services.auctions().running_sequencers(),
        0,
        "no sequencer for an auction that does not exist"
    );
    for (table, before) in tables.into_iter().zip(before) {
        assert_eq!(count(&app, table).await, before, "no row in {table}");
    }

    // A real auction gets a sequencer; quiet, it ends; the next request starts it again
    // (rebuilding the state from the log).
    let id = open_auction(&http, &marketer, &code, 3_600_000, 0).await;
    register(&http, &bidder, &id, 10_000).await;
    assert_eq!(bid(&http, &bidder, &id, 1_000_000).await.0, 201);
    let mut running = app.services.auctions().running_sequencers();
    for _ in 0..100 {
        if running == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        running = app.services.auctions().running_sequencers();
    }
    assert_eq!(running, 0, "an idle sequencer ends");
    let (status, body) = http
        .call(
            Some(&bidder),
            "POST",
            &format!("/api/v1/auctions/{id}/bids"),
            Some(json!({"max_fen": 2_000_000, "idempotency_key": "after-idle"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["state"]["current_fen"], 1_000_000, "{body}");
    assert_eq!(body["state"]["bid_count"], 1, "{body}");
    assert_eq!(app.services.auctions().running_sequencers(), 1);
}

/// A request for the live stream from `client` (an IP address), served in-process.
fn stream_request(id: &str, client: &str) -> http::Request<axum::body::Body> {
    let mut request = http::Request::get(format!("/api/v1/auctions/{id}/events"))
        .body(axum::body::Body::empty())
        .unwrap();
    let addr: std::net::SocketAddr = format!("{client}:40000").parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    request
}

async fn open_stream(app: &TestApp, id: &str, client: &str) -> axum::response::Response {
    tower::ServiceExt::oneshot(app.api.clone(), stream_request(id, client))
        .await
        .unwrap()
}

async fn json_body(response: axum::response::Response) -> serde_json::Value {
    use http_body_util::BodyExt;
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn live_streams_are_capped_per_client_and_in_total() {
    let app = TestApp::with_options(|options| options.streams_total = Some(10)).await;
    let marketer = app.login(Role::Marketer).await;
    let code = app.saved_code().await;
    let now = now_ms();
    let (status, created) = app
        .call_as(
            &marketer,
            "POST",
            "/api/v1/auctions",
            Some(auction_input(&code, now, now + 3_600_000, 0)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    // One client: eight streams, then 429.
    let mut streams = Vec::new();
    for _ in 0..8 {
        let response = open_stream(&app, &id, "198.51.100.7").await;
        assert_eq!(response.status(), 200);
        streams.push(response);
    }
    let refused = open_stream(&app, &id, "198.51.100.7").await;
    assert_eq!(refused.status(), 429);
    let body = json_body(refused).await;
    assert_eq!(body["error"], "too_many_streams", "{body}");
    assert_eq!(body["limit"], 8, "{body}");
    assert_eq!(app.services.auctions().live_streams(), (8, 1));

    // Another client still gets in, up to the process's total; then 503 with Retry-After.
    for _ in 0..2 {
        let response = open_stream(&app, &id, "203.0.113.9").await;
        assert_eq!(response.status(), 200);
        streams.push(response);
    }
    let refused = open_stream(&app, &id, "203.0.113.9").await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(json_body(refused).await["error"], "busy");

    // A closed stream gives its place back; when all are closed, nothing is left.
    streams.remove(0);
    let mut reopened = None;
    for _ in 0..100 {
        let response = open_stream(&app, &id, "198.51.100.7").await;
        if response.status() == 200 {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "a closed stream frees its place");
    drop(reopened);
    drop(streams);
    let mut left = app.services.auctions().live_streams();
    for _ in 0..100 {
        if left == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = app.services.auctions().live_streams();
    }
    assert_eq!(left, (0, 0), "no stream and no hub left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_backlog_is_not_replayed_and_a_short_one_is_read_in_pages() {
    let (app, http, marketer, code) = setup().await;
    let id = open_auction(&http, &marketer, &code, 3_600_000, 0).await;
    // A long log (written directly: only the stream reads it in this test).
    const HEAD: i64 = 650;
    let mut tx = app.services.db().begin().await.unwrap();
    for seq in 1..=HEAD {
        sqlx::query(
            "INSERT INTO auction_log (auction_id, seq, at, command, feed) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(seq)
        .bind(now_ms())
        .bind(r#"{"op":"tick"}"#)
        .bind(format!(r#"{{"seq":{seq},"bids":[],"notices":[]}}"#))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE auctions SET version = $1 WHERE id = $2")
        .bind(HEAD)
        .bind(&id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The whole log, or a watcher more than 500 entries behind: the snapshot, no replay.
    for after in [-1, 0, HEAD - services::auctions::MAX_BACKLOG - 1] {
        let watcher = Watcher::connect(&http, &id, Some(after)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(watcher.snapshots.lock().unwrap()[0]["version"], HEAD);
        assert!(
            watcher.seqs().is_empty(),
            "after {after}: {} entries replayed",
            watcher.seqs().len()
        );
        watcher.stop();
    }
    // Up to 500 behind: what was missed, in order, across pages.
    for after in [HEAD - services::auctions::MAX_BACKLOG, 400, HEAD - 1] {
        let watcher = Watcher::connect(&http, &id, Some(after)).await;
        // Wait for the entries themselves: `wait_for` is satisfied by the snapshot's version,
        // which arrives before the backlog.
        assert!(
            watcher
                .wait_for_entries(HEAD, Duration::from_secs(10))
                .await
        );
        assert_eq!(watcher.seqs(), (after + 1..=HEAD).collect::<Vec<_>>());
        watcher.stop();
    }
}

/// A deterministic generator for the random auction histories (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// How an auction's sale ends in a random history.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// The winner confirms and pays.
    WinnerPays,
    /// The winner never confirms; the runner-up takes the second chance and pays.
    RunnerUpPays,
    /// The winner never confirms; the runner-up declines the second chance.
    RunnerUpDeclines,
}

/// One random auction: 2 or 3 bidders with random deposits (a registration and maybe a top-up,
/// up to the 10,000 CNY the highest tier asks), a random run of bids, and one of the endings.
/// Once every refund settled, each bidder's statement must net what they owe: the buyer the
/// price, a bidder who defaulted their whole deposit, everyone else nothing.
async fn auction_history(seed: u64, ending: Ending) {
    let mut rng = Rng(seed | 1);
    let (app, http, marketer, code) = setup().await;
    let now = now_ms();
    let mut input = auction_input(&code, now, now + 4_000, 0);
    input["starting_price_fen"] = json!(90_000);
    let id = create(&http, &marketer, input).await;
    if !matches!(ending, Ending::WinnerPays) {
        // The winner's confirmation deadline: half a second (set before the first command).
        sqlx::query("UPDATE auctions SET rules = REPLACE(rules, '\"confirm_within_ms\":86400000', '\"confirm_within_ms\":500') WHERE id = $1")
            .bind(&id)
            .execute(app.services.db())
            .await
            .unwrap();
    }
    let n = 2 + rng.below(2) as usize;
    let bidders = app.consumers(n, &format!("hist{seed}")).await;
    let mut deposits = vec![0; n];
    for (i, token) in bidders.iter().enumerate() {
        let first = 10_000 + rng.below(50) as i64 * 10_000;
        deposits[i] = first;
        deposit(&http, token, &id, first, first).await;
        if rng.below(2) == 0 {
            let top_up = (1 + rng.below(40) as i64 * 1_234).min(1_000_000 - first);
            if top_up > 0 {
                deposits[i] += top_up;
                deposit(&http, token, &id, top_up, deposits[i]).await;
            }
        }
    }
    // Bids: each a random bidder other than the leader, at the minimum or a few steps above.
    let mut price = 0;
    let mut leader = usize::MAX;
    let mut highest = vec![0i64; n];
    for _ in 0..(2 + rng.below(4)) {
        let mut who = rng.below(n as u64) as usize;
        if who == leader {
            who = (who + 1) % n;
        }
        let amount = if price == 0 {
            90_000
        } else {
            price + 10_000 * (1 + rng.below(3) as i64)
        };
        let (status, body) = bid(&http, &bidders[who], &id, amount).await;
        assert_eq!(status, 201, "seed {seed}: {body}");
        (price, leader) = (amount, who);
        highest[who] = amount;
    }
    let runner_up = (0..n)
        .filter(|i| *i != leader && highest[*i] > 0)
        .max_by_key(|i| highest[*i]);
    let mut owed = vec![0i64; n];
    match (ending, runner_up) {
        (Ending::WinnerPays, _) | (_, None) => {
            let view = wait_for_phase(&http, &id, "awaiting_confirmation").await;
            if matches!(ending, Ending::WinnerPays) {
                let path = format!("/api/v1/auctions/{id}/confirm");
                let (status, body) = http.call(Some(&bidders[leader]), "POST", &path, None).await;
                assert_eq!(status, 200, "seed {seed}: {body}");
                let (status, body) = pay(&http, &bidders[leader], &id, "pay-history").await;
                assert_eq!(status, 201, "seed {seed}: {body}");
                wait_for_phase(&http, &id, "paid").await;
                owed[leader] = price;
            } else {
                // Nobody else bid: the default leaves the marketer nobody to offer it to.
                let _ = view;
                wait_for_phase(&http, &id, "awaiting_decision").await;
                owed[leader] = deposits[leader];
            }
        }
        (_, Some(second)) => {
            wait_for_phase(&http, &id, "awaiting_decision").await;
            owed[leader] = deposits[leader];
            let path = format!("/api/v1/auctions/{id}/second-chance");
            let (status, body) = http.call(Some(&marketer), "POST", &path, None).await;
            assert_eq!(status, 200, "seed {seed}: {body}");
            if matches!(ending, Ending::RunnerUpPays) {
                let path = format!("/api/v1/auctions/{id}/accept");
                let (status, body) = http.call(Some(&bidders[second]), "POST", &path, None).await;
                assert_eq!(status, 200, "seed {seed}: {body}");
                let (status, body) = pay(&http, &bidders[second], &id, "pay-second").await;
                assert_eq!(status, 201, "seed {seed}: {body}");
                wait_for_phase(&http, &id, "paid").await;
                owed[second] = highest[second];
            } else {
                let path = format!("/api/v1/auctions/{id}/decline");
                let (status, body) = http.call(Some(&bidders[second]), "POST", &path, None).await;
                assert_eq!(status, 200, "seed {seed}: {body}");
            }
        }
    }
    // Wait for every charge and refund to settle, then compare each person's statement.
    for _ in 0..200 {
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM auction_payments
              WHERE auction_id = $1 AND (status = 'pending' OR refund_status = 'pending')",
        )
        .bind(&id)
        .fetch_one(app.services.db())
        .await
        .unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (i, token) in bidders.iter().enumerate() {
        let (_, statement) = http
            .call(Some(token), "GET", "/api/v1/me/payments", None)
            .await;
        assert_eq!(
            statement["net_fen"].as_i64(),
            Some(owed[i]),
            "seed {seed}, {ending:?}, bidder {i} of {n} (leader {leader}, price {price}, \
             deposits {deposits:?}): {statement}"
        );
    }
    app.assert_books_balance().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_auction_histories_add_up_to_the_fen_for_every_bidder() {
    let base = match std::env::var("C2M_MONEY_SEED") {
        Ok(seed) => seed.parse().expect("C2M_MONEY_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    };
    for (i, ending) in [
        Ending::WinnerPays,
        Ending::RunnerUpPays,
        Ending::RunnerUpDeclines,
    ]
    .into_iter()
    .enumerate()
    {
        let seed = base.wrapping_add(i as u64 * 7919);
        eprintln!("auction history seed {seed}: {ending:?}");
        auction_history(seed, ending).await;
    }
}

/// The deposit that counts for `token` in the auction, as the auction's view says.
async fn deposit_of(http: &Http, token: &str, id: &str) -> i64 {
    let (_, view) = http
        .call(Some(token), "GET", &format!("/api/v1/auctions/{id}"), None)
        .await;
    view["you"]["deposit_fen"].as_i64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_deposit_never_counts_and_its_late_confirmation_is_refunded() {
    // Charges expire after 0.3 s; the provider answers after 1.5 s.
    let app = TestApp::with_options(|o| {
        o.payment_deadline = Some(Duration::from_millis(300));
        o.sandbox.delay = Duration::from_millis(1500);
    })
    .await;
    let http = Http::serve(&app).await;
    let marketer = app.login(Role::Marketer).await;
    let code = app.saved_code().await;
    let id = open_auction(&http, &marketer, &code, 3_600_000, 0).await;
    let bidder = app.consumers(1, "expiring").await.remove(0);
    let (status, body) = http
        .call(
            Some(&bidder),
            "POST",
            &format!("/api/v1/auctions/{id}/register"),
            Some(
                json!({"amount_fen": 10_000, "idempotency_key": uuid::Uuid::new_v4().to_string()}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Expired before the provider answered: the deposit does not count, a bid is refused.
    let statement = app
        .statement_when(&bidder, |s| s["entries"][0]["status"] == "expired")
        .await;
    assert_eq!(statement["entries"][0]["status"], "expired", "{statement}");
    assert_eq!(deposit_of(&http, &bidder, &id).await, 0);
    let (status, refused) = bid(&http, &bidder, &id, 1_000_000).await;
    assert_eq!(status, 409, "{refused}");
    // The confirmation arrives late: recorded once and refunded in full.
    let statement = app
        .statement_when(&bidder, |s| s["refunded_fen"] == 10_000)
        .await;
    assert_eq!(
        (
            &statement["charged_fen"],
            &statement["refunded_fen"],
            &statement["net_fen"]
        ),
        (&json!(10_000), &json!(10_000), &json!(0)),
        "{statement}"
    );
    assert!(
        statement["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["auction_id"] == id.as_str()),
        "{statement}"
    );
    assert_eq!(deposit_of(&http, &bidder, &id).await, 0);
    app.assert_books_balance().await;
}
