//! Money of an auction through the payment provider: deposits (registration and top-ups) and
//! the price. A payment counts for the auction once its charge succeeded *and* the sequencer
//! logged it (`counted = 1`, in the same transaction as the log entry); the background task
//! counts any succeeded payment a crash left uncounted. A payment the auction cannot take
//! (the bidding ended meanwhile, a deadline passed) is refunded.

use auction::{Money, RulesSpec};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::sequencer::Request;
use super::{check_amount, Command};
use crate::accounts::require_role;
use crate::idempotency::{self, Replayable, Start};
use crate::payments::{ChargeRequest, RefundRequest};
use crate::{now_ms, share_code};
use models::error::AppError;
use models::{Account, Role};

/// Prefix of auction payment ids (how a provider callback finds its table).
pub(crate) const PAYMENT_PREFIX: &str = "aup_";
/// Suffix of the refund id of an auction payment.
pub(crate) const REFUND_SUFFIX: &str = "_refund";

/// A charge to request for an auction.
struct Charge<'a> {
    auction_id: &'a str,
    purpose: &'static str,
    amount: i64,
    paddle: i64,
}

/// A registration or deposit top-up: the bidder's paddle and the charge requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The bidder's paddle number in this auction.
    pub paddle: i64,
    /// The deposit payment requested.
    pub payment_id: String,
    /// Its amount.
    pub amount_fen: i64,
    /// `pending` until the provider confirms; the deposit counts for bidding after that.
    pub status: String,
}

impl crate::Auctions<'_> {
    /// Registers for an auction (or tops the deposit up): takes a paddle number and asks the
    /// provider for the deposit. `amount_fen` defaults to the deposit the starting price needs.
    pub async fn pay_auction_deposit(
        self,
        account: &Account,
        auction_id: &str,
        amount_fen: Option<i64>,
        idempotency_key: &str,
    ) -> Result<Replayable<Registration>, AppError> {
        require_role(account, &[Role::Consumer], "register for auctions")?;
        let row = sqlx::query("SELECT rules, phase, ends_at FROM auctions WHERE id = $1")
            .bind(auction_id)
            .fetch_optional(&self.db)
            .await?
            .ok_or_else(|| AppError::not_found("auction"))?;
        let spec: RulesSpec = serde_json::from_str(&row.try_get::<String, _>("rules")?)?;
        let amount = amount_fen.unwrap_or_else(|| spec.deposits[0].value.get().max(1));
        let amount = if amount == 0 { 1 } else { amount };
        check_amount("amount_fen", amount)?;
        if row.try_get::<String, _>("phase")? != "open"
            || row.try_get::<i64, _>("ends_at")? <= now_ms()
        {
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
        // Serialises paddle numbering with every other write to this auction.
        sqlx::query("UPDATE auctions SET updated_at = updated_at WHERE id = $1")
            .bind(auction_id)
            .execute(&mut *tx)
            .await?;
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
            amount,
            paddle,
        };
        self.charge(tx, account, idempotency_key, charge).await
    }

    /// The buyer pays the price (less the deposit, which is applied to it).
    pub async fn pay_auction_price(
        self,
        account: &Account,
        auction_id: &str,
        idempotency_key: &str,
    ) -> Result<Replayable<Registration>, AppError> {
        require_role(account, &[Role::Consumer], "pay for an auction")?;
        let state: String = sqlx::query_scalar("SELECT state FROM auctions WHERE id = $1")
            .bind(auction_id)
            .fetch_optional(&self.db)
            .await?
            .ok_or_else(|| AppError::not_found("auction"))?;
        let state: models::AuctionState = serde_json::from_str(&state)?;
        let paddle = self.paddle(auction_id, &account.id).await?;
        let due = match (&state.settlement, paddle) {
            (Some(s), Some(p)) if state.phase == "awaiting_payment" && s.paddle == p => {
                s.amount_fen
            }
            _ => {
                return Err(AppError::AuctionRule {
                    rule: "wrong_phase".into(),
                    message: "there is nothing for you to pay in this auction now".into(),
                    details: None,
                })
            }
        };
        let fingerprint = format!("price:{auction_id}");
        let tx =
            match idempotency::start(&self.db, &account.id, idempotency_key, &fingerprint).await? {
                Start::Replay(answer) => return Ok(answer),
                Start::Fresh(tx) => tx,
            };
        let (deposit, _) = self.deposits(auction_id, &account.id).await?;
        let charge = Charge {
            auction_id,
            purpose: "price",
            amount: (due - deposit).max(1),
            paddle: paddle.unwrap_or_default(),
        };
        self.charge(tx, account, idempotency_key, charge).await
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
            payment_id: payment_id.clone(),
            amount_fen: charge.amount,
            status: "pending".into(),
        });
        idempotency::record(&mut tx, &account.id, idempotency_key, &result).await?;
        tx.commit().await?;
        self.payments().request_charge(ChargeRequest {
            payment_id,
            amount_fen: charge.amount,
            payer: payer(account),
        });
        Ok(Replayable {
            result,
            replayed: false,
        })
    }

    /// A provider callback for an auction payment (charge outcome) or its refund.
    pub(crate) async fn settle_auction_payment(
        self,
        id: &str,
        kind: &str,
        succeeded: bool,
        provider_ref: &str,
    ) -> Result<(), AppError> {
        if kind == "refund" {
            let payment = id.strip_suffix(REFUND_SUFFIX).unwrap_or(id);
            sqlx::query(
                "UPDATE auction_payments SET refund_status = 'succeeded'
                  WHERE id = $1 AND refund_status = 'pending'",
            )
            .bind(payment)
            .execute(&self.db)
            .await?;
            return Ok(());
        }
        let settled = sqlx::query(
            "UPDATE auction_payments SET status = $1, provider_ref = $2, settled_at = $3
              WHERE id = $4 AND status = 'pending'",
        )
        .bind(if succeeded { "succeeded" } else { "failed" })
        .bind(provider_ref)
        .bind(now_ms())
        .bind(id)
        .execute(&self.db)
        .await?;
        if settled.rows_affected() == 1 && succeeded {
            self.count_payment(id).await?;
        }
        Ok(())
    }

    /// Applies a succeeded payment to its auction, or refunds it if the auction cannot take it.
    pub(super) async fn count_payment(self, payment_id: &str) -> Result<(), AppError> {
        let row = sqlx::query(
            "SELECT auction_id, account_id, purpose, amount_fen FROM auction_payments
              WHERE id = $1 AND status = 'succeeded' AND counted = 0",
        )
        .bind(payment_id)
        .fetch_optional(&self.db)
        .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let auction_id: String = row.try_get("auction_id")?;
        let bidder: String = row.try_get("account_id")?;
        let command = match row.try_get::<String, _>("purpose")?.as_str() {
            "deposit" => Command::Deposit {
                bidder,
                amount: row.try_get("amount_fen")?,
                payment: payment_id.to_string(),
            },
            _ => Command::Pay {
                bidder,
                payment: payment_id.to_string(),
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

    /// Asks the provider for every refund of the auction still pending (the provider is
    /// idempotent by refund id, so asking again is safe).
    pub(crate) async fn request_auction_refunds(self, auction_id: &str) -> Result<(), AppError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, amount_fen FROM auction_payments
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

async fn insert_payment(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    auction_id: &str,
    account_id: &str,
    purpose: &str,
    amount: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO auction_payments (id, auction_id, account_id, purpose, amount_fen, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
    )
    .bind(id)
    .bind(auction_id)
    .bind(account_id)
    .bind(purpose)
    .bind(amount.min(Money::MAX.get()))
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
