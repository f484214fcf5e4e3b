//! What happened: accepted bids and events a server persists and broadcasts.

use crate::settlement::UnsoldReason;
use crate::types::{BidderId, Millis};
use money::Money;
use serde::{Deserialize, Serialize};

/// How a bid came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidKind {
    /// Placed by the bidder.
    Manual,
    /// Placed by the system for the bidder's proxy maximum: exactly one minimum increment above
    /// the current price (or the starting price as the first bid).
    Proxy,
    /// Placed by the system for an earlier proxy whose maximum reaches the current price but not
    /// the next increment: the tie goes to the earlier commitment, so it takes the lead at the
    /// same price (see the crate docs).
    ProxyMatch,
}

/// One accepted bid. Bids are never withdrawn; the history keeps all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedBid {
    /// 1, 2, 3, … in order of acceptance.
    pub seq: u64,
    /// Who holds the bid.
    pub bidder: BidderId,
    /// The amount.
    pub amount: Money,
    /// Server time of the request that produced it (automatic bids carry the time of the
    /// request that triggered them).
    pub at: Millis,
    /// Manual or automatic.
    pub kind: BidKind,
}

/// Something that happened, in order. Everything but [`Event::ProxySet`] may be shown to
/// watchers; a proxy maximum is private to its bidder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A bidder registered with a deposit.
    Registered {
        /// The bidder.
        bidder: BidderId,
        /// The deposit paid.
        deposit: Money,
    },
    /// A bidder topped up their deposit.
    DepositToppedUp {
        /// The bidder.
        bidder: BidderId,
        /// The new total deposit.
        deposit: Money,
    },
    /// A bidder set or raised their proxy maximum. Private: do not broadcast.
    ProxySet {
        /// The bidder.
        bidder: BidderId,
        /// The hidden maximum.
        max: Money,
    },
    /// A bid was accepted (manual or automatic).
    BidAccepted(AcceptedBid),
    /// `bidder` lost the lead; `price` is the new current price.
    Outbid {
        /// The previous leader.
        bidder: BidderId,
        /// The new current price.
        price: Money,
    },
    /// Anti-sniping moved the end.
    EndExtended {
        /// The previous end.
        from: Millis,
        /// The new end.
        to: Millis,
    },
    /// Bidding closed.
    Closed {
        /// The highest bidder, if anyone bid.
        leader: Option<BidderId>,
        /// The final price, if anyone bid.
        price: Option<Money>,
    },
    /// The auction ended without a sale.
    Unsold {
        /// Why.
        reason: UnsoldReason,
    },
    /// A deposit is to be returned.
    DepositReleased {
        /// The bidder.
        bidder: BidderId,
        /// The amount to return.
        amount: Money,
    },
    /// A deposit is kept by the seller.
    DepositForfeited {
        /// The defaulter.
        bidder: BidderId,
        /// The amount kept.
        amount: Money,
    },
    /// The winner must confirm by `deadline`.
    ConfirmationRequested {
        /// The winner.
        bidder: BidderId,
        /// The price.
        amount: Money,
        /// The deadline (UTC ms, exclusive).
        deadline: Millis,
    },
    /// The buyer must pay by `deadline`.
    PaymentRequested {
        /// The buyer.
        bidder: BidderId,
        /// The price.
        amount: Money,
        /// The deadline (UTC ms, exclusive).
        deadline: Millis,
    },
    /// The buyer paid; the sale is complete. The buyer's held deposit counts towards the price
    /// and the rest was charged ([`PriceSplit`](crate::PriceSplit)):
    /// `deposit_applied + charged == amount`, and `deposit_applied + deposit_released` is the
    /// whole deposit held. A runner-up's deposit was released at the close, so they apply none.
    Paid {
        /// The buyer.
        bidder: BidderId,
        /// The price.
        amount: Money,
        /// The part of the held deposit counted towards the price (at most the price).
        deposit_applied: Money,
        /// The part of the held deposit above the price: to be returned to the buyer.
        deposit_released: Money,
        /// What the buyer paid on top of the deposit (zero when the deposit covers the price).
        charged: Money,
    },
    /// The buyer missed a deadline.
    Defaulted {
        /// The defaulter.
        bidder: BidderId,
        /// The price they failed to confirm or pay.
        amount: Money,
    },
    /// A runner-up was offered the edition at their own highest bid.
    SecondChanceOffered {
        /// The runner-up.
        bidder: BidderId,
        /// Their highest bid.
        amount: Money,
        /// The deadline to accept (UTC ms, exclusive).
        deadline: Millis,
    },
    /// The runner-up declined the offer.
    OfferDeclined {
        /// The runner-up.
        bidder: BidderId,
    },
    /// The offer lapsed unanswered.
    OfferExpired {
        /// The runner-up.
        bidder: BidderId,
    },
    /// The marketer chose to re-run the auction without these bidders.
    RerunScheduled {
        /// Every bidder excluded from the re-run.
        excluded: Vec<BidderId>,
    },
}

/// The result of an accepted bid or proxy request: every event it caused, in order (the
/// request's own bid, then automatic proxy bids, outbid notices and end extensions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The events, in order.
    pub events: Vec<Event>,
}

impl Outcome {
    /// The bids accepted by this request, in order.
    pub fn accepted(&self) -> impl Iterator<Item = &AcceptedBid> {
        self.events.iter().filter_map(|e| match e {
            Event::BidAccepted(b) => Some(b),
            _ => None,
        })
    }

    /// The new end, if this request extended it.
    pub fn extended_to(&self) -> Option<Millis> {
        self.events.iter().rev().find_map(|e| match e {
            Event::EndExtended { to, .. } => Some(*to),
            _ => None,
        })
    }
}
