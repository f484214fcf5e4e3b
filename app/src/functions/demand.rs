//! Server functions of the OEM dashboard: the report, the readable campaigns, API tokens.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::{ApiTokenView, DemandCampaign, DemandReport, NewApiToken};

/// The campaigns the signed-in OEM member may read.
#[server(endpoint = "demand_campaigns")]
pub async fn load_demand_campaigns() -> Result<Vec<DemandCampaign>, AppError> {
    use crate::services::demand::Viewer;
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .demand()
        .demand_campaigns(Viewer::Member(&account))
        .await
}

/// The demand report of a campaign (the first readable one when `campaign` is empty). The
/// filter travels as flat fields: a form-encoded struct of absent options would vanish. The
/// sales mode travels as typed in the page's query string; one that is neither purchase nor
/// lease is refused as an invalid `sales_mode`.
#[server(endpoint = "demand_report")]
pub async fn load_demand_report(
    campaign: String,
    catalog_version: Option<u32>,
    from: Option<String>,
    to: Option<String>,
    sales_mode: Option<String>,
    province: Option<String>,
) -> Result<Option<DemandReport>, AppError> {
    use crate::models::DemandFilter;
    use crate::services::demand::Viewer;
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    let viewer = Viewer::Member(&account);
    let filter = DemandFilter {
        catalog_version,
        from,
        to,
        sales_mode: DemandFilter::sales_mode_of(sales_mode.as_deref())?,
        province,
    };
    let campaign = match campaign.trim() {
        "" => match services
            .demand()
            .demand_campaigns(viewer)
            .await?
            .into_iter()
            .next()
        {
            Some(first) => first.id,
            None => return Ok(None),
        },
        id => id.to_string(),
    };
    services
        .demand()
        .demand_report(viewer, &campaign, &filter)
        .await
        .map(Some)
}

/// The member's OEM's API tokens.
#[server(endpoint = "api_tokens")]
pub async fn load_api_tokens() -> Result<Vec<ApiTokenView>, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.demand().api_tokens(&account).await
}

/// Creates an API token; the answer holds its secret, shown once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<NewApiToken, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.demand().create_api_token(&account, &name).await
}

/// Revokes an API token.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: String) -> Result<ApiTokenView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.demand().revoke_api_token(&account, &id).await
}
