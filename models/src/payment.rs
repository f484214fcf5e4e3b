//! A person's money: every charge and refund, as "My payments" and the API show it.

wire_enum! {
    /// Which way money moves.
    "payment kind"
    pub enum PaymentKind {
        /// Money in: the provider charges the person.
        Charge = "charge",
        /// Money out: the provider pays the person back.
        Refund = "refund",
    }
}

wire_enum! {
    /// Where a charge or refund stands.
    "payment status"
    pub enum PaymentStatus {
        /// Asked of the provider, not yet confirmed.
        Pending = "pending",
        /// Confirmed by the provider: the money moved.
        Succeeded = "succeeded",
        /// Declined by the provider: no money moved.
        Failed = "failed",
        /// Not confirmed before its deadline: given up, and refunded should it arrive later.
        Expired = "expired",
    }
}

wire_enum! {
    /// What a payment is for.
    "payment purpose"
    pub enum PaymentPurpose {
        /// An order's refundable reservation amount.
        Reservation = "reservation",
        /// An order's earnest money, paid when it is locked.
        Earnest = "earnest",
        /// An auction deposit (or a top-up).
        Deposit = "deposit",
        /// The rest of an auction's price.
        Price = "price",
    }
}

wire_enum! {
    /// Why a payment provider's callback was refused although its signature was good.
    "callback refusal"
    pub enum CallbackRefusal {
        /// Signed more than five minutes away from our clock.
        Stale = "stale",
        /// Exactly this callback was applied before.
        Replayed = "replayed",
        /// Its amount or currency is not what we asked for.
        AmountMismatch = "amount_mismatch",
    }
}

/// One charge or refund.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PaymentEntry {
    /// The payment's or refund's id (the provider knows it by this id).
    pub id: String,
    /// Money in or out.
    pub kind: PaymentKind,
    /// What the money is for (a refund: what the refunded payment was for).
    pub purpose: PaymentPurpose,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Where it stands.
    pub status: PaymentStatus,
    /// The order it belongs to (absent for an auction's money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The auction it belongs to (absent for an order's money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auction_id: Option<String>,
    /// When it was asked for (UTC milliseconds).
    pub created_at: i64,
    /// When the provider confirmed or declined it, or it expired (UTC milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_at: Option<i64>,
}

/// A person's statement: every charge and refund, newest first, and what they add up to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// Every charge and refund, newest first.
    pub entries: Vec<PaymentEntry>,
    /// Charges that succeeded, in fen.
    pub charged_fen: i64,
    /// Refunds paid out, in fen.
    pub refunded_fen: i64,
    /// What the person has paid and not been given back: charged less refunded, in fen.
    pub net_fen: i64,
}

/// The body of a provider callback. The signature covers the whole body, so every field —
/// our id, the amount, the currency and the provider's timestamp — is signed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Callback {
    /// A charge's outcome or a refund's.
    pub kind: PaymentKind,
    /// Our payment or refund id.
    pub id: String,
    /// `succeeded` or `failed` (refunds always succeed in the sandbox).
    pub status: PaymentStatus,
    /// The amount the provider moved, in fen: must equal the amount we asked for.
    pub amount_fen: i64,
    /// The currency of the amount: always `CNY` here.
    pub currency: String,
    /// When the provider signed the callback (UTC milliseconds): a callback more than five
    /// minutes away from our clock is refused as stale.
    pub timestamp: i64,
    /// The provider's own reference.
    pub provider_ref: String,
}
