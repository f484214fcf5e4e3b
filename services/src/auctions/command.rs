//! The commands an auction's log holds, and how one is applied to the state machine. Replaying
//! the log applies the same commands at the same times, so every server rebuilds the same state.

use auction::{Auction, AuctionRules, Event, Millis, Money, Phase};
use serde::{Deserialize, Serialize};

use models::error::{AppError, RuleDetails};
use models::{AuctionPhase, Notice};

/// One accepted request, as the log stores it. Bidders are account ids (the log is private).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum Command {
    /// A deposit payment succeeded: registers the bidder, or tops their deposit up.
    Deposit {
        bidder: String,
        amount: i64,
        payment: String,
    },
    /// A manual bid.
    Bid { bidder: String, amount: i64 },
    /// A hidden proxy maximum (set or raised).
    Proxy { bidder: String, max: i64 },
    /// Time passed: close at the end, fire settlement deadlines.
    Tick,
    /// The winner confirms.
    Confirm { bidder: String },
    /// The buyer pays the price: `charged` fen through the provider payment `payment`, on top
    /// of the deposit they hold (`Auction::payment_due`). When the deposit covers the price
    /// nothing is charged, and the command carries no payment and `charged: 0`: the sale is
    /// settled inside the auction at once. (Not a zero-amount provider charge: there is no
    /// money to move, so no round trip to wait for and no payment row, whose amounts are
    /// positive.) Entries logged before `charged` existed carry none: they paid what was due.
    Pay {
        bidder: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payment: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        charged: Option<i64>,
    },
    /// The marketer offers the edition to the next runner-up.
    Offer,
    /// A runner-up accepts the offer.
    Accept { bidder: String },
    /// A runner-up declines the offer.
    Decline { bidder: String },
    /// The marketer re-runs the auction as `new_id` (with new rules).
    Rerun {
        new_id: String,
        rules: auction::RulesSpec,
    },
    /// The marketer gives up after a default.
    Abandon,
}

impl Command {
    /// The payment this command counts, if any.
    pub(crate) fn payment(&self) -> Option<&str> {
        match self {
            Command::Deposit { payment, .. } => Some(payment),
            Command::Pay { payment, .. } => payment.as_deref(),
            _ => None,
        }
    }

    /// The account this command acts for, if any.
    pub(crate) fn bidder(&self) -> Option<&str> {
        match self {
            Command::Deposit { bidder, .. }
            | Command::Bid { bidder, .. }
            | Command::Proxy { bidder, .. }
            | Command::Confirm { bidder }
            | Command::Pay { bidder, .. }
            | Command::Accept { bidder }
            | Command::Decline { bidder } => Some(bidder),
            _ => None,
        }
    }

    /// Applies the command at server time `now`. A refusal changes nothing.
    pub(crate) fn apply(&self, state: &mut Auction, now: Millis) -> Result<Vec<Event>, AppError> {
        match self {
            Command::Deposit { bidder, amount, .. } => if state.deposit(bidder).is_some() {
                state.top_up(bidder, Money(*amount), now)
            } else {
                state.register(bidder, Money(*amount), now)
            }
            .map_err(|e| rule_broken(e.code(), e.to_string())),
            Command::Bid { bidder, amount } => state
                .bid(bidder, Money(*amount), now)
                .map(|o| o.events)
                .map_err(bid_error),
            Command::Proxy { bidder, max } => state
                .set_proxy(bidder, Money(*max), now)
                .map(|o| o.events)
                .map_err(bid_error),
            Command::Tick => Ok(state.tick(now)),
            Command::Confirm { bidder } => state.confirm(bidder, now).map_err(settlement),
            Command::Pay {
                bidder, charged, ..
            } => {
                let charged = match charged {
                    Some(fen) => Money(*fen),
                    None => state.payment_due(bidder).map_err(settlement)?.charged,
                };
                state.pay(bidder, charged, now).map_err(settlement)
            }
            Command::Offer => state.offer_second_chance(now).map_err(settlement),
            Command::Accept { bidder } => state.accept_offer(bidder, now).map_err(settlement),
            Command::Decline { bidder } => state.decline_offer(bidder, now).map_err(settlement),
            Command::Rerun { rules, .. } => {
                let rules = AuctionRules::new(rules.clone())
                    .map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
                state.rerun(rules).map(|(_, e)| e).map_err(settlement)
            }
            Command::Abandon => state.abandon().map_err(settlement),
        }
    }
}

