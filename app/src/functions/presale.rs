//! Server functions for campaigns: details with polls, voting, creation by marketers.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::{CampaignDetail, CampaignInput, PollView};

/// A campaign with terms, batch fill levels and polls (with the viewer's votes).
#[server(endpoint = "campaign_detail")]
pub async fn load_campaign_detail(id: String) -> Result<CampaignDetail, AppError> {
    let services = crate::request::use_services()?;
    let viewer = crate::request::request_account(&services).await?;
    services
        .campaigns()
        .campaign_detail(&id, viewer.as_ref())
        .await
}

/// Every campaign with terms and fill levels, newest first (the studio's list).
#[server(endpoint = "campaigns")]
pub async fn load_campaigns() -> Result<Vec<CampaignDetail>, AppError> {
    let services = crate::request::use_services()?;
    let viewer = crate::request::request_account(&services).await?;
    services.campaigns().list(viewer.as_ref()).await
}

/// Votes in a poll; answers the live results.
#[server(endpoint = "vote")]
pub async fn vote(poll_id: String, choice: String) -> Result<PollView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.campaigns().vote(&account, &poll_id, &choice).await
}

/// Creates a campaign (marketers).
#[server(endpoint = "create_campaign")]
pub async fn create_campaign(input: CampaignInput) -> Result<CampaignDetail, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.campaigns().create_campaign(&account, &input).await
}

/// Edits a campaign (marketers).
#[server(endpoint = "update_campaign")]
pub async fn update_campaign(id: String, input: CampaignInput) -> Result<CampaignDetail, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .campaigns()
        .update_campaign(&account, &id, &input)
        .await
}
