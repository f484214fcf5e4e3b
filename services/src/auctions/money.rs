//! Money of an auction through the payment provider: deposits (registration and top-ups) and
//! the price. A payment counts for the auction once its charge succeeded *and* the sequencer
//! logged it (`counted = 1`, in the same transaction as the log entry); the background task
//! counts any succeeded payment a crash left uncounted. A payment the auction cannot take
//! (the bidding ended meanwhile, a deadline passed) is refunded.
//!
//! The buyer pays the price and no more (`auction::PriceSplit`): the deposit counts towards
//! it, only the rest is charged, nothing when the deposit covers it, and any deposit above the
//! price is refunded (in part for the payment that crosses it: `refund_fen`). Deposits are
//! bounded by what the highest tier requires.

use auction::{Money, PriceSplit, RulesSpec};

use super::sequencer::Request;
use super::{check_amount, Command};
use crate::accounts::require_role;
use crate::db::Json;
use crate::idempotency::{self, Replayable, Start};
use crate::ledger::{self, Entry, Owner};
use crate::payments::{ChargeOutcome, ChargeRequest, RefundRequest};
use crate::{now_ms, share_code};
use models::error::AppError;
use models::Registration;
use models::{Account, AuctionPhase, Role};

/// Prefix of auction payment ids (how a provider callback finds its table).
pub(crate) const PAYMENT_PREFIX: &str = "aup_";
/// Suffix of the refund id of an auction payment.
pub(crate) const REFUND_SUFFIX: &str = "_refund";

/// A charge to request for an auction.
struct Charge<'a> {
    auction_id: &'a str,
    purpose: &'static str,
    amount: Money,
    paddle: i64,
}

/// A succeeded auction payment not yet counted.
#[derive(sqlx::FromRow)]
struct UncountedPayment {
    auction_id: String,
    account_id: String,
    purpose: String,
    amount_fen: i64,
}

