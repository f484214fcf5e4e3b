//! Auctions on the wire: what a marketer enters, what watchers and bidders see.

use configurator::Localized;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Where an auction stands. An open auction past its end stays `open` until the next tick
    /// closes it; one before its start is `open` too (bids are refused until then).
    "auction phase"
    pub enum AuctionPhase {
        /// Bidding runs (or will: before `starts_at`).
        Open = "open",
        /// Ended without a valid winner (no bids, or the reserve was not met, or abandoned).
        Unsold = "unsold",
        /// The winner has to confirm the purchase before the deadline.
        AwaitingConfirmation = "awaiting_confirmation",
        /// The buyer has to pay the price before the deadline.
        AwaitingPayment = "awaiting_payment",
        /// The price is paid: the edition is sold.
        Paid = "paid",
        /// The winner defaulted: the marketer offers a second chance, re-runs or abandons.
        AwaitingDecision = "awaiting_decision",
        /// A runner-up may buy at their own highest bid before the deadline.
        SecondChanceOffered = "second_chance_offered",
        /// The auction is re-run as a new auction.
        RerunScheduled = "rerun_scheduled",
    }
}

wire_enum! {
    /// How a bid was placed.
    "bid kind"
    pub enum BidKind {
        /// Typed by the bidder.
        Manual = "manual",
        /// Placed by the bidder's hidden maximum.
        Proxy = "proxy",
        /// An earlier equal maximum taking the lead at the same price.
        ProxyMatch = "proxy_match",
    }
}

wire_enum! {
    /// What a feed entry reports besides bids.
    "auction notice"
    pub enum Notice {
        /// A bidder registered (paddle and deposit).
        Registered = "registered",
        /// A late bid moved the end (anti-sniping).
        EndExtended = "end_extended",
        /// Bidding closed with a winner.
        Closed = "closed",
        /// The auction ended unsold.
        Unsold = "unsold",
        /// Deposits were released for refund.
        DepositReleased = "deposit_released",
        /// A defaulter's deposit was forfeited.
        DepositForfeited = "deposit_forfeited",
        /// The winner is asked to confirm.
        ConfirmationRequested = "confirmation_requested",
        /// The buyer is asked to pay.
        PaymentRequested = "payment_requested",
        /// The price was paid.
        Paid = "paid",
        /// The winner (or a runner-up) defaulted.
        Defaulted = "defaulted",
        /// A runner-up was offered the edition.
        SecondChanceOffered = "second_chance_offered",
        /// The runner-up declined the offer.
        OfferDeclined = "offer_declined",
        /// The offer's deadline passed.
        OfferExpired = "offer_expired",
        /// The auction is re-run as a new auction.
        RerunScheduled = "rerun_scheduled",
    }
}

wire_enum! {
    /// A settlement step: the winner's or runner-up's, or the marketer's decision after a
    /// default.
    "settlement step"
    pub enum SettlementStep {
        /// The winner confirms the purchase.
        Confirm = "confirm",
        /// The marketer offers the edition to the next runner-up.
        OfferSecondChance = "second_chance",
        /// The runner-up accepts the offer.
        Accept = "accept",
        /// The runner-up declines the offer.
        Decline = "decline",
        /// The marketer gives up (ends unsold).
        Abandon = "abandon",
    }
}

/// One row of a tier table: from `from_fen` (inclusive) upwards, `value_fen` applies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierInput {
    /// Lower bound of the amounts the row covers (the first row starts at 0).
    pub from_fen: i64,
    /// The increment (or deposit) for those amounts.
    pub value_fen: i64,
}

/// A new auction for a numbered edition, as a marketer enters it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuctionInput {
    /// The edition, e.g. "No. 001".
    pub title: String,
    /// The car line.
    pub car_line: String,
    /// Share code of the fixed, complete configuration being auctioned.
    pub configuration_code: String,
    /// The lowest first bid.
    pub starting_price_fen: i64,
    /// Minimum increment by current price.
    pub increments: Vec<TierInput>,
    /// Largest raise one bid may make above the current price.
    pub max_raise_fen: i64,
    /// Deposit by the bid it covers.
    pub deposits: Vec<TierInput>,
    /// Bidding opens (UTC ms).
    pub starts_at: i64,
    /// Scheduled end (UTC ms); anti-sniping may move it later.
    pub ends_at: i64,
    /// A bid in the last N minutes moves the end to bid time + N minutes (0: off).
    pub anti_sniping_minutes: i64,
    /// Below this the edition is not sold (hidden from bidders; they see whether it is met).
    #[serde(default)]
    pub reserve_fen: Option<i64>,
    /// Hours the winner has to confirm after the end.
    pub confirm_within_hours: i64,
    /// Hours the buyer has to pay after confirming.
    pub pay_within_hours: i64,
    /// Hours a runner-up has to accept a second-chance offer.
    pub offer_within_hours: i64,
}

