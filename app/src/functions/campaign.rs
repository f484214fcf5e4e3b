use leptos::prelude::*;

use crate::error::AppError;
use crate::models::CampaignView;

/// The campaign featured on the landing page.
#[server(endpoint = "featured_campaign")]
pub async fn featured_campaign() -> Result<Option<CampaignView>, AppError> {
    crate::request::use_services()?
        .campaigns()
        .featured_campaign()
        .await
}
