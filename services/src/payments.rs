//! The payment-provider interface and the one shipped provider, a sandbox that behaves like a
//! real one: a charge or refund is only *requested* here; its outcome arrives later as a
//! callback signed with HMAC-SHA256, which [`Services::payment_callback`] verifies and applies
//! once, however often it is delivered.
//!
//! The sandbox declines charges for payers whose login contains `decline` (like a provider's
//! test cards), and can be told to deliver every callback twice.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::accounts::hex;
use super::orders::settlements::{remember, Settlement};
use super::{now_ms, Services};
use models::error::AppError;
use models::payment::{
    CallbackRefusal, PaymentEntry, PaymentKind, PaymentPurpose, PaymentStatus, Statement,
};

/// A charge the provider is asked to collect.
#[derive(Clone, Debug)]
pub struct ChargeRequest {
    /// Our payment id (the provider's idempotency key).
    pub payment_id: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Who pays (the account's login), for the provider's risk checks.
    pub payer: String,
}

/// A pending charge as stored: payment id, amount, and the payer's account id, e-mail, mobile.
pub(super) type PendingCharge = (String, i64, String, Option<String>, Option<String>);

/// A refund of (part of) a confirmed charge.
#[derive(Clone, Debug)]
pub struct RefundRequest {
    /// Our refund id (the provider's idempotency key).
    pub refund_id: String,
    /// The payment refunded.
    pub payment_id: String,
    /// Amount in fen.
    pub amount_fen: i64,
}

/// What every payment provider offers. Calls return at once; outcomes come back through the
/// signed callback. Asking twice with the same id must not charge or refund twice.
pub trait PaymentProvider: Send + Sync {
    /// Requests a charge.
    fn charge(&self, request: ChargeRequest);
    /// Requests a refund.
    fn refund(&self, request: RefundRequest);
}

pub use models::payment::Callback;

/// The only currency the shop takes.
pub const CURRENCY: &str = "CNY";

/// How far a callback's timestamp may be from our clock.
pub const CALLBACK_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// How long a charge may stay pending before it expires, unless the options say otherwise.
pub const DEFAULT_PAYMENT_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// What became of a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChargeOutcome {
    /// The provider confirmed it.
    Succeeded,
    /// The provider declined it.
    Failed,
    /// It stayed pending past its deadline; we gave up on it.
    Expired,
}

/// Signs a callback body: lower-case hex HMAC-SHA256 with the shared secret.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// Checks a callback signature in constant time.
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Some(bytes) = unhex(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// How the sandbox behaves.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// The secret shared with the "provider" for callback signatures.
    pub secret: Vec<u8>,
    /// Delay before a callback is delivered (asynchronous confirmation).
    pub delay: Duration,
    /// Deliver every callback twice (as real providers sometimes do).
    pub duplicate_callbacks: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            secret: b"c2m-sandbox-secret".to_vec(),
            delay: Duration::from_millis(200),
            duplicate_callbacks: false,
        }
    }
}

enum Job {
    Charge(ChargeRequest),
    Refund(RefundRequest),
}

/// The sandbox provider: requests queue up until [`Services::start_background`] starts the
/// worker that answers them.
pub struct Sandbox {
    options: SandboxOptions,
    sender: mpsc::UnboundedSender<Job>,
    receiver: Mutex<Option<mpsc::UnboundedReceiver<Job>>>,
}

impl Sandbox {
    /// A sandbox with these options.
    pub fn new(options: SandboxOptions) -> Sandbox {
        let (sender, receiver) = mpsc::unbounded_channel();
        Sandbox {
            options,
            sender,
            receiver: Mutex::new(Some(receiver)),
        }
    }

    /// The callback secret.
    pub fn secret(&self) -> &[u8] {
        &self.options.secret
    }

