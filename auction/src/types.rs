//! The auction's names for time and bidders (money is [`money::Money`], integer fen).

/// A point in time: UTC milliseconds since the Unix epoch, supplied by the caller (the server's
/// clock). The engine never reads a clock itself.
pub type Millis = i64;

/// A bidder's stable identifier (e.g. a user id).
pub type BidderId = String;
