use crate::spec;
use auction::{AuctionRules, Money, RuleError, Tier, TierTable};

fn refused(f: impl FnOnce(&mut auction::RulesSpec)) -> RuleError {
    let mut s = spec();
    f(&mut s);
    AuctionRules::new(s).expect_err("must be refused")
}

#[test]
fn valid_spec_is_accepted_and_looks_up_tiers() {
    let r = AuctionRules::new(spec()).unwrap();
    assert_eq!(r.increment_at(Money(0)), Money(100));
    assert_eq!(r.increment_at(Money(1_999)), Money(100));
    assert_eq!(r.increment_at(Money(2_000)), Money(200));
    assert_eq!(r.deposit_for(Money(1_999)), Money(100));
    assert_eq!(r.deposit_for(Money(5_000)), Money(500));
}

#[test]
fn starting_price_must_be_positive() {
    assert_eq!(
        refused(|s| s.starting_price = Money(0)).code(),
        "starting_price_not_positive"
    );
}

#[test]
fn tiers_must_start_at_zero_and_ascend() {
    assert_eq!(
        refused(|s| s.increments[0].from = Money(5)),
        RuleError::FirstTierNotZero {
            table: TierTable::Increments
        }
    );
    assert_eq!(
        refused(|s| s.deposits.push(Tier::new(2_000, 900))),
        RuleError::TiersNotAscending {
            table: TierTable::Deposits
        }
    );
    assert_eq!(refused(|s| s.increments.clear()).code(), "empty_table");
}

#[test]
fn increments_must_be_positive_and_within_max_raise() {
    assert_eq!(
        refused(|s| s.increments[1].value = Money(0)),
        RuleError::IncrementNotPositive
    );
    assert_eq!(
        refused(|s| s.max_raise = Money(150)),
        RuleError::IncrementAboveMaxRaise
    );
}

#[test]
fn deposits_must_not_decrease() {
    assert_eq!(
        refused(|s| s.deposits[1].value = Money(50)),
        RuleError::DepositsDecreasing
    );
}

#[test]
fn end_must_be_after_start() {
    assert_eq!(
        refused(|s| s.ends_at = s.starts_at),
        RuleError::EndNotAfterStart
    );
}

#[test]
fn deadlines_must_be_positive_and_window_non_negative() {
    assert_eq!(refused(|s| s.pay_within_ms = 0).code(), "bad_duration");
    assert_eq!(refused(|s| s.anti_sniping_ms = -1).code(), "bad_duration");
    let mut s = spec();
    s.anti_sniping_ms = 0;
    assert!(AuctionRules::new(s).is_ok());
}

#[test]
fn reserve_must_not_be_below_starting_price() {
    assert_eq!(
        refused(|s| s.reserve = Some(Money(999))),
        RuleError::ReserveBelowStartingPrice
    );
}

#[test]
fn amounts_must_be_in_range() {
    assert_eq!(
        refused(|s| s.max_raise = Money(i64::MAX)),
        RuleError::AmountOutOfRange
    );
}

#[test]
fn deserializing_rules_validates_them() {
    let mut bad = spec();
    bad.ends_at = 0;
    let json = serde_json::to_string(&bad).unwrap();
    assert!(serde_json::from_str::<AuctionRules>(&json).is_err());
    let good = AuctionRules::new(spec()).unwrap();
    let json = serde_json::to_string(&good).unwrap();
    assert_eq!(serde_json::from_str::<AuctionRules>(&json).unwrap(), good);
}
