//! Property tests: random rules and random sequences of registrations, top-ups, bids and
//! proxy maxima at random (mostly increasing) server times.
//!
//! Properties: the price only rises (a `ProxyMatch` keeps it equal); every accepted bid
//! satisfied every rule when it was accepted; anti-sniping extensions are exactly
//! `end = max(end, t + N)` per accepted bid, with one `EndExtended` event per change; the
//! engine matches a naive reference model (result codes, history, end) after every request;
//! after every request no proxy could still act; deposits are released at the close; state
//! round-trips through JSON.

mod reference;

use auction::{
    AcceptedBid, Auction, AuctionRules, BidKind, DepositStatus, Event, Money, RulesSpec, Tier,
};
use proptest::prelude::*;
use reference::{RefBid, Reference};

const BIDDERS: [&str; 5] = ["b0", "b1", "b2", "b3", "b4"]; // b4 never registers

#[derive(Clone, Debug)]
enum Op {
    Bid {
        who: usize,
        delta: i64,
    },
    /// An amount from the same small pool as `ProxyPooled`, so bids hit proxy maxima exactly.
    BidPooled {
        who: usize,
        k: i64,
    },
    Proxy {
        who: usize,
        delta: i64,
    },
    /// A maximum from a small shared pool, so equal maxima are common.
    ProxyPooled {
        who: usize,
        k: i64,
    },
    TopUp {
        who: usize,
        amount: i64,
    },
}

fn tiers(first: i64, rest: Vec<(i64, i64)>, cumulative: bool) -> Vec<Tier> {
    let mut out = vec![Tier::new(0, first)];
    for (gap, v) in rest {
        let last = *out.last().unwrap();
        let value = if cumulative { last.value.get() + v } else { v };
        out.push(Tier::new(last.from.get() + gap, value));
    }
    out
}

fn spec_strategy() -> impl Strategy<Value = RulesSpec> {
    (
        (
            1i64..=50,
            1i64..=50,
            prop::collection::vec((1i64..=300, 1i64..=50), 0..3),
        ),
        0i64..=150,
        (
            0i64..=100,
            prop::collection::vec((1i64..=400, 0i64..=100), 0..3),
        ),
        (1i64..=5_000, 0i64..=2_000),
        prop::option::of(0i64..=600),
    )
        .prop_map(
            |((start, inc0, incs), extra_raise, (dep0, deps), (len, window), reserve)| {
                let increments = tiers(inc0, incs, false);
                let max_inc = increments.iter().map(|t| t.value.get()).max().unwrap();
                let starting_price = start * 10;
                RulesSpec {
                    starting_price: Money(starting_price),
                    increments,
                    max_raise: Money(max_inc + extra_raise),
                    deposits: tiers(dep0, deps, true),
                    starts_at: 1_000,
                    ends_at: 1_000 + len,
                    anti_sniping_ms: window,
                    reserve: reserve.map(|r| Money(starting_price + r)),
                    confirm_within_ms: 1_000,
                    pay_within_ms: 1_000,
                    offer_within_ms: 1_000,
                }
            },
        )
}

fn op_strategy() -> impl Strategy<Value = (i64, Op)> {
    let dt = prop_oneof![8 => 0i64..=200, 1 => Just(0i64), 1 => -20i64..0];
    let op = prop_oneof![
        3 => (0usize..5, -30i64..=400).prop_map(|(who, delta)| Op::Bid { who, delta }),
        2 => (0usize..5, 0i64..=12).prop_map(|(who, k)| Op::BidPooled { who, k }),
        2 => (0usize..5, -30i64..=1_500).prop_map(|(who, delta)| Op::Proxy { who, delta }),
        2 => (0usize..5, 0i64..=12).prop_map(|(who, k)| Op::ProxyPooled { who, k }),
        1 => (0usize..5, 1i64..=200).prop_map(|(who, amount)| Op::TopUp { who, amount }),
    ];
    (dt, op)
}

fn as_ref_bid(b: &AcceptedBid) -> RefBid {
    RefBid {
        bidder: b.bidder.clone(),
        amount: b.amount.get(),
        at: b.at,
        kind: b.kind,
    }
}

/// Did `bid` satisfy every rule, given the state just before it?
fn check_rules(
    a: &Auction,
    prev: Option<&AcceptedBid>,
    end_before: i64,
    bid: &AcceptedBid,
) -> Result<(), String> {
    let rules = a.rules();
    let s = rules.spec();
    let fail = |what: &str| Err(format!("bid {bid:?} after {prev:?}: {what}"));
    if bid.at < s.starts_at || bid.at >= end_before {
        return fail("outside the bidding time");
    }
    if bid.seq != prev.map_or(1, |p| p.seq + 1) {
        return fail("seq not consecutive");
    }
    if prev.is_some_and(|p| bid.at < p.at) {
        return fail("time went back");
    }
    if prev.is_some_and(|p| p.bidder == bid.bidder) {
        return fail("leader outbid themself");
    }
    let Some(dep) = a.deposit(&bid.bidder) else {
        return fail("not registered");
    };
    if dep.amount < rules.deposit_for(bid.amount) {
        return fail("deposit does not cover it");
    }
    let minimum = prev.map_or(s.starting_price, |p| {
        p.amount.plus(rules.increment_at(p.amount))
    });
    let maximum = prev
        .map_or(s.starting_price, |p| p.amount)
        .plus(s.max_raise);
    match bid.kind {
        BidKind::Manual => {
            if bid.amount < minimum || bid.amount > maximum {
                return fail("amount outside [minimum, maximum]");
            }
        }
        BidKind::Proxy => {
            if bid.amount != minimum || bid.amount > maximum {
                return fail("automatic bid is not exactly one increment");
            }
            if a.proxy_max(&bid.bidder).is_none_or(|m| m < bid.amount) {
                return fail("automatic bid above the proxy maximum");
            }
        }
        BidKind::ProxyMatch => {
            if prev.map(|p| p.amount) != Some(bid.amount) {
                return fail("match not at the current price");
            }
            if a.proxy_max(&bid.bidder).is_none_or(|m| m < bid.amount) {
                return fail("match above the proxy maximum");
            }
        }
    }
    Ok(())
}