fn rule_broken(code: &str, message: String) -> AppError {
    AppError::AuctionRule {
        rule: code.to_string(),
        message,
        details: None,
    }
}

fn bid_error(error: auction::BidError) -> AppError {
    AppError::AuctionRule {
        rule: error.code().to_string(),
        message: error.to_string(),
        details: Some(Box::new(details(&error))),
    }
}

/// The amounts of a bid's refusal, as the wire has always carried them: the error's own fields
/// under its `code`.
fn details(error: &auction::BidError) -> RuleDetails {
    use auction::BidError as E;
    let details = RuleDetails {
        code: error.code().to_string(),
        ..RuleDetails::default()
    };
    match *error {
        E::NotStarted { starts_at } => RuleDetails {
            starts_at: Some(starts_at),
            ..details
        },
        E::Ended { ended_at } => RuleDetails {
            ended_at: Some(ended_at),
            ..details
        },
        E::ClockWentBack { now, last } => RuleDetails {
            now: Some(now),
            last: Some(last),
            ..details
        },
        E::BelowMinimum { minimum } | E::ProxyBelowMinimum { minimum } => RuleDetails {
            minimum: Some(minimum.get()),
            ..details
        },
        E::AboveMaxRaise { maximum } => RuleDetails {
            maximum: Some(maximum.get()),
            ..details
        },
        E::DepositTooLow { required, top_up } => RuleDetails {
            required: Some(required.get()),
            top_up: Some(top_up.get()),
            ..details
        },
        E::ProxyNotRaised { current } => RuleDetails {
            current: Some(current.get()),
            ..details
        },
        E::Excluded | E::NotRegistered | E::AlreadyLeading | E::AmountOutOfRange => details,
    }
}

fn settlement(error: auction::SettlementError) -> AppError {
    rule_broken(error.code(), error.to_string())
}

/// The phase as the wire (and the `phase` column) names it.
pub(crate) fn public_phase(phase: &Phase) -> AuctionPhase {
    match phase {
        Phase::Open => AuctionPhase::Open,
        Phase::Unsold { .. } => AuctionPhase::Unsold,
        Phase::AwaitingConfirmation { .. } => AuctionPhase::AwaitingConfirmation,
        Phase::AwaitingPayment { .. } => AuctionPhase::AwaitingPayment,
        Phase::Paid { .. } => AuctionPhase::Paid,
        Phase::AwaitingDecision => AuctionPhase::AwaitingDecision,
        Phase::SecondChanceOffered { .. } => AuctionPhase::SecondChanceOffered,
        Phase::RerunScheduled => AuctionPhase::RerunScheduled,
    }
}

/// When the state machine must next be ticked: the end while open, else the running deadline.
pub(crate) fn next_due(state: &Auction) -> Option<Millis> {
    match state.phase() {
        Phase::Open => Some(state.ends_at()),
        Phase::AwaitingConfirmation { deadline, .. }
        | Phase::AwaitingPayment { deadline, .. }
        | Phase::SecondChanceOffered { deadline, .. } => Some(*deadline),
        _ => None,
    }
}

