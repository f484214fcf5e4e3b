use crate::{auction, spec, trail};
use auction::{Auction, AuctionRules, BidError, BidKind, Event, Money, RegisterError};

#[test]
fn first_bid_may_equal_the_starting_price() {
    let mut a = auction();
    let out = a.bid("ann", Money(1_000), 2_000).unwrap();
    assert_eq!(out.accepted().count(), 1);
    assert_eq!(a.current_price(), Some(Money(1_000)));
    assert_eq!(a.leader(), Some("ann"));
}

#[test]
fn first_bid_below_the_starting_price_is_refused() {
    let mut a = auction();
    let err = a.bid("ann", Money(999), 2_000).unwrap_err();
    assert_eq!(
        err,
        BidError::BelowMinimum {
            minimum: Money(1_000)
        }
    );
    assert_eq!(err.code(), "below_minimum");
    assert!(a.history().is_empty());
}

#[test]
fn later_bids_need_current_price_plus_increment() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    assert_eq!(
        a.bid("bob", Money(1_099), 2_001).unwrap_err().code(),
        "below_minimum"
    );
    a.bid("bob", Money(1_100), 2_002).unwrap();
}

#[test]
fn increment_follows_the_tier_of_the_current_price() {
    let mut a = auction();
    a.top_up("ann", Money(400), 0).unwrap();
    a.bid("ann", Money(2_000), 2_000).unwrap();
    assert_eq!(a.minimum_bid(), Money(2_200));
    assert_eq!(
        a.bid("bob", Money(2_100), 2_001),
        Err(BidError::BelowMinimum {
            minimum: Money(2_200)
        })
    );
}

#[test]
fn a_bid_may_not_raise_more_than_the_max_raise() {
    let mut a = auction();
    assert_eq!(
        a.bid("ann", Money(2_001), 2_000),
        Err(BidError::AboveMaxRaise {
            maximum: Money(2_000)
        })
    );
    a.bid("ann", Money(1_500), 2_000).unwrap();
    assert_eq!(
        a.bid("bob", Money(2_501), 2_001).unwrap_err().code(),
        "above_max_raise"
    );
}

#[test]
fn the_leader_cannot_outbid_themself() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    let err = a.bid("ann", Money(1_100), 2_001).unwrap_err();
    assert_eq!(err.code(), "already_leading");
}

#[test]
fn no_bid_before_the_start() {
    let mut a = auction();
    assert_eq!(
        a.bid("ann", Money(1_000), 999),
        Err(BidError::NotStarted { starts_at: 1_000 })
    );
    a.bid("ann", Money(1_000), 1_000).unwrap();
}

#[test]
fn no_bid_at_or_after_the_end() {
    let mut a = auction();
    assert_eq!(
        a.bid("ann", Money(1_000), 100_000).unwrap_err().code(),
        "ended"
    );
    a.bid("ann", Money(1_000), 99_999).unwrap();
}

#[test]
fn unregistered_bidders_cannot_bid() {
    let mut a = auction();
    assert_eq!(
        a.bid("dan", Money(1_000), 2_000),
        Err(BidError::NotRegistered)
    );
}

#[test]
fn a_bid_above_the_deposit_asks_for_a_top_up() {
    let mut a = auction();
    let err = a.bid("ann", Money(2_000), 2_000).unwrap_err();
    assert_eq!(
        err,
        BidError::DepositTooLow {
            required: Money(500),
            top_up: Money(400)
        }
    );
    assert_eq!(
        err.to_string(),
        "a deposit of ¥5.00 is needed for this amount: top up ¥4.00"
    );
    a.top_up("ann", Money(400), 2_000).unwrap();
    a.bid("ann", Money(2_000), 2_001).unwrap();
}

#[test]
fn server_time_may_not_go_back() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 5_000).unwrap();
    assert_eq!(
        a.bid("bob", Money(1_100), 4_999),
        Err(BidError::ClockWentBack {
            now: 4_999,
            last: 5_000
        })
    );
    a.bid("bob", Money(1_100), 5_000).unwrap();
}

#[test]
fn a_bid_in_the_last_window_moves_the_end_to_bid_time_plus_window() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 89_999).unwrap();
    assert_eq!(a.ends_at(), 100_000);
    let out = a.bid("bob", Money(1_100), 95_000).unwrap();
    assert_eq!(out.extended_to(), Some(105_000));
    assert!(out.events.contains(&Event::EndExtended {
        from: 100_000,
        to: 105_000
    }));
    // A bid after the original end but before the extended one is accepted.
    a.bid("cat", Money(1_200), 104_000).unwrap();
    assert_eq!(a.ends_at(), 114_000);
    assert_eq!(
        a.bid("ann", Money(1_300), 114_000).unwrap_err().code(),
        "ended"
    );
}

#[test]
fn a_bid_exactly_window_before_the_end_does_not_extend() {
    let mut a = auction();
    let out = a.bid("ann", Money(1_000), 90_000).unwrap();
    assert_eq!(out.extended_to(), None);
    assert_eq!(a.ends_at(), 100_000);
}

#[test]
fn outbid_notice_goes_to_the_previous_leader() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    let out = a.bid("bob", Money(1_100), 2_001).unwrap();
    assert!(out.events.contains(&Event::Outbid {
        bidder: "ann".into(),
        price: Money(1_100)
    }));
}

#[test]
fn history_keeps_every_bid_with_increasing_seq() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    a.bid("bob", Money(1_100), 2_001).unwrap();
    a.bid("ann", Money(1_300), 2_002).unwrap();
    let seqs: Vec<u64> = a.history().iter().map(|b| b.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(
        trail(&a),
        vec![
            ("ann".into(), 1_000, BidKind::Manual),
            ("bob".into(), 1_100, BidKind::Manual),
            ("ann".into(), 1_300, BidKind::Manual),
        ]
    );
}

#[test]
fn excluded_bidders_cannot_register_or_bid() {
    let rules = AuctionRules::new(spec()).unwrap();
    let mut a = Auction::with_excluded(rules, ["eve".to_string()].into_iter().collect());
    assert_eq!(
        a.register("eve", Money(100), 0),
        Err(RegisterError::Excluded)
    );
    assert_eq!(a.bid("eve", Money(1_000), 2_000), Err(BidError::Excluded));
}

#[test]
fn registration_rules() {
    let mut a = auction();
    assert_eq!(
        a.register("ann", Money(100), 0).unwrap_err().code(),
        "already_registered"
    );
    assert_eq!(
        a.top_up("dan", Money(100), 0).unwrap_err().code(),
        "not_registered"
    );
    assert_eq!(
        a.top_up("ann", Money(0), 0).unwrap_err().code(),
        "invalid_amount"
    );
    assert_eq!(
        a.register("dan", Money(-1), 0).unwrap_err().code(),
        "invalid_amount"
    );
    assert_eq!(
        a.register("dan", Money(100), 100_000).unwrap_err().code(),
        "ended"
    );
}

#[test]
fn refused_requests_change_nothing() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    let before = a.clone();
    let _ = a.bid("bob", Money(5_000), 2_001);
    let _ = a.set_proxy("bob", Money(500), 2_001);
    let _ = a.bid("ann", Money(1_100), 2_001);
    assert_eq!(a, before);
}

#[test]
fn state_round_trips_through_json() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.bid("bob", Money(1_100), 2_001).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    let back: Auction = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}
