use crate::{auction, auction_with, spec};
use auction::{
    AuctionRules, DepositStatus, Event, Money, Phase, PriceSplit, SettlementError, UnsoldReason,
};

/// ann 1_000, bob 1_100, cat 1_200, ann 1_300; closed at 100_000.
fn closed() -> auction::Auction {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    a.bid("bob", Money(1_100), 2_001).unwrap();
    a.bid("cat", Money(1_200), 2_002).unwrap();
    a.bid("ann", Money(1_300), 2_003).unwrap();
    a.tick(100_000);
    a
}

#[test]
fn tick_before_the_end_does_nothing() {
    let mut a = auction();
    assert!(a.tick(99_999).is_empty());
    assert_eq!(a.phase(), &Phase::Open);
}

#[test]
fn no_bids_ends_unsold_and_releases_deposits() {
    let mut a = auction();
    let ev = a.tick(100_000);
    assert_eq!(
        a.phase(),
        &Phase::Unsold {
            reason: UnsoldReason::NoBids
        }
    );
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::DepositReleased { .. }))
            .count(),
        3
    );
}

#[test]
fn reserve_not_met_ends_unsold() {
    let mut s = spec();
    s.reserve = Some(Money(1_500));
    let mut a = auction_with(s);
    a.bid("ann", Money(1_400), 2_000).unwrap();
    assert!(!a.reserve_met());
    a.tick(100_000);
    assert_eq!(
        a.phase(),
        &Phase::Unsold {
            reason: UnsoldReason::ReserveNotMet
        }
    );
    assert_eq!(a.deposit("ann").unwrap().status, DepositStatus::Released);
}

#[test]
fn close_releases_losers_deposits_and_asks_the_winner_to_confirm() {
    let a = closed();
    assert_eq!(
        a.phase(),
        &Phase::AwaitingConfirmation {
            bidder: "ann".into(),
            amount: Money(1_300),
            deadline: 105_000
        }
    );
    assert_eq!(a.deposit("ann").unwrap().status, DepositStatus::Held);
    assert_eq!(a.deposit("bob").unwrap().status, DepositStatus::Released);
    assert_eq!(a.deposit("cat").unwrap().status, DepositStatus::Released);
}

#[test]
fn no_bids_after_close() {
    let mut a = closed();
    assert_eq!(
        a.bid("bob", Money(1_400), 100_001).unwrap_err().code(),
        "ended"
    );
}

#[test]
fn confirm_then_pay_completes_the_sale() {
    let mut a = closed();
    assert_eq!(
        a.confirm("bob", 101_000),
        Err(SettlementError::NotTheBidder)
    );
    a.confirm("ann", 101_000).unwrap();
    assert_eq!(
        a.phase(),
        &Phase::AwaitingPayment {
            bidder: "ann".into(),
            amount: Money(1_300),
            deadline: 108_000
        }
    );
    // ann's deposit of 100 counts towards the price of 1_300: 1_200 is charged.
    assert_eq!(
        a.payment_due("ann").unwrap(),
        PriceSplit {
            price: Money(1_300),
            deposit_applied: Money(100),
            deposit_released: Money::ZERO,
            charged: Money(1_200),
        }
    );
    assert_eq!(
        a.pay("ann", Money(1_300), 107_999),
        Err(SettlementError::WrongAmount { due: Money(1_200) })
    );
    let ev = a.pay("ann", Money(1_200), 107_999).unwrap();
    assert_eq!(
        ev,
        vec![Event::Paid {
            bidder: "ann".into(),
            amount: Money(1_300),
            deposit_applied: Money(100),
            deposit_released: Money::ZERO,
            charged: Money(1_200),
        }]
    );
    assert_eq!(
        a.phase(),
        &Phase::Paid {
            bidder: "ann".into(),
            amount: Money(1_300)
        }
    );
    assert_eq!(a.deposit("ann").unwrap().status, DepositStatus::Applied);
    assert!(a.tick(1_000_000).is_empty());
}

#[test]
fn missed_confirmation_is_a_default_and_forfeits_the_deposit() {
    let mut a = closed();
    assert_eq!(
        a.confirm("ann", 105_000),
        Err(SettlementError::DeadlinePassed { deadline: 105_000 })
    );
    let ev = a.tick(105_000);
    assert!(ev.contains(&Event::DepositForfeited {
        bidder: "ann".into(),
        amount: Money(100)
    }));
    assert_eq!(a.phase(), &Phase::AwaitingDecision);
    assert!(a.defaulters().contains("ann"));
}

