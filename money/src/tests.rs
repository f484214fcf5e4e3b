use proptest::prelude::*;

use super::{Money, ParseMoneyError};

fn parse(text: &str) -> Result<Money, ParseMoneyError> {
    Money::parse_yuan(text)
}

#[test]
fn arithmetic_saturates() {
    assert_eq!(Money(i64::MAX) + Money(1), Money(i64::MAX));
    assert_eq!(Money(i64::MIN) - Money(1), Money(i64::MIN));
    assert_eq!(-Money(i64::MIN), Money(i64::MAX));
    assert_eq!(Money(i64::MAX).plus(Money(1)), Money(i64::MAX));
    assert_eq!(Money(i64::MIN).minus(Money(1)), Money(i64::MIN));
    assert_eq!(Money::from_yuan(89_900), Money(8_990_000));
    assert_eq!(Money::from_yuan(i64::MAX), Money(i64::MAX));
    assert_eq!([Money(1), Money(2)].into_iter().sum::<Money>(), Money(3));
    let mut m = Money(5);
    m += Money(7);
    assert_eq!(m, Money(12));
    assert_eq!(Money(12).fen(), 12);
    assert_eq!(Money(12).get(), 12);
}

#[test]
fn range() {
    assert!(Money::ZERO.in_range());
    assert!(Money::MAX.in_range());
    assert!(!Money(Money::MAX.0 + 1).in_range());
    assert!(!Money(-1).in_range());
    // Two amounts in range never overflow when added.
    assert_eq!(
        Money::MAX.checked_add(Money::MAX),
        Some(Money(2 * Money::MAX.0))
    );
}

#[test]
fn checked_arithmetic() {
    assert_eq!(Money(2).checked_add(Money(3)), Some(Money(5)));
    assert_eq!(Money(i64::MAX).checked_add(Money(1)), None);
    assert_eq!(Money(2).checked_sub(Money(3)), Some(Money(-1)));
    assert_eq!(Money(i64::MIN).checked_sub(Money(1)), None);
    assert_eq!(Money(39_900).checked_mul(60), Some(Money(2_394_000)));
    assert_eq!(Money(-5).checked_mul(3), Some(Money(-15)));
    assert_eq!(Money(i64::MAX / 2 + 1).checked_mul(2), None);
    assert_eq!(Money(i64::MIN).checked_mul(-1), None);
}

#[test]
fn ratios_never_overflow_on_the_way() {
    assert_eq!(Money(1_999).percent(20), Some(Money(399)));
    assert_eq!(Money(-1_999).percent(20), Some(Money(-399)));
    assert_eq!(
        Money::from_yuan(5_000).percent(100),
        Some(Money::from_yuan(5_000))
    );
    // i64::MAX * 20 overflows i64, the result does not.
    assert_eq!(Money(i64::MAX).percent(20), Some(Money(i64::MAX / 5)));
    assert_eq!(Money(i64::MAX).percent(101), None);
    assert_eq!(Money(i64::MIN).mul_ratio(-1, 1), None);
    assert_eq!(Money(i64::MIN).mul_ratio(1, -1), None);
    assert_eq!(
        Money(i64::MAX).mul_ratio(i64::MAX, i64::MAX),
        Some(Money(i64::MAX))
    );
    assert_eq!(Money(10).mul_ratio(1, 3), Some(Money(3)));
    assert_eq!(Money(-10).mul_ratio(1, 3), Some(Money(-3)));
    assert_eq!(Money(10).mul_ratio(1, 0), None);
    assert_eq!(Money(250).percent_of(Money(1_000)), Some(25));
    assert_eq!(Money(999).percent_of(Money(1_000)), Some(99));
    assert_eq!(Money(i64::MAX).percent_of(Money(i64::MAX)), Some(100));
    assert_eq!(Money(i64::MAX).percent_of(Money(1)), None);
    assert_eq!(Money(1).percent_of(Money::ZERO), None);
}

