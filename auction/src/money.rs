//! Money as integer fen.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (1 yuan = 100 fen). Never a float.
///
/// Serialized as a bare integer.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);
    /// The largest amount the engine accepts anywhere (10 trillion yuan). Keeping every amount
    /// below it means sums of two amounts can never overflow.
    pub const MAX: Fen = Fen(1_000_000_000_000_000);

    /// The raw number of fen.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// `self + other`, saturating at the bounds of `i64`.
    pub const fn plus(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at the bounds of `i64`.
    pub const fn minus(self, other: Fen) -> Fen {
        Fen(self.0.saturating_sub(other.0))
    }

    /// Whether the amount lies in `0..=Fen::MAX`.
    pub const fn in_range(self) -> bool {
        self.0 >= 0 && self.0 <= Fen::MAX.0
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

/// A point in time: UTC milliseconds since the Unix epoch, supplied by the caller (the server's
/// clock). The engine never reads a clock itself.
pub type Millis = i64;

/// A bidder's stable identifier (e.g. a user id).
pub type BidderId = String;