impl crate::Auctions<'_> {
    /// Registers for an auction (or tops the deposit up): takes a paddle number and asks the
    /// provider for the deposit. `amount_fen` defaults to the deposit the starting price needs.
    /// No bid needs more than the highest tier's deposit: a payment that would take the
    /// bidder's deposit (held and pending) above it is refused (`deposit_above_maximum`).
    pub async fn pay_auction_deposit(
        self,
        account: &Account,
        auction_id: &str,
        amount_fen: Option<i64>,
        idempotency_key: &str,
    ) -> Result<Replayable<Registration>, AppError> {
        require_role(account, &[Role::Consumer], "register for auctions")?;
        let (Json(spec), phase, ends_at): (Json<RulesSpec>, AuctionPhase, i64) =
            sqlx::query_as("SELECT rules, phase, ends_at FROM auctions WHERE id = $1")
                .bind(auction_id)
                .fetch_optional(&self.db)
                .await?
                .ok_or_else(|| AppError::not_found("auction"))?;
        let amount = amount_fen.unwrap_or_else(|| spec.deposits[0].value.get().max(1));
        let amount = if amount == 0 { 1 } else { amount };
        check_amount("amount_fen", amount)?;
        if phase != AuctionPhase::Open || ends_at <= now_ms() {
            return Err(AppError::AuctionRule {
                rule: "ended".into(),
                message: "the auction has ended".into(),
                details: None,
            });
        }
        let fingerprint = format!("deposit:{auction_id}:{amount}");
        let mut tx =
            match idempotency::start(&self.db, &account.id, idempotency_key, &fingerprint).await? {
                Start::Replay(answer) => return Ok(answer),
                Start::Fresh(tx) => tx,
            };
        // Serialises paddle numbering and the deposit bound with every other write to this
        // auction.
        sqlx::query("UPDATE auctions SET updated_at = updated_at WHERE id = $1")
            .bind(auction_id)
            .execute(&mut *tx)
            .await?;
        if let Err(refusal) =
            check_deposit_bound(&mut tx, &spec, auction_id, &account.id, amount).await
        {
            tx.rollback().await?;
            return Err(refusal);
        }
        sqlx::query(
            "INSERT INTO auction_bidders (auction_id, account_id, paddle, registered_at)
             SELECT $1, $2, COALESCE(MAX(paddle), 0) + 1, $3 FROM auction_bidders WHERE auction_id = $1
             ON CONFLICT (auction_id, account_id) DO NOTHING",
        )
        .bind(auction_id)
        .bind(&account.id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let paddle: i64 = sqlx::query_scalar(
            "SELECT paddle FROM auction_bidders WHERE auction_id = $1 AND account_id = $2",
        )
        .bind(auction_id)
        .bind(&account.id)
        .fetch_one(&mut *tx)
        .await?;
        let charge = Charge {
            auction_id,
            purpose: "deposit",
            amount: Money(amount),
            paddle,
        };
        self.charge(tx, account, idempotency_key, charge).await
    }

    /// The buyer pays the price and no more: their held deposit counts towards it and only the
    /// rest is charged through the provider. When the deposit covers the price nothing is
    /// charged and the sale completes at once. Either way the deposit above the price is
    /// refunded once the sale is logged. A retry with the same key gets the first answer.
    pub async fn pay_auction_price(
        self,
        account: &Account,
        auction_id: &str,
        idempotency_key: &str,
    ) -> Result<Replayable<Registration>, AppError> {
        require_role(account, &[Role::Consumer], "pay for an auction")?;
        let fingerprint = format!("price:{auction_id}");
        // The key first: a retry gets its answer even once the sale is complete.
        let tx =
            match idempotency::start(&self.db, &account.id, idempotency_key, &fingerprint).await? {
                Start::Replay(answer) => return Ok(answer),
                Start::Fresh(tx) => tx,
            };
        let (split, paddle) = match self.payment_due(account, auction_id).await {
            Ok(due) => due,
            Err(refusal) => {
                tx.rollback().await?;
                return Err(refusal);
            }
        };
        if split.charged == Money::ZERO {
            tx.rollback().await?;
            return self
                .pay_from_deposit(account, auction_id, idempotency_key, &fingerprint, paddle)
                .await;
        }
        let charge = Charge {
            auction_id,
            purpose: "price",
            amount: split.charged,
            paddle,
        };
        self.charge(tx, account, idempotency_key, charge).await
    }

    /// What the account must pay now, and its paddle: the price against the deposit it holds.
    /// The same rule as the auction's (`Auction::payment_due`) on the deposit the auction
    /// counted (after the close no deposit is counted any more, so the two agree); the auction
    /// refuses a payment of any other amount, and the provider refunds it.
    async fn payment_due(
        self,
        account: &Account,
        auction_id: &str,
    ) -> Result<(PriceSplit, i64), AppError> {
        let Json(state): Json<models::AuctionState> =
            sqlx::query_scalar("SELECT state FROM auctions WHERE id = $1")
                .bind(auction_id)
                .fetch_optional(&self.db)
                .await?
                .ok_or_else(|| AppError::not_found("auction"))?;
        let paddle = self.paddle(auction_id, &account.id).await?;
        let (price, paddle) = match (&state.settlement, paddle) {
            (Some(s), Some(p)) if state.phase == AuctionPhase::AwaitingPayment && s.paddle == p => {
                (s.amount_fen, p)
            }
            _ => {
                return Err(AppError::AuctionRule {
                    rule: "wrong_phase".into(),
                    message: "there is nothing for you to pay in this auction now".into(),
                    details: None,
                })
            }
        };
        let (deposit, _) = self.deposits(auction_id, &account.id).await?;
        let split =
            PriceSplit::new(Money(price), Money(deposit)).ok_or_else(|| AppError::Internal {
                message: format!("the price {price} or the deposit {deposit} is out of range"),
            })?;
        Ok((split, paddle))
    }

    /// The deposit covers the price: the sale is logged at once by a `Pay` that carries no
    /// provider payment (see `Command::Pay`), and the answer is stored with the key once the
    /// sale is committed. The key's claim is let go meanwhile so that the auction's writer does
    /// not wait behind it (on SQLite the claim holds the write lock): of two requests with one
    /// key at the same moment, one completes the sale and the other finds it done
    /// (`wrong_phase`); a retry after that replays the answer.
    async fn pay_from_deposit(
        self,
        account: &Account,
        auction_id: &str,
        idempotency_key: &str,
        fingerprint: &str,
        paddle: i64,
    ) -> Result<Replayable<Registration>, AppError> {
        // Deadlines first: a payment after its deadline must meet the default it made.
        self.submit(auction_id, super::tick()).await?;
        let command = Command::Pay {
            bidder: account.id.clone(),
            payment: None,
            charged: Some(0),
        };
        self.submit(
            auction_id,
            Request {
                command,
                idempotency: None,
            },
        )
        .await?;
        let result = Ok(Registration {
            paddle,
            payment_id: None,
            amount_fen: 0,
            status: "succeeded".into(),
        });
        match idempotency::start(&self.db, &account.id, idempotency_key, fingerprint).await? {
            Start::Replay(answer) => Ok(answer),
            Start::Fresh(mut tx) => {
                idempotency::record(&mut tx, &account.id, idempotency_key, &result).await?;
                tx.commit().await?;
                Ok(Replayable {
                    result,
                    replayed: false,
                })
            }
        }
    }

    /// A bidder's deposits in an auction: held (counted, not released) and still pending.
    pub(super) async fn deposits(
        self,
        auction_id: &str,
        account_id: &str,
    ) -> Result<(i64, i64), AppError> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN counted = 1 AND outcome = 'held' THEN amount_fen ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN amount_fen ELSE 0 END), 0) AS BIGINT)
               FROM auction_payments
              WHERE auction_id = $1 AND account_id = $2 AND purpose = 'deposit'",
        )
        .bind(auction_id)
        .bind(account_id)
        .fetch_one(&self.db)
        .await?)
    }

    /// Records a charge in the request's transaction with its idempotent answer, commits, and
    /// only then asks the provider (a crash before the commit charges nothing; after it, the
    /// pending charge is re-requested at start).
    async fn charge(
        self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        account: &Account,
        idempotency_key: &str,
        charge: Charge<'_>,
    ) -> Result<Replayable<Registration>, AppError> {
        let payment_id = format!("{PAYMENT_PREFIX}{}", share_code::token(16));
        insert_payment(
            &mut tx,
            &payment_id,
            charge.auction_id,
            &account.id,
            charge.purpose,
            charge.amount,
        )
        .await?;
        let result = Ok(Registration {
            paddle: charge.paddle,
            payment_id: Some(payment_id.clone()),
            amount_fen: charge.amount.get(),
            status: "pending".into(),
        });
        idempotency::record(&mut tx, &account.id, idempotency_key, &result).await?;
        tx.commit().await?;
        self.payments().request_charge(ChargeRequest {
            payment_id,
            amount_fen: charge.amount.get(),
            payer: payer(account),
        });
        Ok(Replayable {
            result,
            replayed: false,
        })
    }

    /// A charge's outcome for an auction payment, once. A succeeded one is recorded in the
    /// ledger and counted by the auction; one confirmed after it expired is recorded and
    /// refunded in full (the auction never counted it).
    pub(crate) async fn settle_auction_payment(
        self,
        id: &str,
        outcome: ChargeOutcome,
        provider_ref: &str,
    ) -> Result<(), AppError> {
        let succeeded = outcome == ChargeOutcome::Succeeded;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let settled = sqlx::query(
            "UPDATE auction_payments SET status = $1, provider_ref = $2, settled_at = $3,
                    expired_at = $5
              WHERE id = $4 AND status = 'pending'",
        )
        .bind(if succeeded { "succeeded" } else { "failed" })
        .bind(provider_ref)
        .bind(now)
        .bind(id)
        .bind((outcome == ChargeOutcome::Expired).then_some(now))
        .execute(&mut *tx)
        .await?;
        let late = if settled.rows_affected() == 0 && succeeded {
            sqlx::query(
                "UPDATE auction_payments
                    SET status = 'succeeded', provider_ref = $1, settled_at = $2, counted = 1,
                        outcome = 'released', refund_status = 'pending'
                  WHERE id = $3 AND status = 'failed' AND expired_at IS NOT NULL",
            )
            .bind(provider_ref)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1
        } else {
            false
        };
        if !(succeeded && (settled.rows_affected() == 1 || late)) {
            tx.commit().await?;
            return Ok(());
        }
        let (auction_id, account_id, amount): (String, String, i64) = sqlx::query_as(
            "SELECT auction_id, account_id, amount_fen FROM auction_payments WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        ledger::record(
            &mut tx,
            Entry::charge(id, &account_id, Owner::Auction(&auction_id), amount, now),
        )
        .await?;
        tx.commit().await?;
        if late {
            tracing::info!(%auction_id, payment = %id, "a charge confirmed after it expired is refunded");
            self.request_auction_refunds(&auction_id).await
        } else {
            self.count_payment(id).await
        }
    }

    /// A refund's confirmation for an auction payment (`{payment}_refund`), once.
    pub(crate) async fn settle_auction_refund(self, refund_id: &str) -> Result<(), AppError> {
        let payment = refund_id.strip_suffix(REFUND_SUFFIX).unwrap_or(refund_id);
        let mut tx = self.db.begin().await?;
        let settled = sqlx::query(
            "UPDATE auction_payments SET refund_status = 'succeeded'
              WHERE id = $1 AND refund_status = 'pending'",
        )
        .bind(payment)
        .execute(&mut *tx)
        .await?;
        if settled.rows_affected() == 1 {
            let (auction_id, account_id, amount): (String, String, i64) = sqlx::query_as(
                "SELECT auction_id, account_id, COALESCE(refund_fen, amount_fen)
                   FROM auction_payments WHERE id = $1",
            )
            .bind(payment)
            .fetch_one(&mut *tx)
            .await?;
            ledger::record(
                &mut tx,
                Entry::refund(
                    refund_id,
                    payment,
                    &account_id,
                    Owner::Auction(&auction_id),
                    amount,
                    now_ms(),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies a succeeded payment to its auction, or refunds it if the auction cannot take it.
    pub(super) async fn count_payment(self, payment_id: &str) -> Result<(), AppError> {
        let row: Option<UncountedPayment> = sqlx::query_as(
            "SELECT auction_id, account_id, purpose, amount_fen FROM auction_payments
              WHERE id = $1 AND status = 'succeeded' AND counted = 0",
        )
        .bind(payment_id)
        .fetch_optional(&self.db)
        .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let auction_id = row.auction_id;
        let bidder = row.account_id;
        let command = match row.purpose.as_str() {
            "deposit" => Command::Deposit {
                bidder,
                amount: row.amount_fen,
                payment: payment_id.to_string(),
            },
            _ => Command::Pay {
                bidder,
                payment: Some(payment_id.to_string()),
                charged: Some(row.amount_fen),
            },
        };
        if matches!(command, Command::Pay { .. }) {
            self.submit(&auction_id, super::tick()).await?;
        }
        let outcome = self
            .submit(
                &auction_id,
                Request {
                    command,
                    idempotency: None,
                },
            )
            .await;
        match outcome {
            Ok(_) => Ok(()),
            Err(AppError::AuctionRule { rule, .. }) => {
                tracing::info!(%rule, payment_id, "the auction cannot take a payment; refunding");
                sqlx::query(
                    "UPDATE auction_payments SET counted = 1, outcome = 'released', refund_status = 'pending'
                      WHERE id = $1 AND counted = 0",
                )
                .bind(payment_id)
                .execute(&self.db)
                .await?;
                self.request_auction_refunds(&auction_id).await
            }
            Err(other) => Err(other),
        }
    }

    /// Counts every succeeded payment not yet counted (after a crash between the callback and
    /// the log entry). One that fails is logged and the others go on.
    pub(crate) async fn count_settled_payments(self) -> Result<(), AppError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM auction_payments WHERE status = 'succeeded' AND counted = 0",
        )
        .fetch_all(&self.db)
        .await?;
        for id in ids {
            if let Err(error) = self.count_payment(&id).await {
                tracing::warn!(%error, payment = %id, "counting an auction payment failed; will retry");
            }
        }
        Ok(())
    }

    /// Asks the provider for every refund of the auction still pending: the whole payment, or
    /// its `refund_fen` (the part of the buyer's deposit above the price). The provider is
    /// idempotent by refund id, so asking again is safe.
    pub(crate) async fn request_auction_refunds(self, auction_id: &str) -> Result<(), AppError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, COALESCE(refund_fen, amount_fen) FROM auction_payments
              WHERE auction_id = $1 AND refund_status = 'pending'",
        )
        .bind(auction_id)
        .fetch_all(&self.db)
        .await?;
        for (payment_id, amount_fen) in rows {
            self.payments().request_refund(RefundRequest {
                refund_id: format!("{payment_id}{REFUND_SUFFIX}"),
                payment_id,
                amount_fen,
            });
        }
        Ok(())
    }

    /// At start: re-requests pending auction charges and refunds.
    pub(crate) async fn resubmit_auction_payments(self) -> Result<(), AppError> {
        let charges = sqlx::query_as(
            "SELECT p.id, p.amount_fen, a.id, a.email, a.mobile
               FROM auction_payments p JOIN accounts a ON a.id = p.account_id
              WHERE p.status = 'pending'",
        )
        .fetch_all(&self.db)
        .await?;
        self.payments().request_pending_charges(charges);
        let auctions: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT auction_id FROM auction_payments WHERE refund_status = 'pending'",
        )
        .fetch_all(&self.db)
        .await?;
        for id in auctions {
            self.request_auction_refunds(&id).await?;
        }
        Ok(())
    }
}

