use configurator::{Catalog, Check, Quote};
use serde::{Deserialize, Serialize};

use super::CampaignView;

/// The verdict of the engine on a set of selections, with the price; what
/// `POST /api/v1/configurations/check` answers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The state of every option and why.
    #[serde(flatten)]
    pub check: Check,
    /// The price for the chosen sales mode; `null` while no sales mode is chosen.
    pub price: Option<Quote>,
}

/// A configuration saved under a share code, re-checked against the current catalog.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedConfiguration {
    /// The share code.
    pub code: String,
    /// The car line.
    pub car_line: String,
    /// The catalog version it was saved with.
    pub catalog_version: u32,
    /// The catalog version it is checked against now (the published one).
    pub current_version: u32,
    /// The selections as saved, minus withdrawn options.
    pub selections: Vec<String>,
    /// Saved options the current catalog no longer has.
    pub withdrawn: Vec<String>,
    /// A fresh check of `selections` against the current catalog.
    pub check: CheckResult,
    /// When it was saved (UTC milliseconds).
    pub created_at: i64,
}

/// Where a configuration in the configurator came from when it was opened from a share link.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Restored {
    /// The share code.
    pub code: String,
    /// The catalog version it was saved with.
    pub saved_version: u32,
    /// The catalog version it was re-checked against.
    pub current_version: u32,
    /// Options the current catalog no longer has, reported instead of silently dropped.
    pub withdrawn: Vec<String>,
}

/// Everything the configurator page needs; the browser builds its own engine from `catalog`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfiguratorData {
    /// The published catalog.
    pub catalog: Catalog,
    /// The campaign selling this car line, if one runs.
    pub campaign: Option<CampaignView>,
    /// The selections to start from.
    pub selections: Vec<String>,
    /// Set when opened from a share link.
    pub restored: Option<Restored>,
    /// The campaign's demand thresholds ("built if N people reserve it"), with progress.
    #[serde(default)]
    pub thresholds: Vec<super::ThresholdView>,
}
