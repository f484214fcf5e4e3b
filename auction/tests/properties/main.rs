//! Property tests: random rules and random sequences of registrations, top-ups, bids and
//! proxy maxima at random (mostly increasing) server times.
//!
//! Properties: the price only rises (a `ProxyMatch` keeps it equal); every accepted bid
//! satisfied every rule when it was accepted; anti-sniping extensions are exactly
//! `end = max(end, t + N)` per accepted bid, with one `EndExtended` event per change; the
//! engine matches a naive reference model (result codes, history, end) after every request;
//! after every request no proxy could still act; deposits are released at the close; state
//! round-trips through JSON. Then a random settlement (confirmations, payments of the right
//! and wrong amounts, late ticks, defaults, second-chance offers, declines, abandons): every
//! sale charges exactly the price less the deposit applied, and every bidder's deposit is
//! accounted for to the fen (released + applied + forfeited == deposited once it is settled).

mod reference;

use auction::{
    AcceptedBid, Auction, AuctionRules, BidKind, DepositStatus, Event, Money, Phase, RulesSpec,
    SettlementError, Tier,
};
use proptest::prelude::*;
use reference::{RefBid, Reference};
use std::collections::BTreeMap;

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

/// A settlement step; `who: None` means the bidder the current phase concerns.
#[derive(Clone, Debug)]
enum Step {
    Tick,
    Confirm {
        who: Option<usize>,
    },
    /// Pays what is due, or `off` fen more or less.
    Pay {
        who: Option<usize>,
        off: i64,
    },
    Offer,
    Accept {
        who: Option<usize>,
    },
    Decline {
        who: Option<usize>,
    },
    Abandon,
}

fn step_strategy() -> impl Strategy<Value = (i64, Step)> {
    let who = prop_oneof![4 => Just(None), 1 => (0usize..5).prop_map(Some)];
    let dt = prop_oneof![6 => 0i64..=400, 1 => 900i64..=1_200];
    let step = prop_oneof![
        1 => Just(Step::Tick),
        3 => who.clone().prop_map(|who| Step::Confirm { who }),
        3 => (who.clone(), prop_oneof![4 => Just(0i64), 1 => -2i64..=2])
            .prop_map(|(who, off)| Step::Pay { who, off }),
        2 => Just(Step::Offer),
        2 => who.clone().prop_map(|who| Step::Accept { who }),
        1 => who.prop_map(|who| Step::Decline { who }),
        1 => Just(Step::Abandon),
    ];
    (dt, step)
}

/// The bidder the phase concerns (winner, buyer or offeree).
fn concerned(a: &Auction) -> Option<String> {
    match a.phase() {
        Phase::AwaitingConfirmation { bidder, .. }
        | Phase::AwaitingPayment { bidder, .. }
        | Phase::SecondChanceOffered { bidder, .. } => Some(bidder.clone()),
        _ => None,
    }
}

/// Per bidder: (released, applied, forfeited) by the events, and the charges of every sale.
#[derive(Default)]
struct Books {
    settled: BTreeMap<String, (i64, i64, i64)>,
    sales: Vec<(String, i64)>,
}

