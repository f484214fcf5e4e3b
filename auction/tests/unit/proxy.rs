use crate::{auction, trail};
use auction::{BidError, BidKind, Event, Money};
use BidKind::{Manual, Proxy, ProxyMatch};

fn t(who: &str, amount: i64, kind: BidKind) -> (String, i64, BidKind) {
    (who.to_string(), amount, kind)
}

#[test]
fn a_proxy_places_the_first_bid_at_the_starting_price() {
    let mut a = auction();
    let out = a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    assert!(matches!(out.events[0], Event::ProxySet { .. }));
    assert_eq!(trail(&a), vec![t("ann", 1_000, Proxy)]);
}

#[test]
fn a_proxy_answers_a_manual_bid_with_one_increment() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    let out = a.bid("bob", Money(1_200), 3_000).unwrap();
    assert_eq!(out.accepted().count(), 2);
    assert_eq!(a.leader(), Some("ann"));
    assert_eq!(a.current_price(), Some(Money(1_300)));
    assert_eq!(
        a.history()[2].at,
        3_000,
        "automatic bid carries the request time"
    );
}

#[test]
fn a_manual_bid_above_the_proxy_max_wins() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.bid("bob", Money(1_400), 3_000).unwrap();
    a.bid("bob", Money(1_600), 4_000).unwrap();
    assert_eq!(a.leader(), Some("bob"));
    assert_eq!(
        trail(&a),
        vec![
            t("ann", 1_000, Proxy),
            t("bob", 1_400, Manual),
            t("ann", 1_500, Proxy),
            t("bob", 1_600, Manual),
        ]
    );
}

#[test]
fn a_manual_bid_equal_to_an_earlier_proxy_max_loses_the_tie() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.bid("bob", Money(1_500), 3_000).unwrap();
    assert_eq!(
        trail(&a),
        vec![
            t("ann", 1_000, Proxy),
            t("bob", 1_500, Manual),
            t("ann", 1_500, ProxyMatch),
        ]
    );
}

#[test]
fn two_proxies_duel_and_the_higher_max_wins_one_step_above_the_other() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.set_proxy("bob", Money(1_800), 3_000).unwrap();
    assert_eq!(a.leader(), Some("bob"));
    assert_eq!(a.current_price(), Some(Money(1_600)));
    assert!(a.history().iter().skip(1).all(|b| b.at == 3_000));
}

#[test]
fn equal_maxima_the_earlier_proxy_wins_at_that_amount() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.set_proxy("bob", Money(1_500), 3_000).unwrap();
    assert_eq!(a.leader(), Some("ann"));
    assert_eq!(a.current_price(), Some(Money(1_500)));
    let last_two = &trail(&a)[a.history().len() - 2..];
    assert_eq!(
        last_two,
        &[t("bob", 1_500, Proxy), t("ann", 1_500, ProxyMatch)]
    );

    // Other parity: the earlier proxy reaches the shared maximum itself.
    let mut b = auction();
    b.set_proxy("ann", Money(1_400), 2_000).unwrap();
    b.set_proxy("bob", Money(1_400), 3_000).unwrap();
    assert_eq!(b.leader(), Some("ann"));
    assert_eq!(b.current_price(), Some(Money(1_400)));
}

#[test]
fn a_weaker_third_proxy_drops_out() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_300), 2_000).unwrap();
    a.set_proxy("bob", Money(1_900), 3_000).unwrap();
    a.set_proxy("cat", Money(1_600), 4_000).unwrap();
    assert_eq!(a.leader(), Some("bob"));
    assert_eq!(a.current_price(), Some(Money(1_600)));
}

#[test]
fn the_leader_may_raise_their_max_without_bidding() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    let out = a.set_proxy("ann", Money(1_500), 2_500).unwrap();
    assert_eq!(out.accepted().count(), 0);
    a.bid("bob", Money(1_100), 3_000).unwrap();
    assert_eq!(a.leader(), Some("ann"));
    assert_eq!(a.current_price(), Some(Money(1_200)));
}

#[test]
fn a_proxy_max_below_the_minimum_bid_is_refused() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    assert_eq!(
        a.set_proxy("bob", Money(1_050), 2_001),
        Err(BidError::ProxyBelowMinimum {
            minimum: Money(1_100)
        })
    );
}

#[test]
fn a_proxy_max_can_only_be_raised() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    assert_eq!(
        a.set_proxy("ann", Money(1_500), 2_001).unwrap_err().code(),
        "proxy_not_raised"
    );
}

#[test]
fn the_deposit_must_cover_the_proxy_max() {
    let mut a = auction();
    assert_eq!(
        a.set_proxy("ann", Money(2_500), 2_000),
        Err(BidError::DepositTooLow {
            required: Money(500),
            top_up: Money(400)
        })
    );
}

#[test]
fn automatic_bids_count_for_anti_sniping() {
    let mut a = auction();
    a.set_proxy("ann", Money(1_500), 2_000).unwrap();
    a.bid("bob", Money(1_100), 95_000).unwrap();
    assert_eq!(a.leader(), Some("ann"));
    assert_eq!(a.ends_at(), 105_000);
}