#[test]
fn missed_payment_is_a_default() {
    let mut a = closed();
    a.confirm("ann", 101_000).unwrap();
    a.tick(108_000);
    assert_eq!(a.phase(), &Phase::AwaitingDecision);
    assert_eq!(a.deposit("ann").unwrap().status, DepositStatus::Forfeited);
}

#[test]
fn one_late_tick_catches_up_close_and_default() {
    let mut a = auction();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    a.tick(1_000_000);
    assert_eq!(a.phase(), &Phase::AwaitingDecision);
}

#[test]
fn second_chance_offers_go_down_the_runners_up_at_their_own_highest_bid() {
    let mut a = closed();
    a.tick(105_000);
    assert_eq!(
        a.runners_up(),
        vec![
            ("cat".to_string(), Money(1_200)),
            ("bob".to_string(), Money(1_100))
        ]
    );
    a.offer_second_chance(106_000).unwrap();
    assert_eq!(
        a.phase(),
        &Phase::SecondChanceOffered {
            bidder: "cat".into(),
            amount: Money(1_200),
            deadline: 109_000
        }
    );
    a.decline_offer("cat", 107_000).unwrap();
    a.offer_second_chance(107_000).unwrap();
    // bob lets the offer lapse.
    let ev = a.tick(110_000);
    assert_eq!(
        ev,
        vec![Event::OfferExpired {
            bidder: "bob".into()
        }]
    );
    assert_eq!(
        a.offer_second_chance(110_000),
        Err(SettlementError::NoRunnerUp)
    );
}

#[test]
fn an_accepted_offer_leads_to_payment() {
    let mut a = closed();
    a.tick(105_000);
    a.offer_second_chance(106_000).unwrap();
    a.accept_offer("cat", 108_000).unwrap();
    // cat's deposit was released at the close: the whole price is charged.
    assert_eq!(a.payment_due("cat").unwrap().charged, Money(1_200));
    let ev = a.pay("cat", Money(1_200), 110_000).unwrap();
    assert_eq!(
        ev,
        vec![Event::Paid {
            bidder: "cat".into(),
            amount: Money(1_200),
            deposit_applied: Money::ZERO,
            deposit_released: Money::ZERO,
            charged: Money(1_200),
        }]
    );
    assert_eq!(
        a.phase(),
        &Phase::Paid {
            bidder: "cat".into(),
            amount: Money(1_200)
        }
    );
}

#[test]
fn a_buyer_who_accepts_then_fails_to_pay_is_a_defaulter_too() {
    let mut a = closed();
    a.tick(105_000);
    a.offer_second_chance(106_000).unwrap();
    a.accept_offer("cat", 106_000).unwrap();
    a.tick(113_000);
    assert!(a.defaulters().contains("cat"));
    a.offer_second_chance(113_000).unwrap();
    assert!(matches!(a.phase(), Phase::SecondChanceOffered { bidder, .. } if bidder == "bob"));
}

#[test]
fn rerun_excludes_the_defaulters() {
    let mut a = closed();
    a.tick(105_000);
    let (mut b, ev) = a.rerun(AuctionRules::new(spec()).unwrap()).unwrap();
    assert_eq!(
        ev,
        vec![Event::RerunScheduled {
            excluded: vec!["ann".into()]
        }]
    );
    assert_eq!(a.phase(), &Phase::RerunScheduled);
    assert_eq!(
        b.register("ann", Money(100), 0).unwrap_err().code(),
        "excluded"
    );
    b.register("bob", Money(100), 0).unwrap();
}

#[test]
fn settlement_steps_out_of_phase_are_refused() {
    let mut a = auction();
    assert_eq!(a.confirm("ann", 0).unwrap_err().code(), "wrong_phase");
    assert_eq!(
        a.pay("ann", Money::ZERO, 0).unwrap_err().code(),
        "wrong_phase"
    );
    assert_eq!(a.payment_due("ann").unwrap_err().code(), "wrong_phase");
    assert_eq!(a.offer_second_chance(0).unwrap_err().code(), "wrong_phase");
    assert_eq!(a.abandon().unwrap_err().code(), "wrong_phase");
}

#[test]
fn abandon_after_default_ends_unsold() {
    let mut a = closed();
    a.tick(105_000);
    a.abandon().unwrap();
    assert_eq!(
        a.phase(),
        &Phase::Unsold {
            reason: UnsoldReason::Abandoned
        }
    );
}

