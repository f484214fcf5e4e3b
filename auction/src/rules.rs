//! The marketer's auction settings, validated once so the engine can trust them.

use crate::types::Millis;
use money::Money;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One row of a tier table: from `from` (inclusive) upwards, `value` applies, until the next
/// row's `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Lower bound (inclusive) of the amounts this row covers.
    pub from: Money,
    /// The value that applies to those amounts.
    pub value: Money,
}

impl Tier {
    /// Shorthand constructor from raw fen.
    pub const fn new(from: i64, value: i64) -> Tier {
        Tier {
            from: Money(from),
            value: Money(value),
        }
    }
}

/// Which tier table a [`RuleError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierTable {
    /// The minimum-increment table (keyed by current price).
    Increments,
    /// The deposit table (keyed by the bid the deposit covers).
    Deposits,
}

/// The unvalidated settings of an auction, as a marketer enters them. Turn them into
/// [`AuctionRules`] with [`AuctionRules::new`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesSpec {
    /// The lowest amount the first bid may have.
    pub starting_price: Money,
    /// Minimum increment by current price: the row whose `from` is the highest one not above the
    /// current price gives the increment. The first row must start at 0.
    pub increments: Vec<Tier>,
    /// The largest raise one bid may make above the current price (above the starting price for
    /// the first bid). Must be at least every increment.
    pub max_raise: Money,
    /// Deposit by bid amount: a bid of amount `a` needs a paid deposit of at least the `value`
    /// of the row whose `from` is the highest one not above `a`. The first row must start at 0;
    /// values must not decrease.
    pub deposits: Vec<Tier>,
    /// When bidding opens (inclusive).
    pub starts_at: Millis,
    /// The scheduled end (exclusive); anti-sniping may move it later.
    pub ends_at: Millis,
    /// Anti-sniping window in milliseconds: a bid accepted at `t` moves the end to
    /// `max(end, t + window)`. Zero disables it.
    pub anti_sniping_ms: i64,
    /// Optional reserve price: below it the auction ends unsold.
    pub reserve: Option<Money>,
    /// How long after the end the winner has to confirm.
    pub confirm_within_ms: i64,
    /// How long after confirming (or accepting a second-chance offer) the buyer has to pay.
    pub pay_within_ms: i64,
    /// How long a runner-up has to accept a second-chance offer.
    pub offer_within_ms: i64,
}

/// Why a [`RulesSpec`] was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RuleError {
    /// The starting price must be positive.
    #[error("the starting price must be positive")]
    StartingPriceNotPositive,
    /// The maximum raise must be positive.
    #[error("the maximum raise must be positive")]
    MaxRaiseNotPositive,
    /// An amount is negative or above [`Money::MAX`].
    #[error("an amount is outside 0..={}", Money::MAX.yuan_exact())]
    AmountOutOfRange,
    /// A tier table is empty.
    #[error("the {table:?} table is empty")]
    EmptyTable {
        /// The table.
        table: TierTable,
    },
    /// A tier table's first row does not start at 0.
    #[error("the {table:?} table must start at 0")]
    FirstTierNotZero {
        /// The table.
        table: TierTable,
    },
    /// A tier table's `from` values are not strictly ascending.
    #[error("the {table:?} table's rows must be in strictly ascending order")]
    TiersNotAscending {
        /// The table.
        table: TierTable,
    },
    /// An increment is zero or negative.
    #[error("every increment must be positive")]
    IncrementNotPositive,
    /// An increment is larger than the maximum raise, so no bid could ever be valid.
    #[error("every increment must be at most the maximum raise")]
    IncrementAboveMaxRaise,
    /// A deposit row asks less than the row before it.
    #[error("deposits must not decrease as bids grow")]
    DepositsDecreasing,
    /// The end is not after the start.
    #[error("the end must be after the start")]
    EndNotAfterStart,
    /// A duration is negative (or zero where a deadline needs time).
    #[error("the duration `{field}` must be positive (the anti-sniping window may be zero)")]
    BadDuration {
        /// The field's name.
        field: String,
    },
    /// The reserve is below the starting price.
    #[error("the reserve price must be at least the starting price")]
    ReserveBelowStartingPrice,
}