fn run(spec: RulesSpec, deposits: Vec<i64>, ops: Vec<(i64, Op)>) -> Result<(), TestCaseError> {
    let rules = AuctionRules::new(spec.clone()).expect("strategy makes valid rules");
    let window = spec.anti_sniping_ms;
    let mut a = Auction::new(rules);
    let mut r = Reference::new(spec);
    for (who, dep) in BIDDERS.iter().zip(&deposits).take(4) {
        a.register(who, Money(*dep), 0).unwrap();
        r.register(who, *dep);
    }
    let mut now = 800;
    for (dt, op) in ops {
        now += dt;
        let before_len = a.history().len();
        let end_before = a.ends_at();
        let price_before = a.current_price();
        let starting = a.rules().spec().starting_price;
        let base = price_before.unwrap_or(starting);
        let (got, want) = match op {
            Op::TopUp { who, amount } => {
                let who = BIDDERS[who];
                if a.top_up(who, Money(amount), now).is_ok() {
                    r.top_up(who, amount);
                }
                continue;
            }
            Op::Bid { who, delta } => {
                let amount = base.plus(Money(delta));
                (
                    a.bid(BIDDERS[who], amount, now),
                    r.bid(BIDDERS[who], amount.get(), now),
                )
            }
            Op::BidPooled { who, k } => {
                let amount = starting.plus(Money(k * 30));
                (
                    a.bid(BIDDERS[who], amount, now),
                    r.bid(BIDDERS[who], amount.get(), now),
                )
            }
            Op::Proxy { who, delta } => {
                let max = base.plus(Money(delta));
                (
                    a.set_proxy(BIDDERS[who], max, now),
                    r.set_proxy(BIDDERS[who], max.get(), now),
                )
            }
            Op::ProxyPooled { who, k } => {
                let max = starting.plus(Money(k * 30));
                (
                    a.set_proxy(BIDDERS[who], max, now),
                    r.set_proxy(BIDDERS[who], max.get(), now),
                )
            }
        };
        // Same decision as the reference, same resulting state.
        prop_assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.code()), want);
        let history: Vec<RefBid> = a.history().iter().map(as_ref_bid).collect();
        prop_assert_eq!(&history, &r.history);
        prop_assert_eq!(a.ends_at(), r.end);

        let new = &a.history()[before_len..];
        match got {
            Err(_) => {
                prop_assert!(new.is_empty());
                prop_assert_eq!(a.ends_at(), end_before);
            }
            Ok(outcome) => {
                // The outcome reports exactly the new bids, in order.
                let reported: Vec<&AcceptedBid> = outcome.accepted().collect();
                prop_assert_eq!(reported, new.iter().collect::<Vec<_>>());
                // Every accepted bid satisfied every rule at the time; extensions are exact.
                let mut end = end_before;
                let mut expected_ext = Vec::new();
                for (i, bid) in new.iter().enumerate() {
                    let prev = (before_len + i).checked_sub(1).map(|j| &a.history()[j]);
                    check_rules(&a, prev, end, bid).map_err(TestCaseError::fail)?;
                    let next_end = end.max(bid.at + window);
                    if next_end != end {
                        expected_ext.push((end, next_end));
                    }
                    end = next_end;
                }
                prop_assert_eq!(a.ends_at(), end);
                let ext: Vec<(i64, i64)> = outcome
                    .events
                    .iter()
                    .filter_map(|e| match e {
                        Event::EndExtended { from, to } => Some((*from, *to)),
                        _ => None,
                    })
                    .collect();
                prop_assert_eq!(ext, expected_ext);
            }
        }
        // The price only rises.
        prop_assert!(a.current_price() >= price_before);
        // Resolution is complete: no non-leading proxy could still raise.
        for who in BIDDERS {
            if Some(who) != a.leader() {
                if let Some(max) = a.proxy_max(who) {
                    prop_assert!(max < a.minimum_bid(), "{} could still bid", who);
                }
            }
        }
    }
    // Over the whole history: strictly rising except matches, which keep the price.
    for w in a.history().windows(2) {
        if w[1].kind == BidKind::ProxyMatch {
            prop_assert_eq!(w[1].amount, w[0].amount);
        } else {
            prop_assert!(w[1].amount > w[0].amount);
        }
    }
    // Snapshots round-trip.
    let json = serde_json::to_string(&a).unwrap();
    prop_assert_eq!(&serde_json::from_str::<Auction>(&json).unwrap(), &a);
    // Closing releases every deposit except a selling winner's.
    a.tick(a.ends_at());
    let winner = if a.reserve_met() {
        a.leader().map(str::to_owned)
    } else {
        None
    };
    for who in &BIDDERS[..4] {
        let status = a.deposit(who).unwrap().status;
        let expected = if Some(*who) == winner.as_deref() {
            DepositStatus::Held
        } else {
            DepositStatus::Released
        };
        prop_assert_eq!(status, expected);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn engine_obeys_the_rules_and_matches_the_reference(
        spec in spec_strategy(),
        deposits in prop::collection::vec(0i64..=600, 4),
        ops in prop::collection::vec(op_strategy(), 1..80),
    ) {
        run(spec, deposits, ops)?;
    }
}