/// ann tops her deposit up to `deposit`, wins at 1_300 and confirms.
fn won_with_deposit(deposit: i64) -> auction::Auction {
    let mut a = auction();
    a.top_up("ann", Money(deposit - 100), 1_500).unwrap();
    a.bid("ann", Money(1_000), 2_000).unwrap();
    a.bid("bob", Money(1_100), 2_001).unwrap();
    a.bid("ann", Money(1_300), 2_002).unwrap();
    a.tick(100_000);
    a.confirm("ann", 101_000).unwrap();
    a
}

#[test]
fn a_deposit_above_the_price_pays_it_all_and_the_rest_is_released() {
    let mut a = won_with_deposit(5_000);
    assert_eq!(
        a.payment_due("ann").unwrap(),
        PriceSplit {
            price: Money(1_300),
            deposit_applied: Money(1_300),
            deposit_released: Money(3_700),
            charged: Money::ZERO,
        }
    );
    // Not a fen more than the price: a charge of 1 fen is refused.
    assert_eq!(
        a.pay("ann", Money(1), 102_000),
        Err(SettlementError::WrongAmount { due: Money::ZERO })
    );
    assert_eq!(a.payment_due("bob"), Err(SettlementError::NotTheBidder));
    let ev = a.pay("ann", Money::ZERO, 102_000).unwrap();
    assert_eq!(
        ev,
        vec![Event::Paid {
            bidder: "ann".into(),
            amount: Money(1_300),
            deposit_applied: Money(1_300),
            deposit_released: Money(3_700),
            charged: Money::ZERO,
        }]
    );
    assert_eq!(a.deposit("ann").unwrap().status, DepositStatus::Applied);
    assert!(matches!(a.phase(), Phase::Paid { .. }));
}

#[test]
fn a_deposit_equal_to_the_price_pays_it_exactly() {
    let mut a = won_with_deposit(1_300);
    let ev = a.pay("ann", Money::ZERO, 102_000).unwrap();
    assert_eq!(
        ev,
        vec![Event::Paid {
            bidder: "ann".into(),
            amount: Money(1_300),
            deposit_applied: Money(1_300),
            deposit_released: Money::ZERO,
            charged: Money::ZERO,
        }]
    );
}

#[test]
fn a_deposit_below_the_price_is_applied_and_the_rest_charged() {
    let mut a = won_with_deposit(500);
    assert_eq!(
        a.pay("ann", Money::ZERO, 102_000),
        Err(SettlementError::WrongAmount { due: Money(800) })
    );
    let ev = a.pay("ann", Money(800), 102_000).unwrap();
    assert_eq!(
        ev,
        vec![Event::Paid {
            bidder: "ann".into(),
            amount: Money(1_300),
            deposit_applied: Money(500),
            deposit_released: Money::ZERO,
            charged: Money(800),
        }]
    );
}

#[test]
fn a_late_payment_is_refused_whatever_the_amount() {
    let mut a = won_with_deposit(5_000);
    assert_eq!(
        a.pay("ann", Money::ZERO, 108_000),
        Err(SettlementError::DeadlinePassed { deadline: 108_000 })
    );
}

#[test]
fn price_splits_are_exact_and_checked() {
    for (price, deposit) in [
        (1_300, 0),
        (1_300, 1),
        (1_300, 1_299),
        (1_300, 1_300),
        (1_300, 1_301),
    ] {
        let s = PriceSplit::new(Money(price), Money(deposit)).unwrap();
        assert_eq!(s.deposit_applied.get() + s.charged.get(), price);
        assert_eq!(s.deposit_applied.get() + s.deposit_released.get(), deposit);
        assert!(s.deposit_released == Money::ZERO || s.charged == Money::ZERO);
    }
    let max = PriceSplit::new(Money::MAX, Money::MAX).unwrap();
    assert_eq!(
        (max.charged, max.deposit_released),
        (Money::ZERO, Money::ZERO)
    );
    assert_eq!(PriceSplit::new(Money(-1), Money(5)), None);
    assert_eq!(PriceSplit::new(Money(5), Money(-1)), None);
    assert_eq!(PriceSplit::new(Money(Money::MAX.get() + 1), Money(5)), None);
    assert_eq!(PriceSplit::new(Money(5), Money(i64::MAX)), None);
}
