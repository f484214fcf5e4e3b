use configurator::{LeaseTerms, Localized, Money};
use serde::{Deserialize, Serialize};

/// One key fact on the campaign page, e.g. "Range: 500 km".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// What is measured.
    pub label: Localized,
    /// The value with its unit; numbers are the same in both languages.
    pub value: Localized,
}

/// A pre-sale campaign as the landing page shows it.
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
