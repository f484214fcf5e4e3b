//! Placing bids and proxy maxima: the rule checks and the acceptance of a bid.

use crate::auction::Auction;
use crate::error::BidError;
use crate::event::{AcceptedBid, BidKind, Event, Outcome};
use crate::proxy::Proxy;
use crate::settlement::Phase;
use crate::types::Millis;
use money::Money;

impl Auction {
    /// Places a manual bid of `amount` for `bidder` at server time `now`, then lets proxies
    /// respond. Checks, in this order (the first broken rule is reported): the auction is open
    /// and `starts_at <= now < ends_at`; `now` is not before the last accepted request; the
    /// bidder is not excluded and is registered; the bidder is not leading;
    /// `minimum_bid() <= amount <= maximum_bid()`; the deposit covers `amount`.
    pub fn bid(&mut self, bidder: &str, amount: Money, now: Millis) -> Result<Outcome, BidError> {
        self.check_common(bidder, now)?;
        if self.leader() == Some(bidder) {
            return Err(BidError::AlreadyLeading);
        }
        let minimum = self.minimum_bid();
        if amount < minimum {
            return Err(BidError::BelowMinimum { minimum });
        }
        let maximum = self.maximum_bid();
        if amount > maximum {
            return Err(BidError::AboveMaxRaise { maximum });
        }
        self.check_deposit(bidder, amount)?;

        let mut events = Vec::new();
        let priority = self.take_priority(now);
        self.accept(bidder, amount, BidKind::Manual, priority, now, &mut events);
        self.resolve_proxies(now, &mut events);
        Ok(Outcome { events })
    }

    /// Sets or raises `bidder`'s hidden proxy maximum at server time `now`, then resolves the
    /// proxies (which places the bidder's first automatic bid unless they lead already). Checks
    /// the same timing and registration rules as [`Auction::bid`], then: a new maximum must be
    /// above the bidder's current one; `max >= minimum_bid()`; `max <= Money::MAX`; the deposit
    /// covers `max`. The leader may set or raise a maximum without bidding.
    pub fn set_proxy(
        &mut self,
        bidder: &str,
        max: Money,
        now: Millis,
    ) -> Result<Outcome, BidError> {
        self.check_common(bidder, now)?;
        if let Some(p) = self.proxies.get(bidder) {
            if max <= p.max {
                return Err(BidError::ProxyNotRaised { current: p.max });
            }
        }
        let minimum = self.minimum_bid();
        if max < minimum {
            return Err(BidError::ProxyBelowMinimum { minimum });
        }
        if max > Money::MAX {
            return Err(BidError::AmountOutOfRange);
        }
        self.check_deposit(bidder, max)?;

        let priority = self.take_priority(now);
        self.proxies.insert(
            bidder.to_owned(),
            Proxy {
                max,
                priority,
                set_at: now,
            },
        );
        let mut events = vec![Event::ProxySet {
            bidder: bidder.to_owned(),
            max,
        }];
        self.resolve_proxies(now, &mut events);
        Ok(Outcome { events })
    }

    fn check_common(&self, bidder: &str, now: Millis) -> Result<(), BidError> {
        if self.phase != Phase::Open {
            return Err(BidError::Ended {
                ended_at: self.ends_at,
            });
        }
        let starts_at = self.rules.spec().starts_at;
        if now < starts_at {
            return Err(BidError::NotStarted { starts_at });
        }
        if now >= self.ends_at {
            return Err(BidError::Ended {
                ended_at: self.ends_at,
            });
        }
        if let Some(last) = self.last_request_at.filter(|&last| now < last) {
            return Err(BidError::ClockWentBack { now, last });
        }
        if self.excluded.contains(bidder) {
            return Err(BidError::Excluded);
        }
        if !self.deposits.contains_key(bidder) {
            return Err(BidError::NotRegistered);
        }
        Ok(())
    }

    fn check_deposit(&self, bidder: &str, amount: Money) -> Result<(), BidError> {
        let paid = self.deposits.get(bidder).map_or(Money::ZERO, |d| d.amount);
        let required = self.rules.deposit_for(amount);
        if paid < required {
            return Err(BidError::DepositTooLow {
                required,
                top_up: required.minus(paid),
            });
        }
        Ok(())
    }

    /// Hands out the next request priority (lower = earlier) and records the request time.
    fn take_priority(&mut self, now: Millis) -> u64 {
        let p = self.next_priority;
        self.next_priority += 1;
        self.last_request_at = Some(now);
        p
    }

    /// Appends an accepted bid and applies its effects: outbid notice, anti-sniping.
    pub(crate) fn accept(
        &mut self,
        bidder: &str,
        amount: Money,
        kind: BidKind,
        priority: u64,
        now: Millis,
        events: &mut Vec<Event>,
    ) {
        let previous = self.leader().map(str::to_owned);
        let bid = AcceptedBid {
            seq: self.history.len() as u64 + 1,
            bidder: bidder.to_owned(),
            amount,
            at: now,
            kind,
        };
        self.history.push(bid.clone());
        self.leading_priority = priority;
        events.push(Event::BidAccepted(bid));
        if let Some(previous) = previous {
            events.push(Event::Outbid {
                bidder: previous,
                price: amount,
            });
        }
        let extended = self
            .ends_at
            .max(now.saturating_add(self.rules.spec().anti_sniping_ms));
        if extended > self.ends_at {
            events.push(Event::EndExtended {
                from: self.ends_at,
                to: extended,
            });
            self.ends_at = extended;
        }
    }
}
