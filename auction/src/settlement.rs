//! After bidding: closing, deadlines, defaults, second-chance offers and re-runs.

use crate::auction::{Auction, DepositStatus};
use crate::error::SettlementError;
use crate::event::Event;
use crate::rules::AuctionRules;
use crate::types::{BidderId, Millis};
use money::Money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why an auction ended without a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsoldReason {
    /// Nobody bid.
    NoBids,
    /// The highest bid stayed below the reserve price.
    ReserveNotMet,
    /// The marketer gave up after defaults.
    Abandoned,
}

/// How a buyer meets the price: the deposit they hold counts towards it, the rest is charged,
/// and any deposit above the price is released (returned). Built by [`PriceSplit::new`] with
/// checked arithmetic, so `deposit_applied + charged == price` and
/// `deposit_applied + deposit_released == deposit` hold exactly, to the fen.
///
/// ```
/// use auction::{Money, PriceSplit};
///
/// // A 5,000 CNY deposit and a 1,000 CNY price: nothing to charge, 4,000 CNY returned.
/// let s = PriceSplit::new(Money::from_yuan(1_000), Money::from_yuan(5_000)).unwrap();
/// assert_eq!(s.deposit_applied, Money::from_yuan(1_000));
/// assert_eq!(s.deposit_released, Money::from_yuan(4_000));
/// assert_eq!(s.charged, Money::ZERO);
/// // A 500 CNY deposit: 500 CNY charged, the whole deposit applied.
/// let s = PriceSplit::new(Money::from_yuan(1_000), Money::from_yuan(500)).unwrap();
/// assert_eq!((s.deposit_applied, s.deposit_released, s.charged),
///            (Money::from_yuan(500), Money::ZERO, Money::from_yuan(500)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSplit {
    /// The price.
    pub price: Money,
    /// The part of the deposit counted towards the price: the smaller of the two.
    pub deposit_applied: Money,
    /// The part of the deposit above the price, returned to the buyer.
    pub deposit_released: Money,
    /// What the buyer pays on top of the deposit.
    pub charged: Money,
}

impl PriceSplit {
    /// The split of `price` against a held `deposit`; `None` if either is outside
    /// `0..=Money::MAX`.
    pub fn new(price: Money, deposit: Money) -> Option<PriceSplit> {
        if !price.in_range() || !deposit.in_range() {
            return None;
        }
        let deposit_applied = price.min(deposit);
        Some(PriceSplit {
            price,
            deposit_applied,
            deposit_released: deposit.checked_sub(deposit_applied)?,
            charged: price.checked_sub(deposit_applied)?,
        })
    }
}

/// Where the auction stands. Deadlines are exclusive: at `now >= deadline` the step is late.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Taking registrations, and bids between the start and the (possibly extended) end.
    Open,
    /// Ended without a sale (final).
    Unsold {
        /// Why.
        reason: UnsoldReason,
    },
    /// The winner must confirm by `deadline` (the end plus `confirm_within_ms`).
    AwaitingConfirmation {
        /// The winner.
        bidder: BidderId,
        /// The price.
        amount: Money,
        /// Deadline (UTC ms).
        deadline: Millis,
    },
    /// The buyer must pay by `deadline`.
    AwaitingPayment {
        /// The buyer (the winner, or a runner-up who accepted an offer).
        bidder: BidderId,
        /// The price.
        amount: Money,
        /// Deadline (UTC ms).
        deadline: Millis,
    },
    /// Sold and paid (final).
    Paid {
        /// The buyer.
        bidder: BidderId,
        /// The price.
        amount: Money,
    },
    /// A buyer defaulted or an offer was not taken: the marketer chooses between
    /// [`Auction::offer_second_chance`], [`Auction::rerun`] and [`Auction::abandon`].
    AwaitingDecision,
    /// A runner-up may accept the edition at their own highest bid until `deadline`.
    SecondChanceOffered {
        /// The runner-up.
        bidder: BidderId,
        /// Their highest bid.
        amount: Money,
        /// Deadline (UTC ms).
        deadline: Millis,
    },
    /// Replaced by a re-run (final).
    RerunScheduled,
}