/// Refuses a deposit payment of `amount` that would take the bidder's deposit in this auction
/// (held, and pending or not yet counted) above what the highest tier requires (at least the
/// 1 fen a registration costs where no deposit is asked): no bid ever needs more.
async fn check_deposit_bound(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    spec: &RulesSpec,
    auction_id: &str,
    account_id: &str,
    amount: i64,
) -> Result<(), AppError> {
    let held: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM auction_payments
          WHERE auction_id = $1 AND account_id = $2 AND purpose = 'deposit'
            AND status <> 'failed' AND outcome = 'held'",
    )
    .bind(auction_id)
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?;
    let held = Money(held);
    let maximum = spec
        .deposits
        .iter()
        .map(|t| t.value)
        .max()
        .unwrap_or(Money::ZERO)
        .max(Money(1));
    let total = held.checked_add(Money(amount));
    if total.is_some_and(|t| t <= maximum && t <= Money::MAX) {
        return Ok(());
    }
    let room = maximum
        .checked_sub(held)
        .unwrap_or(Money::ZERO)
        .max(Money::ZERO);
    Err(AppError::AuctionRule {
        rule: "deposit_above_maximum".into(),
        message: format!(
            "no bid in this auction needs a deposit above {}: you have {} paid or pending, \
             so at most {} more can be paid",
            maximum.yuan_exact(),
            held.yuan_exact(),
            room.yuan_exact()
        ),
        details: Some(Box::new(models::error::RuleDetails {
            code: "deposit_above_maximum".into(),
            maximum: Some(maximum.fen()),
            deposit: Some(held.fen()),
            top_up_max: Some(room.fen()),
            ..Default::default()
        })),
    })
}

async fn insert_payment(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    auction_id: &str,
    account_id: &str,
    purpose: &str,
    amount: Money,
) -> Result<(), AppError> {
    if amount <= Money::ZERO || amount > Money::MAX {
        return Err(AppError::Internal {
            message: format!("an auction charge of {amount:?} is out of range"),
        });
    }
    sqlx::query(
        "INSERT INTO auction_payments (id, auction_id, account_id, purpose, amount_fen, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
    )
    .bind(id)
    .bind(auction_id)
    .bind(account_id)
    .bind(purpose)
    .bind(amount.get())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn payer(account: &Account) -> String {
    account
        .email
        .clone()
        .or_else(|| account.mobile.clone())
        .unwrap_or_else(|| account.id.clone())
}
