//! Plain data that crosses the wire between the server and the browser (and out of the JSON
//! API). No behaviour beyond small derivations.

pub mod error;
pub mod geo;
pub mod time;

mod account;
mod auction;
mod campaign;
mod configuration;
mod demand;
mod order;

pub use account::{Account, Role};
pub use auction::{
    AuctionInput, AuctionState, AuctionView, BidAnswer, BidView, BidderStanding, FeedEntry,
    SettlementView, TierInput,
};
pub use campaign::{CampaignInput, CampaignView, Fact, PollChoiceInput, PollInput, ThresholdInput};
pub use configuration::{CheckResult, ConfiguratorData, Restored, SavedConfiguration};
pub use demand::{
    ApiTokenView, AuctionSummary, DayCounts, DemandCampaign, DemandFilter, DemandReport,
    FunnelStep, GroupRates, ModeSplit, NewApiToken, OptionRate, PollCount, PollResult, Rate,
    RegionCount, Signals, ThresholdProgress, TopConfiguration,
};
pub use error::AppError;
pub use order::{
    BatchView, CampaignDetail, OrderEvent, OrderStatus, OrderView, PollChoice, PollView,
    ThresholdView,
};
