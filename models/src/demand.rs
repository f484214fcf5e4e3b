//! The OEM's demand report: the figures of the dashboard and of the demand feed (JSON and CSV
//! are the same figures). Every count here is a sum of figures released under the OEM's K;
//! `None` means suppressed (or, for a funnel stage, not applicable to the filter).

use configurator::{Cardinality, Localized, SalesMode};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

wire_enum! {
    /// A stage of the demand funnel. The first four are what demand cells count (people who
    /// configured, voted, reserved — locked orders included — and locked); `paid` is the
    /// funnel's last step only (balance payments open at delivery, after the pre-sale).
    "demand stage"
    pub enum Stage {
        /// A saved configuration (the latest of each signed-in person).
        Configured = "configured",
        /// A person who voted in at least one poll of the campaign.
        Voted = "voted",
        /// A reservation whose money was paid.
        Reserved = "reserved",
        /// A locked order whose earnest money was paid.
        Locked = "locked",
        /// The balance paid (never counted in cells).
        Paid = "paid",
    }
}

wire_enum! {
    /// Where a demand threshold stands.
    "threshold status"
    pub enum ThresholdStatus {
        /// Before the deadline.
        Open = "open",
        /// Enough active reservations included the option at the deadline: it is built.
        Confirmed = "confirmed",
        /// Too few did: the option will not be built.
        Dropped = "dropped",
    }
}

/// What the report covers, beyond its campaign. Dates are China Standard Time calendar days
/// (`YYYY-MM-DD`), both ends included.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandFilter {
    /// One catalog version, or all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_version: Option<u32>,
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// One sales mode, or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_mode: Option<SalesMode>,
    /// One province (its id, see `geo`), or all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
}

impl DemandFilter {
    /// A sales mode as typed into a filter (a query string, a form): blank is none, anything
    /// but `purchase` or `lease` is refused as an invalid `sales_mode`.
    pub fn sales_mode_of(text: Option<&str>) -> Result<Option<SalesMode>, AppError> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => SalesMode::parse(text).map(Some).ok_or_else(|| {
                AppError::invalid("sales_mode", "the sales mode is purchase or lease")
            }),
        }
    }
}

/// `n` people out of `base`: a share among the cells where the figure could be shown.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// People counted.
    pub n: u64,
    /// People they are a share of.
    pub base: u64,
}

impl Rate {
    /// The share in per mille (0 when nothing could be shown).
    pub fn per_mille(self) -> u64 {
        (self.n * 1000 + self.base / 2)
            .checked_div(self.base)
            .unwrap_or(0)
    }
}

/// A count per signal: saved configurations, reservations (locked ones included) and locked
/// orders — kept apart, never merged.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals<T> {
    /// Saved configurations (the latest of each signed-in person).
    pub configured: T,
    /// Paid reservations, locked orders included.
    pub reserved: T,
    /// Locked orders (earnest money paid).
    pub locked: T,
}

/// One step of the funnel.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// The stage.
    pub stage: Stage,
    /// People; `None` where the step does not apply to the filter (votes have no sales mode).
    pub people: Option<u64>,
}

/// The funnel of one day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    /// The day (`YYYY-MM-DD`, China Standard Time).
    pub date: String,
    /// Saved configurations.
    pub configured: u64,
    /// New voters.
    pub voted: u64,
    /// Reservations made that day (still active, locked ones included).
    pub reserved: u64,
    /// Of those, locked.
    pub locked: u64,
}

/// The people of one sales mode.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeSplit {
    /// The sales mode.
    pub mode: SalesMode,
    /// People per signal.
    pub people: Signals<u64>,
}

/// The take rate of one option.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionRate {
    /// The option id.
    pub id: String,
    /// Its name.
    pub name: Localized,
    /// Its share per signal.
    pub rate: Signals<Rate>,
}

/// The take rates of one option group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// The group id.
    pub id: String,
    /// Its name.
    pub name: Localized,
    /// How many of its options may be on together.
    pub cardinality: Cardinality,
    /// People with at least one option of the group, per signal, in per mille (exclusive
    /// groups: the sum of their options' shares; `None` for any-groups, whose options overlap).
    pub taken_per_mille: Option<Signals<u64>>,
    /// Its options.
    pub options: Vec<OptionRate>,
}

