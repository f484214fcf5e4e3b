//! # auction — the rules of a C2M Studio edition auction
//!
//! An ascending auction for one numbered edition, written as a **pure state machine**: no I/O,
//! no clock, no threads. Every call takes the server time `now` (UTC milliseconds, [`Millis`])
//! and returns what happened as [`Event`]s for the server to persist and broadcast. The whole
//! [`Auction`] serializes to JSON (serde) so the server can snapshot it. Money is integer fen
//! ([`Money`], the workspace's one money type, from the crate `money`). It compiles to
//! `wasm32-unknown-unknown` too.
//!
//! ```
//! use auction::{Auction, AuctionRules, Money, RulesSpec, Tier};
//!
//! let rules = AuctionRules::new(RulesSpec {
//!     starting_price: Money(10_000),
//!     increments: vec![Tier::new(0, 500), Tier::new(50_000, 1_000)],
//!     max_raise: Money(20_000),
//!     deposits: vec![Tier::new(0, 1_000), Tier::new(40_000, 5_000)],
//!     starts_at: 0,
//!     ends_at: 3_600_000,
//!     anti_sniping_ms: 300_000,
//!     reserve: None,
//!     confirm_within_ms: 86_400_000,
//!     pay_within_ms: 259_200_000,
//!     offer_within_ms: 86_400_000,
//! })?;
//! let mut a = Auction::new(rules);
//! a.register("ann", Money(1_000), 0).unwrap();
//! a.register("bob", Money(1_000), 0).unwrap();
//! a.bid("ann", Money(10_000), 1_000).unwrap(); // the first bid may equal the starting price
//! a.set_proxy("bob", Money(12_000), 2_000).unwrap(); // bob's proxy bids 10_500 at once
//! assert_eq!(a.leader(), Some("bob"));
//! assert_eq!(a.current_price(), Some(Money(10_500)));
//! # Ok::<(), auction::RuleError>(())
//! ```
//!
//! ## Rules ([`AuctionRules`], checked once by [`AuctionRules::new`])
//! - **Starting price**; **minimum increment** from a tier table keyed by the current price;
//!   **maximum raise** per bid; **deposit** tier table keyed by the bid amount it covers;
//!   **start** and **end**; **anti-sniping window** N; optional **reserve**; deadlines to
//!   confirm, pay and accept a second-chance offer.
//!
//! ## Bidding ([`Auction::bid`], [`Auction::set_proxy`])
//! - Bids are accepted when `starts_at <= now < ends_at` (end exclusive, possibly extended).
//! - Requests are processed in the order the server receives them; `now` may not go back
//!   before the last accepted request (`clock_went_back`). Server time decides order and end;
//!   ties go to the earliest request.
//! - Only registered, non-excluded bidders may bid, and the paid deposit must cover the amount
//!   (`deposit_too_low` tells the top-up needed). Deposits can be topped up until the end.
//! - A bid must be at least the current price plus the increment for that price (the first bid
//!   may equal the starting price) and at most the current price (starting price for the first
//!   bid) plus the maximum raise. The leader may not bid (`already_leading`).
//! - Bids are never withdrawn; [`Auction::history`] keeps every accepted bid with a strictly
//!   increasing `seq`. The current price and leader are those of the last accepted bid.
//! - **Anti-sniping**: every accepted bid (manual or automatic) at time `t` sets
//!   `end = max(end, t + N)`; an [`Event::EndExtended`] is emitted when that moves the end.
//!
//! ## Proxy bidding
//! A bidder may set a hidden maximum (it must be at least [`Auction::minimum_bid`], covered by
//! the deposit, and may only be raised later). Each request (manual bid or proxy set/raise)
//! gets a *priority* in arrival order. After every accepted request the proxies are resolved by
//! repeating these steps until neither applies:
//!
//! 1. **Raise.** Among proxies of bidders who are not leading, take the strongest one — highest
//!    maximum, then earliest priority. If its maximum is at least the minimum bid, it bids
//!    exactly the minimum bid (one increment above the current price, or the starting price
//!    as the first bid) — [`BidKind::Proxy`]. One increment is always within the maximum raise.
//!    (If the strongest cannot afford it, no weaker proxy can.)
//! 2. **Match (equal maxima, earlier wins).** If no proxy can raise, look for non-leading
//!    proxies whose maximum is at least the current price and whose priority is earlier than
//!    the commitment behind the leading bid (a manual bid's own priority, or the priority of
//!    the proxy that placed an automatic bid). The earliest such proxy takes the lead *at the
//!    same price* — [`BidKind::ProxyMatch`]: it had committed to that amount first, and ties
//!    go to the earliest. This is the only kind of bid that does not raise the price.
//!
//! Consequences: because the state is stable before every request, at most one proxy can act
//! at any step (the newly set one, or that of the bidder just outbid), so resolution is a duel
//! between the last two leaders, one increment at a time; the one with the higher maximum
//! leads at the end, except that a maximum between two increment steps buys nothing beyond the
//! lower step, so a tie on the last reachable amount goes to the earlier proxy. With equal
//! maxima the earlier proxy wins at that amount. Automatic bids appear in the history with the
//! time of the triggering request, produce outbid notices and count for anti-sniping.
//! Example: A sets 1_500 first, B sets 1_500 later (increment 100, start 1_000): A 1_000,
//! B 1_100, A 1_200, B 1_300, A 1_400, B 1_500, A 1_500 (match) — A leads at 1_500. Proxies
//! of bidders who are leading never bid. The leader may raise their own maximum without
//! bidding.
//!
//! ## Settlement ([`Phase`], driven by [`Auction::tick`])
//! - At `now >= ends_at`, `tick` closes bidding: with no bids or the reserve not met the
//!   auction is [`Phase::Unsold`]; otherwise the winner must confirm before
//!   `end + confirm_within_ms`, then pay within `pay_within_ms` of confirming, ending
//!   [`Phase::Paid`]. Every deposit except the winner's is released at the close.
//! - **Paying** ([`Auction::pay`], [`Auction::payment_due`], [`PriceSplit`]): the buyer pays
//!   the price and no more. Their held deposit counts towards it, only the rest is charged
//!   (nothing when the deposit covers the price), and any deposit above the price is
//!   released; [`Event::Paid`] carries the split, to the fen.
//! - A missed deadline is a **default**: the held deposit is forfeited, the bidder is marked a
//!   defaulter, and the marketer chooses ([`Phase::AwaitingDecision`]):
//!   [`Auction::offer_second_chance`] to the runners-up in order ([`Auction::runners_up`]:
//!   distinct bidders other than defaulters and bidders already offered, each at their own
//!   highest bid, highest first, not below the reserve), each offer with its own deadline; an
//!   accepted offer leads to a payment deadline (and default if missed); a declined or lapsed
//!   offer returns to the marketer's choice. Or [`Auction::rerun`] without the defaulters, or
//!   [`Auction::abandon`].
//!
//! Errors ([`BidError`], [`RegisterError`], [`SettlementError`], [`RuleError`]) name the broken
//! rule with a stable `code()` and a human message (`Display`); a refused call changes nothing.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod auction;
mod bid;
mod error;
mod event;
mod proxy;
mod rules;
mod settlement;
mod types;

pub use auction::{Auction, Deposit, DepositStatus};
pub use error::{BidError, RegisterError, SettlementError};
pub use event::{AcceptedBid, BidKind, Event, Outcome};
pub use money::Money;
pub use rules::{AuctionRules, RuleError, RulesSpec, Tier, TierTable};
pub use settlement::{Phase, PriceSplit, UnsoldReason};
pub use types::{BidderId, Millis};