/// One accepted bid as everyone sees it: a paddle number, never a name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidView {
    /// Position in the auction's bid history (1, 2, ...; strictly increasing).
    pub seq: i64,
    /// The bidder's paddle number.
    pub paddle: i64,
    /// Amount.
    pub amount_fen: i64,
    /// `manual`, `proxy` (placed by a hidden maximum) or `proxy_match` (an earlier equal
    /// maximum taking the lead at the same price).
    pub kind: BidKind,
    /// Server time it was accepted (UTC ms).
    pub at: i64,
}

/// What one accepted command changed, as every watcher sees it. Entries have consecutive
/// `seq` numbers: a watcher who saw `n` and then sees `n + 2` missed one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// Position in the auction's log.
    pub seq: i64,
    /// Server time (UTC ms).
    pub at: i64,
    /// Bids this entry accepted, in order.
    pub bids: Vec<BidView>,
    /// What happened besides bids, each once, in order.
    pub notices: Vec<Notice>,
    /// The auction after this entry.
    pub state: AuctionState,
}

/// The public state of an auction at one point of its log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionState {
    /// The phase.
    pub phase: AuctionPhase,
    /// The leading bid, if any.
    pub current_fen: Option<i64>,
    /// The leader's paddle.
    pub leader_paddle: Option<i64>,
    /// Number of accepted bids.
    pub bid_count: i64,
    /// Lowest valid next bid.
    pub minimum_bid_fen: i64,
    /// Highest valid next bid.
    pub maximum_bid_fen: i64,
    /// End of bidding, with extensions (UTC ms).
    pub ends_at: i64,
    /// Whether the (hidden) reserve price is met.
    pub reserve_met: bool,
    /// In settlement: whose turn it is (paddle), at what price, until when.
    pub settlement: Option<SettlementView>,
    /// Number of registered bidders with a paid deposit.
    pub bidders: i64,
}

/// Whose turn it is in settlement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementView {
    /// The bidder concerned.
    pub paddle: i64,
    /// The price.
    pub amount_fen: i64,
    /// The deadline (UTC ms), if one runs.
    pub deadline: Option<i64>,
}

/// An auction as a page or the API shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionView {
    /// Id.
    pub id: String,
    /// The edition.
    pub title: String,
    /// The car line.
    pub car_line: String,
    /// The car line's name, in both languages.
    pub car_name: Localized,
    /// The configuration auctioned.
    pub configuration_code: String,
    /// The position in the log this view reflects (`seq` of the last feed entry).
    pub version: i64,
    /// The settings.
    pub starting_price_fen: i64,
    /// Minimum increment by current price.
    pub increments: Vec<TierInput>,
    /// Largest raise per bid.
    pub max_raise_fen: i64,
    /// Deposit by bid.
    pub deposits: Vec<TierInput>,
    /// Bidding opens (UTC ms).
    pub starts_at: i64,
    /// The scheduled end before extensions (UTC ms).
    pub scheduled_end: i64,
    /// The anti-sniping window.
    pub anti_sniping_minutes: i64,
    /// Whether there is a reserve price (its amount stays hidden).
    pub has_reserve: bool,
    /// The auction this one re-runs, if any.
    pub rerun_of: Option<String>,
    /// The state now.
    pub state: AuctionState,
    /// The server's clock when this view was made (UTC ms): countdowns run on server time.
    pub server_now: i64,
    /// The viewer's own standing, when a logged-in viewer registered.
    pub you: Option<BidderStanding>,
}

/// A registered bidder's own standing in an auction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidderStanding {
    /// The bidder's paddle number.
    pub paddle: i64,
    /// Deposit paid and counted for bidding.
    pub deposit_fen: i64,
    /// Deposit payments still awaiting the provider.
    pub deposit_pending_fen: i64,
    /// The highest bid this deposit allows (`None`: no limit within the tiers).
    pub covers_up_to_fen: Option<i64>,
}

/// The answer to a bid or a proxy maximum: what it caused.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidAnswer {
    /// Log position of the request.
    pub seq: i64,
    /// The bids it caused, in order: the bidder's own (manual, or the first automatic one of
    /// a new maximum) and any automatic answers from other bidders' maxima.
    pub bids: Vec<BidView>,
    /// Whether the bidder leads after it.
    pub leading: bool,
    /// The auction after it.
    pub state: AuctionState,
}

/// A registration or deposit top-up: the bidder's paddle and the charge requested.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The bidder's paddle number in this auction.
    pub paddle: i64,
    /// The payment requested; `None` when nothing was charged (the deposit covered the price).
    pub payment_id: Option<String>,
    /// Its amount.
    pub amount_fen: i64,
    /// `pending` until the provider confirms; the deposit counts for bidding after that.
    /// `succeeded` at once when nothing was charged.
    pub status: String,
}