impl Books {
    fn record(&mut self, events: &[Event]) -> Result<(), TestCaseError> {
        for e in events {
            match e {
                Event::DepositReleased { bidder, amount } => {
                    self.settled.entry(bidder.clone()).or_default().0 += amount.get();
                }
                Event::DepositForfeited { bidder, amount } => {
                    self.settled.entry(bidder.clone()).or_default().2 += amount.get();
                }
                Event::Paid {
                    bidder,
                    amount,
                    deposit_applied,
                    deposit_released,
                    charged,
                } => {
                    // The buyer pays the price and no more: deposit applied + charged == price.
                    prop_assert_eq!(deposit_applied.get() + charged.get(), amount.get());
                    prop_assert!(*charged >= Money::ZERO && *deposit_released >= Money::ZERO);
                    prop_assert!(*deposit_applied >= Money::ZERO);
                    // Deposit is only released when nothing is charged.
                    prop_assert!(*deposit_released == Money::ZERO || *charged == Money::ZERO);
                    let entry = self.settled.entry(bidder.clone()).or_default();
                    entry.0 += deposit_released.get();
                    entry.1 += deposit_applied.get();
                    self.sales.push((bidder.clone(), charged.get()));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Plays the settlement steps after the close and checks the books after each one.
fn settle(mut a: Auction, close: Vec<Event>, steps: Vec<(i64, Step)>) -> Result<(), TestCaseError> {
    let mut books = Books::default();
    books.record(&close)?;
    let mut now = a.ends_at();
    let pick = |a: &Auction, who: Option<usize>| match who {
        Some(i) => BIDDERS[i].to_string(),
        None => concerned(a).unwrap_or_else(|| BIDDERS[0].to_string()),
    };
    for (dt, step) in steps {
        now += dt;
        let before = a.clone();
        let result: Result<Vec<Event>, SettlementError> = match step {
            Step::Tick => Ok(a.tick(now)),
            Step::Confirm { who } => a.confirm(&pick(&a, who), now),
            Step::Pay { who, off } => {
                let who = pick(&a, who);
                let due = a.payment_due(&who);
                let charged = due
                    .as_ref()
                    .map_or(Money::ZERO, |s| s.charged)
                    .plus(Money(off));
                let paid = a.pay(&who, charged, now);
                if paid.is_ok() {
                    // Only exactly the amount due is taken, by the buyer, in time.
                    let due = due
                        .clone()
                        .expect("a payment is only taken when one is due");
                    prop_assert_eq!(off, 0);
                    prop_assert_eq!(charged, due.charged);
                    let held = before
                        .deposit(&who)
                        .filter(|d| d.status == DepositStatus::Held);
                    let held = held.map_or(0, |d| d.amount.get());
                    prop_assert_eq!(due.deposit_applied.get() + due.deposit_released.get(), held);
                } else if off != 0 && due.is_ok() {
                    let refused = matches!(
                        paid,
                        Err(SettlementError::WrongAmount { .. }
                            | SettlementError::DeadlinePassed { .. })
                    );
                    prop_assert!(refused, "a wrong amount was not refused: {:?}", paid);
                }
                paid
            }
            Step::Offer => a.offer_second_chance(now),
            Step::Accept { who } => a.accept_offer(&pick(&a, who), now),
            Step::Decline { who } => a.decline_offer(&pick(&a, who), now),
            Step::Abandon => a.abandon(),
        };
        match result {
            Ok(events) => books.record(&events)?,
            // A refused step changes nothing.
            Err(_) => prop_assert_eq!(&a, &before),
        }
        check_books(&a, &books)?;
    }
    let json = serde_json::to_string(&a).unwrap();
    prop_assert_eq!(&serde_json::from_str::<Auction>(&json).unwrap(), &a);
    Ok(())
}

/// Every deposit is accounted for: a held one not at all yet, a settled one exactly
/// (released + applied + forfeited == deposited); at most one sale, at most its price.
fn check_books(a: &Auction, books: &Books) -> Result<(), TestCaseError> {
    for who in &BIDDERS[..4] {
        let deposit = a.deposit(who).expect("registered");
        let (released, applied, forfeited) = books.settled.get(*who).copied().unwrap_or_default();
        let settled = released + applied + forfeited;
        if deposit.status == DepositStatus::Held {
            prop_assert_eq!(settled, 0, "{} holds a deposit yet some was settled", who);
        } else {
            prop_assert_eq!(settled, deposit.amount.get(), "{}'s deposit", who);
        }
        if deposit.status != DepositStatus::Applied {
            prop_assert_eq!(applied, 0);
        }
    }
    prop_assert!(books.sales.len() <= 1);
    if let Phase::Paid { bidder, amount } = a.phase() {
        let (buyer, charged) = &books.sales[0];
        prop_assert_eq!(buyer, bidder);
        let applied = books.settled.get(bidder).map_or(0, |s| s.1);
        prop_assert_eq!(applied + charged, amount.get());
    } else {
        prop_assert!(books.sales.is_empty());
    }
    Ok(())
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

fn run(
    spec: RulesSpec,
    deposits: Vec<i64>,
    ops: Vec<(i64, Op)>,
    steps: Vec<(i64, Step)>,
) -> Result<(), TestCaseError> {
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
    let close = a.tick(a.ends_at());
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
    settle(a, close, steps)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn engine_obeys_the_rules_and_matches_the_reference(
        spec in spec_strategy(),
        deposits in prop::collection::vec(0i64..=600, 4),
        ops in prop::collection::vec(op_strategy(), 1..80),
        steps in prop::collection::vec(step_strategy(), 0..24),
    ) {
        run(spec, deposits, ops, steps)?;
    }

    /// The same with deposits that often exceed the price, so sales that release part of the
    /// buyer's deposit are common.
    #[test]
    fn settlement_is_correct_to_the_fen(
        spec in spec_strategy(),
        deposits in prop::collection::vec(prop_oneof![0i64..=600, 600i64..=4_000], 4),
        ops in prop::collection::vec(op_strategy(), 1..40),
        steps in prop::collection::vec(step_strategy(), 4..24),
    ) {
        run(spec, deposits, ops, steps)?;
    }
}