    /// Starts answering requests (once), delivering callbacks to `services`.
    pub(super) fn start(&self, services: Weak<Services>) {
        let receiver = self
            .receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(mut receiver) = receiver else {
            return;
        };
        let options = self.options.clone();
        tokio::spawn(async move {
            while let Some(job) = receiver.recv().await {
                let options = options.clone();
                let services = services.clone();
                // Each request settles on its own, like a provider's independent webhooks.
                tokio::spawn(async move {
                    tokio::time::sleep(options.delay).await;
                    let callback = match job {
                        Job::Charge(c) => Callback {
                            kind: PaymentKind::Charge,
                            status: if c.payer.contains("decline") {
                                PaymentStatus::Failed
                            } else {
                                PaymentStatus::Succeeded
                            },
                            amount_fen: c.amount_fen,
                            currency: CURRENCY.into(),
                            timestamp: now_ms(),
                            provider_ref: format!("sbx_ch_{}", c.payment_id),
                            id: c.payment_id,
                        },
                        Job::Refund(r) => Callback {
                            kind: PaymentKind::Refund,
                            status: PaymentStatus::Succeeded,
                            amount_fen: r.amount_fen,
                            currency: CURRENCY.into(),
                            timestamp: now_ms(),
                            provider_ref: format!("sbx_re_{}", r.refund_id),
                            id: r.refund_id,
                        },
                    };
                    let Ok(body) = serde_json::to_vec(&callback) else {
                        return;
                    };
                    let signature = sign(&options.secret, &body);
                    let deliveries = if options.duplicate_callbacks { 2 } else { 1 };
                    for _ in 0..deliveries {
                        let Some(services) = services.upgrade() else {
                            return;
                        };
                        let answer = services
                            .payments()
                            .payment_callback(&body, &signature)
                            .await;
                        if let Err(error) = answer {
                            if matches!(
                                error,
                                AppError::CallbackRefused {
                                    reason: CallbackRefusal::Replayed,
                                    ..
                                }
                            ) {
                                // A duplicate delivery: the first one was applied.
                                continue;
                            }
                            // A real provider retries failed webhooks; so does the sandbox.
                            tracing::warn!(%error, "payment callback failed; retrying");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                            if let Err(error) = services
                                .payments()
                                .payment_callback(&body, &signature)
                                .await
                            {
                                // Still pending: requested again at the next start.
                                tracing::error!(%error, "payment callback failed again");
                            }
                        }
                    }
                });
            }
        });
    }
}

impl PaymentProvider for Sandbox {
    fn charge(&self, request: ChargeRequest) {
        let _ = self.sender.send(Job::Charge(request));
    }

    fn refund(&self, request: RefundRequest) {
        let _ = self.sender.send(Job::Refund(request));
    }
}

/// The provider a [`Services`] uses, with the secret its callbacks are signed with.
pub struct Payments {
    /// The sandbox (the only provider shipped).
    pub sandbox: Arc<Sandbox>,
}

impl Services {
    /// Starts the background work of a running server: the payment provider's worker, a
    /// re-request of every charge and refund still pending (a restart must not strand money:
    /// providers are idempotent by our ids, and callbacks apply once), and the decision of
    /// demand thresholds at their deadlines.
    pub async fn start_background(self: &Arc<Self>) -> Result<(), AppError> {
        self.payment_provider.sandbox.start(Arc::downgrade(self));
        self.orders().resubmit_pending().await?;
        self.auctions().resubmit_auction_payments().await?;
        self.auctions().start_auctions(
            self.options
                .auction_check
                .filter(|d| !d.is_zero())
                .unwrap_or(Duration::from_secs(1)),
        );
        // Charges pending past their deadline expire (looked for every tenth of the deadline,
        // at most every 30 seconds).
        let deadline = self
            .options
            .payment_deadline
            .filter(|d| !d.is_zero())
            .unwrap_or(DEFAULT_PAYMENT_DEADLINE);
        let services = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval((deadline / 10).min(Duration::from_secs(30)));
            loop {
                tick.tick().await;
                let Some(services) = services.upgrade() else {
                    return;
                };
                if let Err(error) = services.payments().expire_pending(deadline).await {
                    tracing::warn!(%error, "expiring pending payments failed; will retry");
                }
            }
        });
        // Demand thresholds are decided when their deadline passes (checked twice a minute).
        let every = self
            .options
            .deadline_check
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_secs(30));
        let services = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let Some(services) = services.upgrade() else {
                    return;
                };
                if let Err(error) = services.campaigns().decide_thresholds().await {
                    tracing::warn!(%error, "deciding thresholds failed; will retry");
                }
            }
        });
        Ok(())
    }
}

