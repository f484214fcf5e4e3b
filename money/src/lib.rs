//! # money — amounts of money in C2M Studio
//!
//! [`Money`] is an integer number of fen (1 yuan = 100 fen), never a float. Every crate of the
//! workspace uses it: the configurator prices options with it, the auction engine bids with it,
//! and the web app shows and reads amounts with the one formatter and the one parser here, on
//! the server and in the browser (the crate has no I/O and compiles to `wasm32-unknown-unknown`).
//!
//! * **Arithmetic.** `+`, `-`, unary `-`, `+=` and [`Sum`] saturate at the bounds of `i64`, so a
//!   hostile catalog cannot make a quote panic. Multiplications have only checked forms
//!   ([`Money::checked_mul`], [`Money::mul_ratio`], [`Money::percent`],
//!   [`Money::percent_of`]; the last three compute in `i128` and cannot overflow on the way),
//!   so a product of money is never silently wrong.
//! * **Range.** [`Money::MAX`] (10 trillion yuan) bounds every amount the engines accept; the
//!   sum of two amounts in `0..=MAX` cannot overflow.
//! * **Text.** [`Money::yuan`] (`¥5,000`, `¥5,000.50`, `-¥1.50`, also `Display`),
//!   [`Money::yuan_exact`] (`¥5,000.00`) and [`Money::yuan_plain`] (`5000`, `5000.50`, the form
//!   of an input field); [`Money::parse_yuan`] reads all of them back, and what people type.
//!
//! ```
//! use money::Money;
//!
//! let price = Money::parse_yuan("¥5,000.50")?;
//! assert_eq!(price, Money(500_050));
//! assert_eq!(price.yuan(), "¥5,000.50");
//! assert_eq!(Money::from_yuan(5_000).to_string(), "¥5,000");
//! assert_eq!(Money::from_yuan(5_000).yuan_exact(), "¥5,000.00");
//! assert_eq!(price.yuan_plain(), "5000.50");
//! assert_eq!(Money(-150).yuan(), "-¥1.50");
//! assert_eq!(Money::from_yuan(5_000).percent(20), Some(Money::from_yuan(1_000)));
//! assert_eq!(Money(i64::MAX).checked_mul(2), None);
//! # Ok::<(), money::ParseMoneyError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An amount of money in fen (1 yuan = 100 fen); negative amounts are discounts or refunds.
///
/// Serialized as a bare integer of fen.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// No money.
    pub const ZERO: Money = Money(0);

    /// The largest amount accepted anywhere (10 trillion yuan). Keeping every amount below it
    /// means the sum of two amounts can never overflow; [`Money::parse_yuan`] refuses amounts
    /// beyond `±MAX`.
    pub const MAX: Money = Money(1_000_000_000_000_000);

    /// The amount of whole yuan, i.e. `yuan * 100` fen (saturating).
    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan.saturating_mul(100))
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The amount in fen (the same as [`Money::fen`]).
    pub const fn get(self) -> i64 {
        self.0
    }

    /// `self + other`, saturating at the bounds of `i64` (the same as `+`, but `const`).
    pub const fn plus(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at the bounds of `i64` (the same as `-`, but `const`).
    pub const fn minus(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }

    /// Whether the amount lies in `0..=Money::MAX`.
    pub const fn in_range(self) -> bool {
        self.0 >= 0 && self.0 <= Money::MAX.0
    }

    /// `self + other`, or `None` if it overflows `i64`.
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.0.checked_add(other.0) {
            Some(fen) => Some(Money(fen)),
            None => None,
        }
    }

    /// `self - other`, or `None` if it overflows `i64`.
    pub const fn checked_sub(self, other: Money) -> Option<Money> {
        match self.0.checked_sub(other.0) {
            Some(fen) => Some(Money(fen)),
            None => None,
        }
    }

    /// `self * factor` (e.g. a monthly fee times a number of months), or `None` if it overflows
    /// `i64`.
    pub const fn checked_mul(self, factor: i64) -> Option<Money> {
        match self.0.checked_mul(factor) {
            Some(fen) => Some(Money(fen)),
            None => None,
        }
    }

    /// `self * numerator / denominator`, rounded toward zero (like integer division). The
    /// product is taken in `i128`, so it never overflows on the way; `None` if `denominator` is
    /// zero or the result does not fit in `i64`.
    pub const fn mul_ratio(self, numerator: i64, denominator: i64) -> Option<Money> {
        if denominator == 0 {
            return None;
        }
        // |self * numerator| <= 2^126, so neither the product nor the quotient overflows i128.
        narrow(self.0 as i128 * numerator as i128 / denominator as i128)
    }

    /// `percent` % of the amount, rounded toward zero: `Money(1_999).percent(20)` is
    /// `Some(Money(399))`. `None` only if the result does not fit in `i64` (a percentage above
    /// 100 of a huge amount).
    pub const fn percent(self, percent: i64) -> Option<Money> {
        self.mul_ratio(percent, 100)
    }

    /// How many percent of `whole` the amount is, rounded toward zero:
    /// `Money(250).percent_of(Money(1_000))` is `Some(25)`. Computed in `i128`; `None` if
    /// `whole` is zero or the result does not fit in `i64`.
    pub const fn percent_of(self, whole: Money) -> Option<i64> {
        if whole.0 == 0 {
            return None;
        }
        match narrow(self.0 as i128 * 100 / whole.0 as i128) {
            Some(Money(percent)) => Some(percent),
            None => None,
        }
    }

    /// Reads an amount of yuan as people type it and as this crate writes it: `5000`, `5,000`,
    /// `5000.5`, `5000.50`, `¥5,000.50` (or `￥`), `-1.50`, `-¥1.50`, with any whitespace
    /// around it.
    ///
    /// Digits are ASCII. Thousands separators (`,` or the full-width `，`) are optional, but
    /// where they are used they must group the yuan by three (`5,000`, `12,345,678`), so that
    /// a decimal comma such as `5,00` is refused instead of read as 500 yuan. At most two
    /// decimals (fen); a decimal point needs digits on both sides. Amounts beyond
    /// `±`[`Money::MAX`] are refused.
    pub fn parse_yuan(text: &str) -> Result<Money, ParseMoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseMoneyError::Empty);
        }
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let text = text
            .strip_prefix('¥')
            .or_else(|| text.strip_prefix('￥'))
            .unwrap_or(text);
        let (whole, decimals) = match text.split_once('.') {
            Some((whole, decimals)) => (whole, Some(decimals)),
            None => (text, None),
        };
        let whole = parse_whole(whole)?;
        let fen = match decimals {
            None => 0,
            Some(d) if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(ParseMoneyError::Invalid)
            }
            Some(d) if d.len() > 2 => return Err(ParseMoneyError::TooManyDecimals),
            Some(d) => d
                .bytes()
                .zip([10, 1])
                .map(|(b, w)| u64::from(b - b'0') * w)
                .sum(),
        };
        let total = whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(fen))
            .filter(|&f| f <= Money::MAX.0.unsigned_abs())
            .ok_or(ParseMoneyError::OutOfRange)?;
        // total <= MAX < i64::MAX, so the conversion and the negation are exact.
        let total = total as i64;
        Ok(Money(if negative { -total } else { total }))
    }

    /// The amount as shown to people: `¥5,000` when it is whole yuan, `¥5,000.50` otherwise,
    /// `-¥1.50` when negative; yuan grouped by three with `,`. This is also `Display`.
    pub fn yuan(self) -> String {
        render(self.0, Style::SHOWN)
    }

    /// The amount with both decimals always written: `¥5,000.00`, `¥0.20`, `-¥1.50` (for
    /// messages about payments).
    pub fn yuan_exact(self) -> String {
        render(self.0, Style::EXACT)
    }

    /// The amount as an input field holds it: no currency sign and no grouping, decimals only
    /// when it is not whole yuan: `5000`, `5000.50`, `-1.50`.
    pub fn yuan_plain(self) -> String {
        render(self.0, Style::PLAIN)
    }
}

