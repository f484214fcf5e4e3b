use configurator::{Localized, Money, Quote};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Where an order stands. Money moves only through the provider's confirmations.
    "order status"
    pub enum OrderStatus {
        /// A unit is held; the reservation payment awaits the provider's confirmation.
        PendingPayment = "pending_payment",
        /// The refundable reservation amount is paid.
        Reserved = "reserved",
        /// The provider declined the reservation payment; the unit is released.
        PaymentFailed = "payment_failed",
        /// Cancelled by the customer and refunded; the unit is released.
        Cancelled = "cancelled",
        /// The customer confirmed the lock; the earnest money awaits confirmation.
        Locking = "locking",
        /// Earnest money paid: a firm order (refundable only within the cooling-off period).
        Locked = "locked",
    }
}

wire_enum! {
    /// What happened to an order, as its timeline says.
    "order event kind"
    pub enum OrderEventKind {
        /// Reserved: a unit is held, the reservation payment requested.
        Reserved = "reserved",
        /// The provider confirmed the reservation payment.
        PaymentConfirmed = "payment_confirmed",
        /// The provider declined the reservation payment.
        PaymentFailed = "payment_failed",
        /// The customer confirmed the lock; the earnest money is requested.
        LockRequested = "lock_requested",
        /// The earnest money is paid: the order is locked.
        Locked = "locked",
        /// The provider declined the earnest money; the order is reserved again.
        LockPaymentFailed = "lock_payment_failed",
        /// Cancelled by the customer.
        Cancelled = "cancelled",
        /// A refund was paid out.
        Refunded = "refunded",
        /// An option of the order missed its demand threshold.
        OptionDropped = "option_dropped",
        /// The customer changed the configuration after a dropped option.
        ConfigurationChanged = "configuration_changed",
    }
}

/// One step on an order's timeline.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderEvent {
    /// When (UTC milliseconds).
    pub at: i64,
    /// What happened.
    pub kind: OrderEventKind,
}

/// An order with its snapshot, as "My orders" and the API show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    /// Stable id.
    pub id: String,
    /// The campaign it was reserved in.
    pub campaign_id: String,
    /// The batch whose unit it holds (numbered from 1).
    pub batch: u32,
    /// The saved configuration it was reserved from.
    pub configuration_code: String,
    /// Snapshot: car line and catalog version.
    pub car_line: String,
    /// Snapshot: the catalog version the configuration was checked against.
    pub catalog_version: u32,
    /// Snapshot: the selected options.
    pub selections: Vec<String>,
    /// Snapshot: the full price breakdown at reservation time.
    pub price: Quote,
    /// The refundable reservation amount.
    pub reservation: Money,
    /// The earnest money due when locking.
    pub earnest: Money,
    /// Hours after locking during which a locked order is still fully refundable.
    pub cooling_off_hours: i64,
    /// Where the order stands.
    pub status: OrderStatus,
    /// Money the order holds now (paid in, less refunds).
    pub held: Money,
    /// Reservation time (UTC milliseconds).
    pub created_at: i64,
    /// Lock confirmation time (UTC milliseconds).
    pub locked_at: Option<i64>,
    /// Until when a locked order can be cancelled with a full refund.
    pub refundable_until: Option<i64>,
    /// Everything that happened, oldest first.
    pub timeline: Vec<OrderEvent>,
    /// An option of this car that missed its demand threshold and will not be built: the
    /// holder may change the configuration or cancel with a full refund at any time.
    pub dropped_option: Option<String>,
}

/// A batch of units and how full it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchView {
    /// Number, from 1.
    pub seq: u32,
    /// Units in the batch.
    pub cap: i64,
    /// Units held by orders.
    pub held: i64,
}

/// A choice in a poll with its live count.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PollChoice {
    /// Stable id (e.g. an option id of the catalog).
    pub id: String,
    /// What voters see.
    pub label: Localized,
    /// Votes so far.
    pub votes: i64,
}

/// A poll of a campaign with live results.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    /// Stable id.
    pub id: String,
    /// The question.
    pub question: Localized,
    /// The choices and their counts.
    pub choices: Vec<PollChoice>,
    /// When voting ends (UTC milliseconds).
    pub closes_at: i64,
    /// The asking account's current vote.
    pub my_vote: Option<String>,
}

/// The commerce side of a campaign: terms, batch fill levels and polls.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    /// The public campaign.
    #[serde(flatten)]
    pub campaign: super::CampaignView,
    /// Refundable reservation amount.
    pub reservation: Money,
    /// Earnest money for locking.
    pub earnest: Money,
    /// Cooling-off period after locking, in hours.
    pub cooling_off_hours: i64,
    /// Batches in order.
    pub batches: Vec<BatchView>,
    /// Polls.
    pub polls: Vec<PollView>,
    /// Demand thresholds with their progress.
    pub thresholds: Vec<ThresholdView>,
}

/// A demand threshold and how close it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdView {
    /// Stable id.
    pub id: String,
    /// The catalog option.
    pub option: String,
    /// The option's name.
    pub name: Localized,
    /// Active reservations needed.
    pub target: i64,
    /// Active reservations that include the option (at the decision: the count then).
    pub reached: i64,
    /// When it is decided (UTC milliseconds).
    pub deadline: i64,
    /// Open until the deadline, then confirmed or dropped.
    pub status: super::ThresholdStatus,
}