/// The event in a feed entry's notices; `None` for events only the bidder may see.
pub(crate) fn notice(event: &Event) -> Option<Notice> {
    Some(match event {
        Event::Registered { .. } => Notice::Registered,
        Event::DepositToppedUp { .. } | Event::ProxySet { .. } => return None,
        Event::BidAccepted(_) | Event::Outbid { .. } => return None,
        Event::EndExtended { .. } => Notice::EndExtended,
        Event::Closed { .. } => Notice::Closed,
        Event::Unsold { .. } => Notice::Unsold,
        Event::DepositReleased { .. } => Notice::DepositReleased,
        Event::DepositForfeited { .. } => Notice::DepositForfeited,
        Event::ConfirmationRequested { .. } => Notice::ConfirmationRequested,
        Event::PaymentRequested { .. } => Notice::PaymentRequested,
        Event::Paid { .. } => Notice::Paid,
        Event::Defaulted { .. } => Notice::Defaulted,
        Event::SecondChanceOffered { .. } => Notice::SecondChanceOffered,
        Event::OfferDeclined { .. } => Notice::OfferDeclined,
        Event::OfferExpired { .. } => Notice::OfferExpired,
        Event::RerunScheduled { .. } => Notice::RerunScheduled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use auction::{RulesSpec, Tier};

    fn sold(deposit: i64) -> Auction {
        let rules = AuctionRules::new(RulesSpec {
            starting_price: Money(1_000),
            increments: vec![Tier::new(0, 100)],
            max_raise: Money(1_000),
            deposits: vec![Tier::new(0, 100)],
            starts_at: 0,
            ends_at: 10_000,
            anti_sniping_ms: 0,
            reserve: None,
            confirm_within_ms: 1_000,
            pay_within_ms: 1_000,
            offer_within_ms: 1_000,
        })
        .expect("rules");
        let mut a = Auction::new(rules);
        a.register("ann", Money(deposit), 0).expect("register");
        a.bid("ann", Money(1_000), 1).expect("bid");
        a.tick(10_000);
        a.confirm("ann", 10_000).expect("confirm");
        a
    }

    #[test]
    fn a_pay_entry_logged_before_the_amount_was_replays_as_paying_what_was_due() {
        let old: Command =
            serde_json::from_str(r#"{"op":"pay","bidder":"ann","payment":"aup_1"}"#).unwrap();
        assert_eq!(
            old,
            Command::Pay {
                bidder: "ann".into(),
                payment: Some("aup_1".into()),
                charged: None,
            }
        );
        let mut a = sold(300);
        let events = old.apply(&mut a, 10_001).unwrap();
        assert!(matches!(
            events.as_slice(),
            [Event::Paid {
                charged: Money(700),
                ..
            }]
        ));
    }

    #[test]
    fn a_pay_without_a_payment_settles_from_the_deposit_and_round_trips() {
        let pay = Command::Pay {
            bidder: "ann".into(),
            payment: None,
            charged: Some(0),
        };
        let json = serde_json::to_string(&pay).unwrap();
        assert_eq!(json, r#"{"op":"pay","bidder":"ann","charged":0}"#);
        assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), pay);
        assert_eq!(pay.payment(), None);
        // Not when something is due: the auction refuses it (and a charge of the wrong amount).
        let refused = pay.apply(&mut sold(300), 10_001).unwrap_err();
        assert!(
            matches!(&refused, AppError::AuctionRule { rule, .. } if rule == "wrong_amount"),
            "{refused:?}"
        );
        let events = pay.apply(&mut sold(5_000), 10_001).unwrap();
        assert!(matches!(
            events.as_slice(),
            [Event::Paid {
                deposit_applied: Money(1_000),
                deposit_released: Money(4_000),
                charged: Money(0),
                ..
            }]
        ));
    }

    use auction::BidError;
    use models::BidKind;
    use sqlx::Row;

    /// States are bound and read as their wire names; a name no variant has is an error (an
    /// internal one for the caller), never a panic.
    #[tokio::test]
    async fn stored_states_are_their_wire_names() {
        sqlx::any::install_default_drivers();
        let db = sqlx::AnyPool::connect("sqlite::memory:").await.unwrap();
        let row = sqlx::query("SELECT $1 AS phase, 'proxy_match' AS kind, 'bogus' AS bad")
            .bind(AuctionPhase::AwaitingPayment)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(
            row.try_get::<String, _>("phase").unwrap(),
            "awaiting_payment"
        );
        assert_eq!(
            row.try_get::<AuctionPhase, _>("phase").unwrap(),
            AuctionPhase::AwaitingPayment
        );
        assert_eq!(
            row.try_get::<BidKind, _>("kind").unwrap(),
            BidKind::ProxyMatch
        );
        let error = row.try_get::<BidKind, _>("bad").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unknown stored bid kind `bogus`"),
            "{error}"
        );
        assert!(matches!(AppError::from(error), AppError::Internal { .. }));
    }

    /// The typed details serialize exactly as the refusal itself always did (field names,
    /// order, amounts as bare fen): API clients and stored answers read them.
    #[test]
    fn refusal_details_are_the_errors_own_json() {
        let m = Money(1_234_500);
        for error in [
            BidError::NotStarted { starts_at: 1_000 },
            BidError::Ended { ended_at: 2_000 },
            BidError::ClockWentBack {
                now: 3_000,
                last: 3_001,
            },
            BidError::Excluded,
            BidError::NotRegistered,
            BidError::AlreadyLeading,
            BidError::BelowMinimum { minimum: m },
            BidError::AboveMaxRaise { maximum: m },
            BidError::DepositTooLow {
                required: m,
                top_up: Money(5),
            },
            BidError::ProxyBelowMinimum { minimum: m },
            BidError::ProxyNotRaised { current: m },
            BidError::AmountOutOfRange,
        ] {
            assert_eq!(
                serde_json::to_string(&details(&error)).unwrap(),
                serde_json::to_string(&error).unwrap(),
                "{error:?}"
            );
        }
    }
}