/// `Some(Money(value))` if `value` fits in `i64`.
const fn narrow(value: i128) -> Option<Money> {
    if value < i64::MIN as i128 || value > i64::MAX as i128 {
        None
    } else {
        Some(Money(value as i64))
    }
}

/// The whole yuan of [`Money::parse_yuan`]: ASCII digits, optionally grouped by three.
fn parse_whole(text: &str) -> Result<u64, ParseMoneyError> {
    let mut value: u64 = 0;
    for (i, group) in text.split([',', '，']).enumerate() {
        let well_formed = !group.is_empty()
            && group.bytes().all(|b| b.is_ascii_digit())
            && ((i == 0 && (group.len() == text.len() || group.len() <= 3)) || group.len() == 3);
        if !well_formed {
            return Err(ParseMoneyError::Invalid);
        }
        for digit in group.bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit - b'0')))
                .ok_or(ParseMoneyError::OutOfRange)?;
        }
    }
    Ok(value)
}

/// How [`render`] writes an amount.
#[derive(Clone, Copy)]
struct Style {
    symbol: bool,
    group: bool,
    always_decimals: bool,
}

impl Style {
    const SHOWN: Style = Style {
        symbol: true,
        group: true,
        always_decimals: false,
    };
    const EXACT: Style = Style {
        symbol: true,
        group: true,
        always_decimals: true,
    };
    const PLAIN: Style = Style {
        symbol: false,
        group: false,
        always_decimals: false,
    };
}