#[test]
fn formats_one_way() {
    assert_eq!(Money(500_000).yuan(), "¥5,000");
    assert_eq!(Money(500_050).yuan(), "¥5,000.50");
    assert_eq!(Money(500_005).yuan(), "¥5,000.05");
    assert_eq!(Money(20).yuan(), "¥0.20");
    assert_eq!(Money(0).yuan(), "¥0");
    assert_eq!(Money(-150).yuan(), "-¥1.50");
    assert_eq!(Money(-5).yuan(), "-¥0.05");
    assert_eq!(Money(-600_000).yuan(), "-¥6,000");
    assert_eq!(Money(8_990_000).yuan(), "¥89,900");
    assert_eq!(Money(7_819_339_900).yuan(), "¥78,193,399");
    assert_eq!(Money(10_000).yuan(), "¥100");
    assert_eq!(Money(100_000).yuan(), "¥1,000");
    assert_eq!(Money::MAX.yuan(), "¥10,000,000,000,000");
    assert_eq!(Money(i64::MAX).yuan(), "¥92,233,720,368,547,758.07");
    assert_eq!(Money(i64::MIN).yuan(), "-¥92,233,720,368,547,758.08");

    assert_eq!(Money(500_000).yuan_exact(), "¥5,000.00");
    assert_eq!(Money(500_050).yuan_exact(), "¥5,000.50");
    assert_eq!(Money(0).yuan_exact(), "¥0.00");
    assert_eq!(Money(-150).yuan_exact(), "-¥1.50");
    assert_eq!(Money(-100).yuan_exact(), "-¥1.00");

    assert_eq!(Money(500_000).yuan_plain(), "5000");
    assert_eq!(Money(500_050).yuan_plain(), "5000.50");
    assert_eq!(Money(0).yuan_plain(), "0");
    assert_eq!(Money(-150).yuan_plain(), "-1.50");
    assert_eq!(Money(-5).yuan_plain(), "-0.05");
    assert_eq!(Money(-100).yuan_plain(), "-1");
    assert_eq!(Money(7_820_000_000).yuan_plain(), "78200000");

    assert_eq!(Money(500_050).to_string(), "¥5,000.50");
    assert_eq!(
        format!("{:>10}|{:<6}|", Money(150), Money(0)),
        "     ¥1.50|¥0    |"
    );
}

#[test]
fn parses_what_people_type() {
    assert_eq!(parse("5000"), Ok(Money(500_000)));
    assert_eq!(parse("5,000"), Ok(Money(500_000)));
    assert_eq!(parse("5，000"), Ok(Money(500_000)));
    assert_eq!(parse("5000.5"), Ok(Money(500_050)));
    assert_eq!(parse("5000.50"), Ok(Money(500_050)));
    assert_eq!(parse("5000.05"), Ok(Money(500_005)));
    assert_eq!(parse("¥5,000.50"), Ok(Money(500_050)));
    assert_eq!(parse("￥5,000.50"), Ok(Money(500_050)));
    assert_eq!(parse("  ¥5,000 \t\n"), Ok(Money(500_000)));
    assert_eq!(parse("12,345,678.90"), Ok(Money(1_234_567_890)));
    assert_eq!(parse("0"), Ok(Money::ZERO));
    assert_eq!(parse("0.2"), Ok(Money(20)));
    assert_eq!(parse("007"), Ok(Money(700)));
    assert_eq!(parse("78200000"), Ok(Money(7_820_000_000)));
    assert_eq!("999.5".parse::<Money>(), Ok(Money(99_950)));
}

#[test]
fn parses_negatives() {
    assert_eq!(parse("-1.50"), Ok(Money(-150)));
    assert_eq!(parse("-¥1.50"), Ok(Money(-150)));
    assert_eq!(parse(" -¥6,000 "), Ok(Money(-600_000)));
    assert_eq!(parse("-0.05"), Ok(Money(-5)));
    assert_eq!(parse("-0"), Ok(Money::ZERO));
    assert_eq!(parse("-¥0.00"), Ok(Money::ZERO));
}

