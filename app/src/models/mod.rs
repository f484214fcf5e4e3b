//! Plain data that crosses the wire between the server and the browser (and out of the JSON
//! API). No behaviour beyond small derivations.

mod campaign;
mod configuration;

pub use campaign::{CampaignView, Fact};
pub use configuration::{CheckResult, ConfiguratorData, Restored, SavedConfiguration};