/// The people of one province.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionCount {
    /// The province id.
    pub province: String,
    /// The city id (empty for a province).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
    /// People per signal.
    pub people: Signals<u64>,
}

/// A popular complete configuration.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopConfiguration {
    /// Its options.
    pub options: Vec<String>,
    /// Their names.
    pub names: Vec<Localized>,
    /// People per signal.
    pub people: Signals<u64>,
}

/// One choice of a poll.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PollCount {
    /// The choice id.
    pub id: String,
    /// Its label.
    pub label: Localized,
    /// Votes (`None`: suppressed).
    pub votes: Option<u64>,
}

/// A poll's results.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PollResult {
    /// The poll id.
    pub id: String,
    /// The question.
    pub question: Localized,
    /// When voting ends (UTC milliseconds).
    pub closes_at: i64,
    /// Votes in all (`None`: suppressed).
    pub total: Option<u64>,
    /// The choices.
    pub choices: Vec<PollCount>,
}

/// A demand threshold's progress.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThresholdProgress {
    /// The option.
    pub option: String,
    /// Its name.
    pub name: Localized,
    /// People needed.
    pub target: u64,
    /// People so far (`None`: suppressed).
    pub reached: Option<u64>,
    /// Open until the deadline, then confirmed or dropped.
    pub status: ThresholdStatus,
    /// When it is decided (UTC milliseconds).
    pub deadline: i64,
}

/// An auction of the car line in brief.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionSummary {
    /// The auction id.
    pub id: String,
    /// The edition.
    pub title: String,
    /// Its phase.
    pub phase: crate::AuctionPhase,
    /// Accepted bids.
    pub bids: u64,
    /// Distinct bidders who bid (`None`: suppressed).
    pub bidders: Option<u64>,
    /// The current (or final) price in fen.
    pub price_fen: i64,
}

/// A campaign an OEM member may read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemandCampaign {
    /// The campaign id.
    pub id: String,
    /// Its title.
    pub title: Localized,
    /// The car line.
    pub car_line: String,
}

/// Everything the dashboard shows for one campaign and filter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemandReport {
    /// The campaign.
    pub campaign: DemandCampaign,
    /// The smallest group shown.
    pub k: u64,
    /// The filter applied (normalised).
    pub filter: DemandFilter,
    /// The catalog versions with demand.
    pub versions: Vec<u32>,
    /// The first and last day with demand (`YYYY-MM-DD`), if any.
    pub span: Option<(String, String)>,
    /// configured → voted → reserved → locked → paid.
    pub funnel: Vec<FunnelStep>,
    /// The funnel per day.
    pub trend: Vec<DayCounts>,
    /// Lease against purchase.
    pub modes: Vec<ModeSplit>,
    /// Take rates by group and option (the battery pack mix is the `battery` group).
    pub groups: Vec<GroupRates>,
    /// By province, most reservations first (all provinces whatever the province filter).
    pub provinces: Vec<RegionCount>,
    /// By city, most reservations first.
    pub cities: Vec<RegionCount>,
    /// The most reserved complete configurations.
    pub top_configurations: Vec<TopConfiguration>,
    /// Poll results.
    pub polls: Vec<PollResult>,
    /// Demand thresholds.
    pub thresholds: Vec<ThresholdProgress>,
    /// The car line's auctions.
    pub auctions: Vec<AuctionSummary>,
}

/// An API token as its OEM sees it (never the token itself, except once at creation).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    /// The token's id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// Its first characters, to recognise it.
    pub prefix: String,
    /// Created (UTC milliseconds).
    pub created_at: i64,
    /// Last used (UTC milliseconds).
    pub last_used_at: Option<i64>,
    /// Revoked (UTC milliseconds).
    pub revoked_at: Option<i64>,
}

/// A token just created: the only time its secret is shown.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    /// The token as stored.
    pub token: ApiTokenView,
    /// The secret, to send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

impl std::ops::Add for Rate {
    type Output = Rate;
    fn add(self, other: Rate) -> Rate {
        Rate {
            n: self.n + other.n,
            base: self.base + other.base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_per_mille() {
        assert_eq!(Rate { n: 1, base: 3 }.per_mille(), 333);
        assert_eq!(Rate { n: 2, base: 3 }.per_mille(), 667);
        assert_eq!(Rate { n: 0, base: 0 }.per_mille(), 0);
    }
}
