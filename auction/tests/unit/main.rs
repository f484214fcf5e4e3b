//! Readable unit tests, one per rule.

mod bidding;
mod proxy;
mod rules;
mod settlement;

use auction::{Auction, AuctionRules, Money, RulesSpec, Tier};

/// Start 1_000, end 100_000, anti-sniping 10_000; price 1_000; increment 100 below 2_000 and
/// 200 from 2_000; max raise 1_000; deposit 100 below 2_000, 500 from 2_000.
pub fn spec() -> RulesSpec {
    RulesSpec {
        starting_price: Money(1_000),
        increments: vec![Tier::new(0, 100), Tier::new(2_000, 200)],
        max_raise: Money(1_000),
        deposits: vec![Tier::new(0, 100), Tier::new(2_000, 500)],
        starts_at: 1_000,
        ends_at: 100_000,
        anti_sniping_ms: 10_000,
        reserve: None,
        confirm_within_ms: 5_000,
        pay_within_ms: 7_000,
        offer_within_ms: 3_000,
    }
}

pub fn auction_with(spec: RulesSpec) -> Auction {
    let mut a = Auction::new(AuctionRules::new(spec).expect("valid rules"));
    for who in ["ann", "bob", "cat"] {
        a.register(who, Money(100), 0).expect("register");
    }
    a
}

pub fn auction() -> Auction {
    auction_with(spec())
}

/// (bidder, amount, kind) of the whole history, for compact assertions.
pub fn trail(a: &Auction) -> Vec<(String, i64, auction::BidKind)> {
    a.history()
        .iter()
        .map(|b| (b.bidder.clone(), b.amount.get(), b.kind))
        .collect()
}