impl crate::Payments<'_> {
    fn provider(&self) -> &dyn PaymentProvider {
        self.payment_provider.sandbox.as_ref()
    }

    /// Verifies and applies a provider callback, once. Refused: a missing or wrong signature
    /// (401, whatever the id), a timestamp more than five minutes from our clock, a body
    /// applied before (a replay), an amount or currency other than ours (409), an unknown id
    /// (404).
    pub async fn payment_callback(self, body: &[u8], signature: &str) -> Result<(), AppError> {
        if !verify(self.payment_provider.sandbox.secret(), body, signature) {
            return Err(AppError::BadSignature);
        }
        let callback: Callback = serde_json::from_slice(body)
            .map_err(|e| AppError::bad_request(format!("callback body: {e}")))?;
        let now = now_ms();
        if now.abs_diff(callback.timestamp) > CALLBACK_TOLERANCE_MS as u64 {
            return Err(refused(
                CallbackRefusal::Stale,
                format!(
                    "signed at {} ms, {} s from our clock (at most {} s)",
                    callback.timestamp,
                    now.abs_diff(callback.timestamp) / 1000,
                    CALLBACK_TOLERANCE_MS / 1000
                ),
            ));
        }
        let digest = hex(&Sha256::digest(body));
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT received_at FROM payment_callbacks WHERE digest = $1")
                .bind(&digest)
                .fetch_optional(&self.db)
                .await?;
        if seen.is_some() {
            return Err(refused(
                CallbackRefusal::Replayed,
                "this callback was applied before".into(),
            ));
        }
        let expected = self.expected_amount(&callback).await?;
        if callback.currency != CURRENCY || callback.amount_fen != expected {
            return Err(refused(
                CallbackRefusal::AmountMismatch,
                format!(
                    "{} {} for {}, which is {CURRENCY} {expected}",
                    callback.currency, callback.amount_fen, callback.id
                ),
            ));
        }
        let outcome = match callback.status {
            PaymentStatus::Succeeded => ChargeOutcome::Succeeded,
            PaymentStatus::Failed => ChargeOutcome::Failed,
            other => {
                return Err(AppError::bad_request(format!(
                    "a callback reports succeeded or failed, not {other}"
                )))
            }
        };
        let auction = callback.id.starts_with(super::auctions::PAYMENT_PREFIX);
        match (callback.kind, auction, outcome) {
            (PaymentKind::Charge, true, outcome) => {
                self.auctions()
                    .settle_auction_payment(&callback.id, outcome, &callback.provider_ref)
                    .await?
            }
            (PaymentKind::Refund, true, ChargeOutcome::Succeeded) => {
                self.auctions().settle_auction_refund(&callback.id).await?
            }
            (PaymentKind::Charge, false, outcome) => {
                // Committed in a group with the other callbacks arriving now, the digest
                // remembered in the same transaction.
                return self
                    .orders()
                    .settle(Settlement {
                        payment_id: callback.id,
                        outcome,
                        provider_ref: callback.provider_ref,
                        digest,
                    })
                    .await;
            }
            (PaymentKind::Refund, false, ChargeOutcome::Succeeded) => {
                self.orders().settle_refund(&callback.id).await?
            }
            (PaymentKind::Refund, _, _) => {
                return Err(AppError::bad_request(
                    "a refund cannot fail in this provider",
                ))
            }
        }
        // Remembered only once applied: a delivery that failed half-way may be sent again.
        remember(&self.db, &[digest.as_str()], now).await
    }

    /// The amount we asked the provider to move under the callback's id.
    async fn expected_amount(self, callback: &Callback) -> Result<i64, AppError> {
        let auction_refund = callback
            .id
            .strip_suffix(super::auctions::REFUND_SUFFIX)
            .filter(|id| id.starts_with(super::auctions::PAYMENT_PREFIX));
        let amount: Option<i64> = match (callback.kind, auction_refund) {
            (PaymentKind::Refund, Some(payment)) => {
                sqlx::query_scalar(
                    "SELECT COALESCE(refund_fen, amount_fen) FROM auction_payments
                      WHERE id = $1 AND refund_status IS NOT NULL",
                )
                .bind(payment)
                .fetch_optional(&self.db)
                .await?
            }
            (PaymentKind::Refund, None) => {
                sqlx::query_scalar("SELECT amount_fen FROM refunds WHERE id = $1")
                    .bind(&callback.id)
                    .fetch_optional(&self.db)
                    .await?
            }
            (PaymentKind::Charge, _) => {
                let table = if callback.id.starts_with(super::auctions::PAYMENT_PREFIX) {
                    "auction_payments"
                } else {
                    "payments"
                };
                sqlx::query_scalar(&format!("SELECT amount_fen FROM {table} WHERE id = $1"))
                    .bind(&callback.id)
                    .fetch_optional(&self.db)
                    .await?
            }
        };
        amount.ok_or_else(|| AppError::not_found(format!("payment {}", callback.id)))
    }

    /// Expires every charge pending for longer than `deadline`: it is marked failed with the
    /// time it expired and gives back what it held (a reservation's batch unit; an auction
    /// deposit's room under the deposit bound). A confirmation that arrives later is recorded
    /// and refunded. Also forgets applied callbacks old enough to be refused as stale anyway.
    /// One that fails is logged and the others go on. Answers how many expired.
    pub async fn expire_pending(self, deadline: Duration) -> Result<usize, AppError> {
        let now = now_ms();
        let cutoff = now - i64::try_from(deadline.as_millis()).unwrap_or(i64::MAX);
        let mut expired = 0;
        let orders: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM payments WHERE status = 'pending' AND created_at < $1",
        )
        .bind(cutoff)
        .fetch_all(&self.db)
        .await?;
        for id in orders {
            match self
                .orders()
                .settle_payment(&id, ChargeOutcome::Expired, "expired")
                .await
            {
                Ok(()) => expired += 1,
                Err(error) => tracing::warn!(%error, payment = %id, "expiring a payment failed"),
            }
        }
        let auctions: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM auction_payments WHERE status = 'pending' AND created_at < $1",
        )
        .bind(cutoff)
        .fetch_all(&self.db)
        .await?;
        for id in auctions {
            match self
                .auctions()
                .settle_auction_payment(&id, ChargeOutcome::Expired, "expired")
                .await
            {
                Ok(()) => expired += 1,
                Err(error) => tracing::warn!(%error, payment = %id, "expiring a payment failed"),
            }
        }
        sqlx::query("DELETE FROM payment_callbacks WHERE received_at < $1")
            .bind(now - 2 * CALLBACK_TOLERANCE_MS)
            .execute(&self.db)
            .await?;
        Ok(expired)
    }

    /// The person's statement: every charge and refund of their orders and auctions, newest
    /// first (the latest 500), with what the ledger says they were charged and refunded.
    pub async fn statement(self, account: &models::Account) -> Result<Statement, AppError> {
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT p.id, 'charge' AS kind, p.purpose, p.amount_fen, {status} AS status,
                    p.order_id, CAST(NULL AS TEXT) AS auction_id, p.created_at,
                    COALESCE(p.settled_at, p.expired_at) AS settled_at
               FROM payments p JOIN orders o ON o.id = p.order_id
              WHERE o.account_id = $1
             UNION ALL
             SELECT r.id, 'refund', p.purpose, r.amount_fen, r.status, p.order_id,
                    CAST(NULL AS TEXT), r.created_at, r.settled_at
               FROM refunds r JOIN payments p ON p.id = r.payment_id
                    JOIN orders o ON o.id = p.order_id
              WHERE o.account_id = $1
             UNION ALL
             SELECT p.id, 'charge', p.purpose, p.amount_fen, {status}, CAST(NULL AS TEXT),
                    p.auction_id, p.created_at, COALESCE(p.settled_at, p.expired_at)
               FROM auction_payments p
              WHERE p.account_id = $1
             UNION ALL
             SELECT p.id || '{suffix}', 'refund', p.purpose, COALESCE(p.refund_fen, p.amount_fen),
                    p.refund_status, CAST(NULL AS TEXT), p.auction_id,
                    COALESCE(p.settled_at, p.created_at), l.at
               FROM auction_payments p LEFT JOIN ledger l ON l.id = p.id || '{suffix}'
              WHERE p.account_id = $1 AND p.refund_status IS NOT NULL
             ORDER BY created_at DESC, id
             LIMIT 500",
            status = "CASE WHEN p.status = 'failed' AND p.expired_at IS NOT NULL
                           THEN 'expired' ELSE p.status END",
            suffix = super::auctions::REFUND_SUFFIX,
        ))
        .bind(&account.id)
        .fetch_all(&self.db)
        .await?;
        let totals: Vec<(PaymentKind, i64)> = sqlx::query_as(
            "SELECT kind, CAST(SUM(amount_fen) AS BIGINT) FROM ledger
              WHERE account_id = $1 GROUP BY kind",
        )
        .bind(&account.id)
        .fetch_all(&self.db)
        .await?;
        let total = |kind| {
            totals
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(0, |(_, sum)| *sum)
        };
        let (charged_fen, refunded_fen) = (total(PaymentKind::Charge), total(PaymentKind::Refund));
        Ok(Statement {
            entries: rows.into_iter().map(PaymentEntry::from).collect(),
            charged_fen,
            refunded_fen,
            net_fen: charged_fen - refunded_fen,
        })
    }

    pub(super) fn request_charge(self, request: ChargeRequest) {
        self.provider().charge(request);
    }

    /// Re-requests charges still pending: (payment id, amount, account id, e-mail, mobile).
    pub(super) fn request_pending_charges(self, charges: Vec<PendingCharge>) {
        for (payment_id, amount_fen, id, email, mobile) in charges {
            self.request_charge(ChargeRequest {
                payment_id,
                amount_fen,
                payer: email.or(mobile).unwrap_or(id),
            });
        }
    }

    pub(super) fn request_refund(self, request: RefundRequest) {
        self.provider().refund(request);
    }
}

fn refused(reason: CallbackRefusal, message: String) -> AppError {
    AppError::CallbackRefused { reason, message }
}

/// A statement line as the statement's query reads it.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: String,
    kind: PaymentKind,
    purpose: PaymentPurpose,
    amount_fen: i64,
    status: PaymentStatus,
    order_id: Option<String>,
    auction_id: Option<String>,
    created_at: i64,
    settled_at: Option<i64>,
}

impl From<EntryRow> for PaymentEntry {
    fn from(row: EntryRow) -> PaymentEntry {
        PaymentEntry {
            id: row.id,
            kind: row.kind,
            purpose: row.purpose,
            amount_fen: row.amount_fen,
            status: row.status,
            order_id: row.order_id,
            auction_id: row.auction_id,
            created_at: row.created_at,
            settled_at: row.settled_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let s = sign(b"k", b"body");
        assert!(verify(b"k", b"body", &s));
        assert!(!verify(b"k", b"body2", &s));
        assert!(!verify(b"other", b"body", &s));
        assert!(!verify(b"k", b"body", "zz"));
        assert!(!verify(b"k", b"body", "abc"));
    }
}
