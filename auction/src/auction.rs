//! The auction's state, its read-only view, and bidder registration.

use crate::error::RegisterError;
use crate::event::{AcceptedBid, Event};
use crate::proxy::Proxy;
use crate::rules::AuctionRules;
use crate::settlement::Phase;
use crate::types::{BidderId, Millis};
use money::Money;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What became of a bidder's deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositStatus {
    /// Held by the auction.
    Held,
    /// To be returned to the bidder.
    Released,
    /// Kept by the seller after a default.
    Forfeited,
    /// Counted towards the price the buyer paid; any part above the price was released
    /// ([`Event::Paid`] tells how much of it was applied and how much released).
    Applied,
}

/// A bidder's deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    /// Total paid.
    pub amount: Money,
    /// Where it stands.
    pub status: DepositStatus,
}

/// One auction: the rules plus all state. Every method takes the current server time and is
/// deterministic; the whole value serializes to JSON for snapshots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auction {
    pub(crate) rules: AuctionRules,
    pub(crate) excluded: BTreeSet<BidderId>,
    pub(crate) deposits: BTreeMap<BidderId, Deposit>,
    pub(crate) proxies: BTreeMap<BidderId, Proxy>,
    pub(crate) history: Vec<AcceptedBid>,
    /// Priority of the commitment behind the leading bid (see `proxy`).
    pub(crate) leading_priority: u64,
    /// Next request priority to hand out.
    pub(crate) next_priority: u64,
    pub(crate) ends_at: Millis,
    pub(crate) last_request_at: Option<Millis>,
    pub(crate) phase: Phase,
    pub(crate) defaulters: BTreeSet<BidderId>,
    pub(crate) offered: BTreeSet<BidderId>,
}

impl Auction {
    /// A new auction, open for registration at once and for bids from `starts_at`.
    pub fn new(rules: AuctionRules) -> Auction {
        Auction::with_excluded(rules, BTreeSet::new())
    }

    /// A new auction that refuses the given bidders (e.g. defaulters of an earlier run).
    pub fn with_excluded(rules: AuctionRules, excluded: BTreeSet<BidderId>) -> Auction {
        let ends_at = rules.spec().ends_at;
        Auction {
            rules,
            excluded,
            deposits: BTreeMap::new(),
            proxies: BTreeMap::new(),
            history: Vec::new(),
            leading_priority: 0,
            next_priority: 1,
            ends_at,
            last_request_at: None,
            phase: Phase::Open,
            defaulters: BTreeSet::new(),
            offered: BTreeSet::new(),
        }
    }

    /// The rules.
    pub fn rules(&self) -> &AuctionRules {
        &self.rules
    }

    /// The current phase.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// Every accepted bid, oldest first.
    pub fn history(&self) -> &[AcceptedBid] {
        &self.history
    }

    /// The current price (the leading bid), or `None` before the first bid.
    pub fn current_price(&self) -> Option<Money> {
        self.history.last().map(|b| b.amount)
    }

    /// The leading bidder, or `None` before the first bid.
    pub fn leader(&self) -> Option<&str> {
        self.history.last().map(|b| b.bidder.as_str())
    }

    /// The end of bidding (exclusive), including anti-sniping extensions.
    pub fn ends_at(&self) -> Millis {
        self.ends_at
    }

    /// The lowest valid bid now: the starting price before the first bid, else the current
    /// price plus the increment for that price.
    pub fn minimum_bid(&self) -> Money {
        match self.current_price() {
            None => self.rules.spec().starting_price,
            Some(p) => p.plus(self.rules.increment_at(p)),
        }
    }

    /// The highest valid bid now: the current price (the starting price before the first bid)
    /// plus the maximum raise.
    pub fn maximum_bid(&self) -> Money {
        let base = self
            .current_price()
            .unwrap_or(self.rules.spec().starting_price);
        base.plus(self.rules.spec().max_raise)
    }

    /// Whether the reserve price (if any) is met by the current price.
    pub fn reserve_met(&self) -> bool {
        match (self.rules.spec().reserve, self.current_price()) {
            (None, Some(_)) => true,
            (Some(r), Some(p)) => p >= r,
            (_, None) => false,
        }
    }

    /// A bidder's deposit, if registered.
    pub fn deposit(&self, bidder: &str) -> Option<Deposit> {
        self.deposits.get(bidder).copied()
    }

    /// A bidder's hidden proxy maximum, if set. Private to that bidder.
    pub fn proxy_max(&self, bidder: &str) -> Option<Money> {
        self.proxies.get(bidder).map(|p| p.max)
    }

    /// Bidders this auction refuses.
    pub fn excluded(&self) -> &BTreeSet<BidderId> {
        &self.excluded
    }

    /// Bidders who defaulted in settlement.
    pub fn defaulters(&self) -> &BTreeSet<BidderId> {
        &self.defaulters
    }

    /// Registers `bidder` with a paid deposit (zero is allowed where the deposit table asks
    /// nothing for low bids). Possible until bidding ends.
    pub fn register(
        &mut self,
        bidder: &str,
        deposit: Money,
        now: Millis,
    ) -> Result<Vec<Event>, RegisterError> {
        self.check_registration_open(bidder, now)?;
        if self.deposits.contains_key(bidder) {
            return Err(RegisterError::AlreadyRegistered);
        }
        if !deposit.in_range() {
            return Err(RegisterError::InvalidAmount);
        }
        self.deposits.insert(
            bidder.to_owned(),
            Deposit {
                amount: deposit,
                status: DepositStatus::Held,
            },
        );
        Ok(vec![Event::Registered {
            bidder: bidder.to_owned(),
            deposit,
        }])
    }

    /// Adds `amount` (positive) to a registered bidder's deposit. Possible until bidding ends.
    pub fn top_up(
        &mut self,
        bidder: &str,
        amount: Money,
        now: Millis,
    ) -> Result<Vec<Event>, RegisterError> {
        self.check_registration_open(bidder, now)?;
        let entry = self
            .deposits
            .get_mut(bidder)
            .ok_or(RegisterError::NotRegistered)?;
        let total = entry
            .amount
            .checked_add(amount)
            .filter(|t| amount > Money::ZERO && t.in_range())
            .ok_or(RegisterError::InvalidAmount)?;
        entry.amount = total;
        Ok(vec![Event::DepositToppedUp {
            bidder: bidder.to_owned(),
            deposit: total,
        }])
    }

    fn check_registration_open(&self, bidder: &str, now: Millis) -> Result<(), RegisterError> {
        if self.phase != Phase::Open || now >= self.ends_at {
            return Err(RegisterError::Ended);
        }
        if self.excluded.contains(bidder) {
            return Err(RegisterError::Excluded);
        }
        Ok(())
    }
}
