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
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::accounts::hex;
use super::Services;
use models::error::AppError;

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

/// The body of a provider callback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    /// `charge` or `refund`.
    pub kind: String,
    /// Our payment or refund id.
    pub id: String,
    /// `succeeded` or `failed` (refunds always succeed in the sandbox).
    pub status: String,
    /// The provider's own reference.
    pub provider_ref: String,
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
                            kind: "charge".into(),
                            status: if c.payer.contains("decline") {
                                "failed"
                            } else {
                                "succeeded"
                            }
                            .into(),
                            provider_ref: format!("sbx_ch_{}", c.payment_id),
                            id: c.payment_id,
                        },
                        Job::Refund(r) => Callback {
                            kind: "refund".into(),
                            status: "succeeded".into(),
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
                        if let Err(error) = services
                            .payments()
                            .payment_callback(&body, &signature)
                            .await
                        {
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

    /// Verifies and applies a provider callback. Unknown ids and repeated deliveries change
    /// nothing.
    pub async fn payment_callback(self, body: &[u8], signature: &str) -> Result<(), AppError> {
        if !verify(self.payment_provider.sandbox.secret(), body, signature) {
            return Err(AppError::forbidden("the callback signature is not valid"));
        }
        let callback: Callback = serde_json::from_slice(body)
            .map_err(|e| AppError::bad_request(format!("callback body: {e}")))?;
        if callback.id.starts_with(super::auctions::PAYMENT_PREFIX) {
            return self
                .auctions()
                .settle_auction_payment(
                    &callback.id,
                    &callback.kind,
                    callback.status == "succeeded",
                    &callback.provider_ref,
                )
                .await;
        }
        match (callback.kind.as_str(), callback.status.as_str()) {
            ("charge", "succeeded" | "failed") => {
                self.orders()
                    .settle_payment(
                        &callback.id,
                        callback.status == "succeeded",
                        &callback.provider_ref,
                    )
                    .await
            }
            ("refund", "succeeded") => self.orders().settle_refund(&callback.id).await,
            _ => Err(AppError::bad_request(format!(
                "unknown callback {}/{}",
                callback.kind, callback.status
            ))),
        }
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