impl Auction {
    /// Advances time to `now`: closes bidding once `now >= ends_at`, and turns missed
    /// confirmation / payment deadlines into defaults and missed offer deadlines into lapsed
    /// offers. Repeats until nothing more is due, so one late tick catches up fully. Calling it
    /// again with the same `now` does nothing.
    pub fn tick(&mut self, now: Millis) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            match self.phase.clone() {
                Phase::Open if now >= self.ends_at => self.close(&mut events),
                Phase::AwaitingConfirmation {
                    bidder,
                    amount,
                    deadline,
                }
                | Phase::AwaitingPayment {
                    bidder,
                    amount,
                    deadline,
                } if now >= deadline => self.default(bidder, amount, &mut events),
                Phase::SecondChanceOffered {
                    bidder, deadline, ..
                } if now >= deadline => {
                    events.push(Event::OfferExpired { bidder });
                    self.phase = Phase::AwaitingDecision;
                }
                _ => return events,
            }
        }
    }

    fn close(&mut self, events: &mut Vec<Event>) {
        let winner = self.history.last().map(|b| (b.bidder.clone(), b.amount));
        events.push(Event::Closed {
            leader: winner.as_ref().map(|w| w.0.clone()),
            price: winner.as_ref().map(|w| w.1),
        });
        let sold = match winner {
            None => {
                self.phase = Phase::Unsold {
                    reason: UnsoldReason::NoBids,
                };
                None
            }
            Some(_) if !self.reserve_met() => {
                self.phase = Phase::Unsold {
                    reason: UnsoldReason::ReserveNotMet,
                };
                None
            }
            Some((bidder, amount)) => {
                let deadline = self
                    .ends_at
                    .saturating_add(self.rules.spec().confirm_within_ms);
                self.phase = Phase::AwaitingConfirmation {
                    bidder: bidder.clone(),
                    amount,
                    deadline,
                };
                Some((bidder, amount, deadline))
            }
        };
        if let Phase::Unsold { reason } = self.phase {
            events.push(Event::Unsold { reason });
        }
        let winner_id = sold.as_ref().map(|s| s.0.clone());
        for (bidder, deposit) in self.deposits.iter_mut() {
            if Some(bidder) != winner_id.as_ref() && deposit.status == DepositStatus::Held {
                deposit.status = DepositStatus::Released;
                events.push(Event::DepositReleased {
                    bidder: bidder.clone(),
                    amount: deposit.amount,
                });
            }
        }
        if let Some((bidder, amount, deadline)) = sold {
            events.push(Event::ConfirmationRequested {
                bidder,
                amount,
                deadline,
            });
        }
    }

    fn default(&mut self, bidder: BidderId, amount: Money, events: &mut Vec<Event>) {
        events.push(Event::Defaulted {
            bidder: bidder.clone(),
            amount,
        });
        if let Some(d) = self.deposits.get_mut(&bidder) {
            if d.status == DepositStatus::Held {
                d.status = DepositStatus::Forfeited;
                events.push(Event::DepositForfeited {
                    bidder: bidder.clone(),
                    amount: d.amount,
                });
            }
        }
        self.defaulters.insert(bidder);
        self.phase = Phase::AwaitingDecision;
    }

    /// The winner confirms before the confirmation deadline; a payment deadline starts.
    pub fn confirm(&mut self, bidder: &str, now: Millis) -> Result<Vec<Event>, SettlementError> {
        let Phase::AwaitingConfirmation {
            bidder: winner,
            amount,
            deadline,
        } = self.phase.clone()
        else {
            return Err(SettlementError::WrongPhase);
        };
        check_turn(&winner, bidder, deadline, now)?;
        Ok(vec![self.await_payment(winner, amount, now)])
    }

    /// What `bidder` must pay now to complete the purchase ([`Phase::AwaitingPayment`]): the
    /// price against their held deposit ([`PriceSplit`]). A runner-up's deposit was released at
    /// the close, so they pay the whole price.
    pub fn payment_due(&self, bidder: &str) -> Result<PriceSplit, SettlementError> {
        let Phase::AwaitingPayment {
            bidder: buyer,
            amount,
            ..
        } = &self.phase
        else {
            return Err(SettlementError::WrongPhase);
        };
        if buyer != bidder {
            return Err(SettlementError::NotTheBidder);
        }
        let held = self
            .deposits
            .get(buyer)
            .filter(|d| d.status == DepositStatus::Held)
            .map_or(Money::ZERO, |d| d.amount);
        PriceSplit::new(*amount, held).ok_or(SettlementError::AmountOutOfRange)
    }

    /// The buyer pays before the payment deadline: `charged` on top of their held deposit,
    /// exactly what [`Auction::payment_due`] says (zero when the deposit covers the price). The
    /// sale is complete; the deposit is applied to the price and any part above it released,
    /// as [`Event::Paid`] tells.
    pub fn pay(
        &mut self,
        bidder: &str,
        charged: Money,
        now: Millis,
    ) -> Result<Vec<Event>, SettlementError> {
        let Phase::AwaitingPayment {
            bidder: buyer,
            amount,
            deadline,
        } = self.phase.clone()
        else {
            return Err(SettlementError::WrongPhase);
        };
        check_turn(&buyer, bidder, deadline, now)?;
        let split = self.payment_due(&buyer)?;
        if charged != split.charged {
            return Err(SettlementError::WrongAmount { due: split.charged });
        }
        if let Some(d) = self.deposits.get_mut(&buyer) {
            if d.status == DepositStatus::Held {
                d.status = DepositStatus::Applied;
            }
        }
        self.phase = Phase::Paid {
            bidder: buyer.clone(),
            amount,
        };
        Ok(vec![Event::Paid {
            bidder: buyer,
            amount,
            deposit_applied: split.deposit_applied,
            deposit_released: split.deposit_released,
            charged: split.charged,
        }])
    }

    /// Runners-up in offer order: distinct bidders, each at their own highest bid, highest
    /// first (equal amounts: who reached it first), leaving out defaulters, bidders already
    /// offered, and bids below the reserve.
    pub fn runners_up(&self) -> Vec<(BidderId, Money)> {
        let mut best: BTreeMap<&str, (Money, u64)> = BTreeMap::new();
        for b in &self.history {
            let e = best.entry(&b.bidder).or_insert((b.amount, b.seq));
            if b.amount > e.0 {
                *e = (b.amount, b.seq);
            }
        }
        let reserve = self.rules.spec().reserve.unwrap_or(Money::ZERO);
        let mut list: Vec<(&str, Money, u64)> = best
            .into_iter()
            .filter(|(b, (amount, _))| {
                !self.defaulters.contains(*b) && !self.offered.contains(*b) && *amount >= reserve
            })
            .map(|(b, (amount, seq))| (b, amount, seq))
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        list.into_iter()
            .map(|(b, amount, _)| (b.to_owned(), amount))
            .collect()
    }

    /// After a default, offers the edition to the next runner-up at their own highest bid,
    /// with a deadline of `now + offer_within_ms`.
    pub fn offer_second_chance(&mut self, now: Millis) -> Result<Vec<Event>, SettlementError> {
        if self.phase != Phase::AwaitingDecision {
            return Err(SettlementError::WrongPhase);
        }
        let (bidder, amount) = self
            .runners_up()
            .into_iter()
            .next()
            .ok_or(SettlementError::NoRunnerUp)?;
        let deadline = now.saturating_add(self.rules.spec().offer_within_ms);
        self.offered.insert(bidder.clone());
        self.phase = Phase::SecondChanceOffered {
            bidder: bidder.clone(),
            amount,
            deadline,
        };
        Ok(vec![Event::SecondChanceOffered {
            bidder,
            amount,
            deadline,
        }])
    }

    /// The offered runner-up accepts before the offer's deadline; a payment deadline starts.
    pub fn accept_offer(
        &mut self,
        bidder: &str,
        now: Millis,
    ) -> Result<Vec<Event>, SettlementError> {
        let Phase::SecondChanceOffered {
            bidder: offeree,
            amount,
            deadline,
        } = self.phase.clone()
        else {
            return Err(SettlementError::WrongPhase);
        };
        check_turn(&offeree, bidder, deadline, now)?;
        Ok(vec![self.await_payment(offeree, amount, now)])
    }

    /// The offered runner-up declines (not a default); the marketer decides again.
    pub fn decline_offer(
        &mut self,
        bidder: &str,
        now: Millis,
    ) -> Result<Vec<Event>, SettlementError> {
        let Phase::SecondChanceOffered {
            bidder: offeree,
            deadline,
            ..
        } = self.phase.clone()
        else {
            return Err(SettlementError::WrongPhase);
        };
        check_turn(&offeree, bidder, deadline, now)?;
        self.phase = Phase::AwaitingDecision;
        Ok(vec![Event::OfferDeclined { bidder: offeree }])
    }

    /// After a default, the marketer re-runs the auction with new `rules`: returns the new
    /// auction, which refuses every defaulter (and everyone this one refused).
    pub fn rerun(&mut self, rules: AuctionRules) -> Result<(Auction, Vec<Event>), SettlementError> {
        if self.phase != Phase::AwaitingDecision {
            return Err(SettlementError::WrongPhase);
        }
        let excluded: std::collections::BTreeSet<BidderId> =
            self.excluded.union(&self.defaulters).cloned().collect();
        self.phase = Phase::RerunScheduled;
        let event = Event::RerunScheduled {
            excluded: excluded.iter().cloned().collect(),
        };
        Ok((Auction::with_excluded(rules, excluded), vec![event]))
    }

    /// After a default, the marketer gives up: the auction ends unsold.
    pub fn abandon(&mut self) -> Result<Vec<Event>, SettlementError> {
        if self.phase != Phase::AwaitingDecision {
            return Err(SettlementError::WrongPhase);
        }
        let reason = UnsoldReason::Abandoned;
        self.phase = Phase::Unsold { reason };
        Ok(vec![Event::Unsold { reason }])
    }

    fn await_payment(&mut self, bidder: BidderId, amount: Money, now: Millis) -> Event {
        let deadline = now.saturating_add(self.rules.spec().pay_within_ms);
        self.phase = Phase::AwaitingPayment {
            bidder: bidder.clone(),
            amount,
            deadline,
        };
        Event::PaymentRequested {
            bidder,
            amount,
            deadline,
        }
    }
}

fn check_turn(
    expected: &str,
    bidder: &str,
    deadline: Millis,
    now: Millis,
) -> Result<(), SettlementError> {
    if expected != bidder {
        return Err(SettlementError::NotTheBidder);
    }
    if now >= deadline {
        return Err(SettlementError::DeadlinePassed { deadline });
    }
    Ok(())
}