fn render(fen: i64, style: Style) -> String {
    let abs = fen.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 8);
    if fen < 0 {
        out.push('-');
    }
    if style.symbol {
        out.push('¥');
    }
    if style.group {
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
    } else {
        out.push_str(&digits);
    }
    if style.always_decimals || cents != 0 {
        out.push('.');
        for d in [cents / 10, cents % 10] {
            out.push(char::from(b'0' + d as u8));
        }
    }
    out
}

impl fmt::Display for Money {
    /// [`Money::yuan`]; width and alignment flags are honoured.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.yuan())
    }
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    /// [`Money::parse_yuan`].
    fn from_str(text: &str) -> Result<Money, ParseMoneyError> {
        Money::parse_yuan(text)
    }
}

/// Why [`Money::parse_yuan`] refused a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseMoneyError {
    /// Nothing but whitespace.
    Empty,
    /// Not an amount of yuan: other characters, misplaced separators or signs, a decimal point
    /// without digits on both sides.
    Invalid,
    /// More than two decimals (the smallest unit is the fen).
    TooManyDecimals,
    /// Beyond `±`[`Money::MAX`].
    OutOfRange,
}

impl fmt::Display for ParseMoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseMoneyError::Empty => f.write_str("no amount was given"),
            ParseMoneyError::Invalid => {
                f.write_str("not an amount of yuan (write e.g. 5000, 5,000 or 5000.50)")
            }
            ParseMoneyError::TooManyDecimals => {
                f.write_str("an amount has at most two decimals (fen)")
            }
            ParseMoneyError::OutOfRange => {
                write!(
                    f,
                    "the amount is beyond the largest accepted, {}",
                    Money::MAX
                )
            }
        }
    }
}

impl std::error::Error for ParseMoneyError {}

impl Add for Money {
    type Output = Money;

    /// Saturating.
    fn add(self, other: Money) -> Money {
        self.plus(other)
    }
}

impl AddAssign for Money {
    /// Saturating.
    fn add_assign(&mut self, other: Money) {
        *self = *self + other;
    }
}

impl Sub for Money {
    type Output = Money;

    /// Saturating.
    fn sub(self, other: Money) -> Money {
        self.minus(other)
    }
}

impl Neg for Money {
    type Output = Money;

    /// Saturating: `-Money(i64::MIN)` is `Money(i64::MAX)`.
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl Sum for Money {
    /// Saturating.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests;
