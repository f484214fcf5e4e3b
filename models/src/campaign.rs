use configurator::{LeaseTerms, Localized, Money};
use serde::{Deserialize, Serialize};

/// One key fact on the campaign page, e.g. "Range: 500 km".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// What is measured.
    pub label: Localized,
    /// The value with its unit; numbers are the same in both languages.
    pub value: Localized,
}

/// A pre-sale campaign as the landing page shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    /// Stable id used in URLs.
    pub id: String,
    /// The car line on sale.
    pub car_line: String,
    /// The car's name.
    pub car_name: Localized,
    /// The catalog version the campaign sells.
    pub catalog_version: u32,
    /// Headline.
    pub title: Localized,
    /// One sentence under the headline.
    pub tagline: Localized,
    /// Key facts.
    pub facts: Vec<Fact>,
    /// Start of the warm-up (UTC milliseconds).
    pub warmup_at: i64,
    /// When reservations open (UTC milliseconds).
    pub opens_at: i64,
    /// When the pre-sale ends (UTC milliseconds).
    pub closes_at: i64,
    /// The base price with the battery leased.
    pub lease_price: Money,
    /// The base price with the battery bought.
    pub purchase_price: Money,
    /// The lease terms of the default battery pack, shown beside the lease price.
    pub lease_terms: Option<LeaseTerms>,
    /// The server's clock when this was read, so countdowns do not trust the client's clock.
    pub server_now: i64,
}

/// A campaign as a marketer creates it (the page's form and `POST /api/v1/campaigns`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Id used in URLs: 3 to 40 lower-case letters, digits and dashes.
    pub id: String,
    /// The car line on sale.
    pub car_line: String,
    /// The catalog version sold; the published one when absent.
    #[serde(default)]
    pub catalog_version: Option<u32>,
    /// Headline.
    pub title: Localized,
    /// One sentence under the headline.
    pub tagline: Localized,
    /// Start of the warm-up (UTC milliseconds).
    pub warmup_at: i64,
    /// Reservations open (UTC milliseconds).
    pub opens_at: i64,
    /// The pre-sale ends (UTC milliseconds).
    pub closes_at: i64,
    /// Unit caps of the batches, in order (e.g. `[5000, 10000]`).
    pub batches: Vec<i64>,
    /// Refundable reservation amount, in fen.
    pub reservation_fen: i64,
    /// Earnest money for locking, in fen: at most 20 % of the car's price.
    pub earnest_fen: i64,
    /// Hours after locking during which the customer may still cancel with a full refund.
    pub cooling_off_hours: i64,
    /// Polls to run during the campaign.
    #[serde(default)]
    pub polls: Vec<PollInput>,
    /// Demand thresholds: options built only if enough people reserve them.
    #[serde(default)]
    pub thresholds: Vec<ThresholdInput>,
}

/// "This option is built if `target` people reserve it by `deadline`."
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdInput {
    /// The catalog option.
    pub option: String,
    /// Active reservations needed.
    pub target: i64,
    /// When it is decided (UTC milliseconds), at the latest when the campaign closes.
    pub deadline: i64,
}

/// A poll as a marketer defines it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollInput {
    /// The poll's id when editing one the campaign already has; absent for a new poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The question.
    pub question: Localized,
    /// Two to ten choices.
    pub choices: Vec<PollChoiceInput>,
    /// When voting ends (UTC milliseconds), at the latest when the campaign closes.
    pub closes_at: i64,
}

/// One choice of a poll.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollChoiceInput {
    /// Stable id (e.g. the option id it stands for).
    pub id: String,
    /// What voters see.
    pub label: Localized,
}
