use configurator::{Localized, Money, Quote};
use serde::{Deserialize, Serialize};

/// Where an order stands. Money moves only through the provider's confirmations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// A unit is held; the reservation payment awaits the provider's confirmation.
    PendingPayment,
    /// The refundable reservation amount is paid.
    Reserved,
    /// The provider declined the reservation payment; the unit is released.
    PaymentFailed,
    /// Cancelled by the customer and refunded; the unit is released.
    Cancelled,
    /// The customer confirmed the lock; the earnest money awaits confirmation.
    Locking,
    /// Earnest money paid: a firm order (refundable only within the cooling-off period).
    Locked,
}

impl OrderStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Reserved => "reserved",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Locking => "locking",
            OrderStatus::Locked => "locked",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<OrderStatus> {
        [
            OrderStatus::PendingPayment,
            OrderStatus::Reserved,
            OrderStatus::PaymentFailed,
            OrderStatus::Cancelled,
            OrderStatus::Locking,
            OrderStatus::Locked,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One step on an order's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderEvent {
    /// When (UTC milliseconds).
    pub at: i64,
    /// What happened: `reserved`, `payment_confirmed`, `payment_failed`, `lock_requested`,
    /// `locked`, `cancelled`, `refunded`.
    pub kind: String,
}

/// An order with its snapshot, as "My orders" and the API show it.
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
    /// `open`, `confirmed` or `dropped`.
    pub status: String,
}
