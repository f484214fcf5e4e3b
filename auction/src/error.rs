//! Why a request was refused. Every error has a stable machine code ([`BidError::code`] etc.)
//! and a human message (`Display`). A refused request never changes the auction. Amounts in
//! messages are written with both decimals ([`Money::yuan_exact`], e.g. `¥5.00`).

use crate::types::Millis;
use money::Money;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a bid or a proxy maximum was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BidError {
    /// Bidding has not opened yet.
    #[error("bidding opens at {starts_at}")]
    NotStarted {
        /// When bidding opens (UTC ms).
        starts_at: Millis,
    },
    /// Bidding has ended (at the possibly extended end) or the auction is closed.
    #[error("bidding ended at {ended_at}")]
    Ended {
        /// The end (UTC ms).
        ended_at: Millis,
    },
    /// The request's time is earlier than an already accepted request's: server time orders
    /// bids, so it may not go backwards.
    #[error("request time {now} is before the last accepted request at {last}")]
    ClockWentBack {
        /// The request's time.
        now: Millis,
        /// The last accepted request's time.
        last: Millis,
    },
    /// The bidder is barred from this auction (a defaulter of an earlier run).
    #[error("this bidder is excluded from this auction")]
    Excluded,
    /// The bidder has not registered.
    #[error("register and pay the deposit before bidding")]
    NotRegistered,
    /// The bidder already holds the highest bid and may not outbid themself.
    #[error("you are already the highest bidder")]
    AlreadyLeading,
    /// The bid is below the current price plus the minimum increment (or the starting price).
    #[error("the bid must be at least {}", .minimum.yuan_exact())]
    BelowMinimum {
        /// The lowest valid bid now.
        minimum: Money,
    },
    /// The bid raises the price by more than the maximum raise.
    #[error("the bid may be at most {}", .maximum.yuan_exact())]
    AboveMaxRaise {
        /// The highest valid bid now.
        maximum: Money,
    },
    /// The paid deposit does not cover the amount.
    #[error(
        "a deposit of {} is needed for this amount: top up {}",
        .required.yuan_exact(),
        .top_up.yuan_exact()
    )]
    DepositTooLow {
        /// The deposit the amount needs.
        required: Money,
        /// How much more the bidder must pay.
        top_up: Money,
    },
    /// A proxy maximum below the lowest valid bid could never bid.
    #[error("the maximum must be at least {}", .minimum.yuan_exact())]
    ProxyBelowMinimum {
        /// The lowest valid bid now.
        minimum: Money,
    },
    /// A proxy maximum may only be raised, never lowered or repeated (bids are not withdrawn).
    #[error("the new maximum must be above your current maximum {}", .current.yuan_exact())]
    ProxyNotRaised {
        /// The bidder's current maximum.
        current: Money,
    },
    /// The proxy maximum is above [`Money::MAX`].
    #[error(
        "the maximum is above the largest accepted amount {}",
        Money::MAX.yuan_exact()
    )]
    AmountOutOfRange,
}

impl BidError {
    /// A stable machine-readable code, e.g. `"below_minimum"`.
    pub fn code(&self) -> &'static str {
        match self {
            BidError::NotStarted { .. } => "not_started",
            BidError::Ended { .. } => "ended",
            BidError::ClockWentBack { .. } => "clock_went_back",
            BidError::Excluded => "excluded",
            BidError::NotRegistered => "not_registered",
            BidError::AlreadyLeading => "already_leading",
            BidError::BelowMinimum { .. } => "below_minimum",
            BidError::AboveMaxRaise { .. } => "above_max_raise",
            BidError::DepositTooLow { .. } => "deposit_too_low",
            BidError::ProxyBelowMinimum { .. } => "proxy_below_minimum",
            BidError::ProxyNotRaised { .. } => "proxy_not_raised",
            BidError::AmountOutOfRange => "amount_out_of_range",
        }
    }
}

/// Why a registration or a deposit top-up was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RegisterError {
    /// Bidding has ended; deposits are no longer taken.
    #[error("the auction has ended")]
    Ended,
    /// The bidder is barred from this auction.
    #[error("this bidder is excluded from this auction")]
    Excluded,
    /// The bidder is already registered (use a top-up instead).
    #[error("already registered")]
    AlreadyRegistered,
    /// Top-up for a bidder who never registered.
    #[error("not registered")]
    NotRegistered,
    /// The amount is negative (registration), not positive (top-up) or out of range.
    #[error("invalid deposit amount")]
    InvalidAmount,
}

impl RegisterError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RegisterError::Ended => "ended",
            RegisterError::Excluded => "excluded",
            RegisterError::AlreadyRegistered => "already_registered",
            RegisterError::NotRegistered => "not_registered",
            RegisterError::InvalidAmount => "invalid_amount",
        }
    }
}

/// Why a settlement step was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SettlementError {
    /// The auction is not in a phase where this step applies.
    #[error("this step is not possible in the current phase")]
    WrongPhase,
    /// The step must be taken by another bidder (the winner or the offered runner-up).
    #[error("only the bidder concerned can take this step")]
    NotTheBidder,
    /// The deadline for this step has passed (the next `tick` records the default).
    #[error("the deadline {deadline} has passed")]
    DeadlinePassed {
        /// The deadline (UTC ms).
        deadline: Millis,
    },
    /// No runner-up is left to receive a second-chance offer.
    #[error("no runner-up is left for a second-chance offer")]
    NoRunnerUp,
    /// The payment is not what is due: the price less the buyer's held deposit.
    #[error("the payment due is exactly {}", .due.yuan_exact())]
    WrongAmount {
        /// What the buyer must pay on top of the deposit.
        due: Money,
    },
    /// The price or the deposit is outside `0..=`[`Money::MAX`], so the payment due cannot be
    /// computed exactly.
    #[error(
        "an amount is above the largest accepted amount {}",
        Money::MAX.yuan_exact()
    )]
    AmountOutOfRange,
}

impl SettlementError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SettlementError::WrongPhase => "wrong_phase",
            SettlementError::NotTheBidder => "not_the_bidder",
            SettlementError::DeadlinePassed { .. } => "deadline_passed",
            SettlementError::NoRunnerUp => "no_runner_up",
            SettlementError::WrongAmount { .. } => "wrong_amount",
            SettlementError::AmountOutOfRange => "amount_out_of_range",
        }
    }
}