#[test]
fn refuses_what_is_not_an_amount() {
    use ParseMoneyError::*;
    for (text, error) in [
        ("", Empty),
        ("   ", Empty),
        ("-", Invalid),
        ("¥", Invalid),
        ("-¥", Invalid),
        ("abc", Invalid),
        ("5k", Invalid),
        ("5 000", Invalid),
        ("1e3", Invalid),
        ("+5", Invalid),
        ("--5", Invalid),
        ("¥-5", Invalid),
        ("5-", Invalid),
        ("5¥", Invalid),
        ("¥¥5", Invalid),
        ("５", Invalid),
        (".5", Invalid),
        ("5.", Invalid),
        ("5.5.5", Invalid),
        ("5.x", Invalid),
        ("5.1a", Invalid),
        ("5.-5", Invalid),
        ("1.-50", Invalid),
        ("5,00", Invalid),
        ("5,0000", Invalid),
        ("1,0000", Invalid),
        ("1234,567", Invalid),
        (",500", Invalid),
        ("500,", Invalid),
        ("5,,000", Invalid),
        ("5.000,00", Invalid),
        ("5,000.5,0", Invalid),
        ("5.123", TooManyDecimals),
        ("0.001", TooManyDecimals),
        ("-5.999", TooManyDecimals),
        ("10,000,000,000,000.01", OutOfRange),
        ("-10,000,000,000,000.01", OutOfRange),
        ("10000000000001", OutOfRange),
        ("92233720368547758.07", OutOfRange),
        ("99999999999999999999999999999", OutOfRange),
    ] {
        assert_eq!(parse(text), Err(error), "{text:?}");
    }
    assert_eq!(parse("10,000,000,000,000"), Ok(Money::MAX));
    assert_eq!(parse("-10,000,000,000,000"), Ok(-Money::MAX));
    for error in [Empty, Invalid, TooManyDecimals, OutOfRange] {
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(
        OutOfRange.to_string(),
        "the amount is beyond the largest accepted, ¥10,000,000,000,000"
    );
}

#[test]
fn serializes_as_bare_fen() {
    assert_eq!(serde_json::to_string(&Money(500_050)).unwrap(), "500050");
    assert_eq!(serde_json::from_str::<Money>("-150").unwrap(), Money(-150));
}

fn amount() -> impl Strategy<Value = Money> {
    prop_oneof![
        (-Money::MAX.0..=Money::MAX.0).prop_map(Money),
        (-100_000i64..=100_000).prop_map(Money),
        (-1_000_000i64..=1_000_000).prop_map(Money::from_yuan),
        Just(Money::MAX),
        Just(-Money::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn every_format_parses_back(m in amount()) {
        prop_assert_eq!(parse(&m.yuan_plain()), Ok(m));
        prop_assert_eq!(parse(&m.yuan()), Ok(m));
        prop_assert_eq!(parse(&m.yuan_exact()), Ok(m));
        prop_assert_eq!(parse(&m.to_string()), Ok(m));
        prop_assert_eq!(parse(&format!("  {}\t", m.yuan())), Ok(m));
    }

    #[test]
    fn formats_agree(m in any::<i64>().prop_map(Money)) {
        let shown = m.yuan();
        let exact = m.yuan_exact();
        prop_assert_eq!(m.to_string(), shown.clone());
        prop_assert_eq!(shown.starts_with("-¥"), m.0 < 0);
        prop_assert!(shown.starts_with('¥') || m.0 < 0);
        if m.0 % 100 == 0 {
            prop_assert_eq!(format!("{shown}.00"), exact);
        } else {
            prop_assert_eq!(shown, exact);
        }
        // Plain is the shown form without sign and grouping.
        prop_assert_eq!(m.yuan().replace(['¥', ','], ""), m.yuan_plain());
    }

    #[test]
    fn beyond_max_is_refused(fen in (Money::MAX.0 + 1)..=i64::MAX, negative: bool) {
        let m = if negative { Money(-fen) } else { Money(fen) };
        prop_assert_eq!(parse(&m.yuan()), Err(ParseMoneyError::OutOfRange));
        prop_assert_eq!(parse(&m.yuan_plain()), Err(ParseMoneyError::OutOfRange));
    }

    #[test]
    fn checked_arithmetic_is_exact(a: i64, b: i64) {
        let wide = |x: i128| i64::try_from(x).ok().map(Money);
        prop_assert_eq!(Money(a).checked_add(Money(b)), wide(i128::from(a) + i128::from(b)));
        prop_assert_eq!(Money(a).checked_sub(Money(b)), wide(i128::from(a) - i128::from(b)));
        prop_assert_eq!(Money(a).checked_mul(b), wide(i128::from(a) * i128::from(b)));
    }

    #[test]
    fn ratios_are_exact(a: i64, n: i64, d: i64, percent in -1_000i64..=1_000) {
        let wide = |x: i128| i64::try_from(x).ok().map(Money);
        let expected = if d == 0 { None } else { wide(i128::from(a) * i128::from(n) / i128::from(d)) };
        prop_assert_eq!(Money(a).mul_ratio(n, d), expected);
        prop_assert_eq!(Money(a).percent(percent), wide(i128::from(a) * i128::from(percent) / 100));
        let share = if d == 0 { None } else { i64::try_from(i128::from(a) * 100 / i128::from(d)).ok() };
        prop_assert_eq!(Money(a).percent_of(Money(d)), share);
    }
}