impl RuleError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::StartingPriceNotPositive => "starting_price_not_positive",
            RuleError::MaxRaiseNotPositive => "max_raise_not_positive",
            RuleError::AmountOutOfRange => "amount_out_of_range",
            RuleError::EmptyTable { .. } => "empty_table",
            RuleError::FirstTierNotZero { .. } => "first_tier_not_zero",
            RuleError::TiersNotAscending { .. } => "tiers_not_ascending",
            RuleError::IncrementNotPositive => "increment_not_positive",
            RuleError::IncrementAboveMaxRaise => "increment_above_max_raise",
            RuleError::DepositsDecreasing => "deposits_decreasing",
            RuleError::EndNotAfterStart => "end_not_after_start",
            RuleError::BadDuration { .. } => "bad_duration",
            RuleError::ReserveBelowStartingPrice => "reserve_below_starting_price",
        }
    }
}

/// Validated auction settings. Only [`AuctionRules::new`] (or deserializing, which runs the
/// same checks) makes one, so every instance is consistent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RulesSpec", into = "RulesSpec")]
pub struct AuctionRules(RulesSpec);

fn check_table(tiers: &[Tier], table: TierTable) -> Result<(), RuleError> {
    let first = tiers.first().ok_or(RuleError::EmptyTable { table })?;
    if first.from != Money::ZERO {
        return Err(RuleError::FirstTierNotZero { table });
    }
    if tiers
        .iter()
        .any(|t| !t.from.in_range() || !t.value.in_range())
    {
        return Err(RuleError::AmountOutOfRange);
    }
    if tiers.windows(2).any(|w| w[0].from >= w[1].from) {
        return Err(RuleError::TiersNotAscending { table });
    }
    Ok(())
}

/// The value of the row covering `amount` (the last row whose `from <= amount`).
fn lookup(tiers: &[Tier], amount: Money) -> Money {
    let idx = tiers.partition_point(|t| t.from <= amount);
    tiers[idx.saturating_sub(1)].value
}

impl AuctionRules {
    /// Validates `spec`: positive starting price and maximum raise; tier tables non-empty,
    /// starting at 0, strictly ascending; increments positive and at most the maximum raise;
    /// deposits non-decreasing; `ends_at > starts_at`; deadlines positive, anti-sniping window
    /// non-negative; reserve (if any) at least the starting price; all amounts within
    /// `0..=Money::MAX`.
    pub fn new(spec: RulesSpec) -> Result<AuctionRules, RuleError> {
        let amounts = [spec.starting_price, spec.max_raise]
            .into_iter()
            .chain(spec.reserve);
        for a in amounts {
            if !a.in_range() {
                return Err(RuleError::AmountOutOfRange);
            }
        }
        if spec.starting_price <= Money::ZERO {
            return Err(RuleError::StartingPriceNotPositive);
        }
        if spec.max_raise <= Money::ZERO {
            return Err(RuleError::MaxRaiseNotPositive);
        }
        check_table(&spec.increments, TierTable::Increments)?;
        if spec.increments.iter().any(|t| t.value <= Money::ZERO) {
            return Err(RuleError::IncrementNotPositive);
        }
        if spec.increments.iter().any(|t| t.value > spec.max_raise) {
            return Err(RuleError::IncrementAboveMaxRaise);
        }
        check_table(&spec.deposits, TierTable::Deposits)?;
        if spec.deposits.windows(2).any(|w| w[0].value > w[1].value) {
            return Err(RuleError::DepositsDecreasing);
        }
        if spec.ends_at <= spec.starts_at {
            return Err(RuleError::EndNotAfterStart);
        }
        let durations = [
            ("anti_sniping_ms", spec.anti_sniping_ms, 0),
            ("confirm_within_ms", spec.confirm_within_ms, 1),
            ("pay_within_ms", spec.pay_within_ms, 1),
            ("offer_within_ms", spec.offer_within_ms, 1),
        ];
        for (field, value, min) in durations {
            if value < min {
                return Err(RuleError::BadDuration {
                    field: field.to_owned(),
                });
            }
        }
        if spec.reserve.is_some_and(|r| r < spec.starting_price) {
            return Err(RuleError::ReserveBelowStartingPrice);
        }
        Ok(AuctionRules(spec))
    }

    /// The validated settings.
    pub fn spec(&self) -> &RulesSpec {
        &self.0
    }

    /// The minimum increment when the current price is `price`.
    pub fn increment_at(&self, price: Money) -> Money {
        lookup(&self.0.increments, price)
    }

    /// The deposit a bidder must have paid to bid `amount`.
    pub fn deposit_for(&self, amount: Money) -> Money {
        lookup(&self.0.deposits, amount)
    }
}

impl TryFrom<RulesSpec> for AuctionRules {
    type Error = RuleError;
    fn try_from(spec: RulesSpec) -> Result<Self, RuleError> {
        AuctionRules::new(spec)
    }
}

impl From<AuctionRules> for RulesSpec {
    fn from(rules: AuctionRules) -> RulesSpec {
        rules.0
    }
}
