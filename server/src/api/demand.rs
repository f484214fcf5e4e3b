//! The demand feed for the OEM's own systems (`/demand/{campaign}` as JSON, `.csv` as CSV,
//! the same figures as the dashboard with the same suppression) and its API tokens.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::{ApiTokenView, DemandCampaign, DemandFilter, DemandReport, NewApiToken};

use super::csv::{demand_csv, CSV_FIGURES};
use serde::Deserialize;
use services::demand::{Viewer, TOKEN_PREFIX};
use utoipa::{IntoParams, ToSchema};

use super::auth::{cookie, Authed};
use super::extract::{ApiJson, Path, Query};
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// The filter of a report.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DemandQuery {
    /// One catalog version.
    catalog_version: Option<u32>,
    /// First day, `YYYY-MM-DD` (China Standard Time).
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (China Standard Time).
    to: Option<String>,
    /// `purchase` or `lease`.
    #[param(value_type = Option<configurator::SalesMode>)]
    sales_mode: Option<String>,
    /// A province id (e.g. `guangdong`).
    province: Option<String>,
    /// CSV only: one figure (funnel, trend, modes, groups, options, provinces, cities,
    /// configurations, polls, thresholds, auctions).
    figure: Option<String>,
}

/// A new token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What it is for, e.g. "planning system".
    name: String,
}

/// Who asks: an OEM token (`Authorization: Bearer c2m_...`) or a signed-in member.
enum Asker {
    Org(String),
    Member(models::Account),
}

async fn asker(services: &ApiState, headers: &HeaderMap) -> Result<Asker, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string());
    if let Some(secret) = bearer.as_deref().filter(|s| s.starts_with(TOKEN_PREFIX)) {
        return match services.demand().api_token_org(secret).await? {
            Some(org) => Ok(Asker::Org(org)),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the API token is unknown or revoked",
            )),
        };
    }
    let session = bearer.or_else(|| cookie(headers, services::accounts::SESSION_COOKIE));
    match session {
        Some(token) => match services.accounts().session_account(&token).await? {
            Some(account) => Ok(Asker::Member(account)),
            None => Err(models::error::AppError::Unauthenticated.into()),
        },
        None => Err(models::error::AppError::Unauthenticated.into()),
    }
}

fn viewer(asker: &Asker) -> Viewer<'_> {
    match asker {
        Asker::Org(org) => Viewer::Token(org),
        Asker::Member(account) => Viewer::Member(account),
    }
}

/// The campaigns whose demand the asker may read.
#[utoipa::path(get, path = "/api/v1/demand", tag = "demand",
    responses(
        (status = 200, description = "Campaigns of the asker's OEM", body = Vec<models::DemandCampaign>),
        (status = 401, description = "No or a revoked token", body = ErrorBody),
        (status = 403, description = "Not an OEM member", body = ErrorBody)))]
pub async fn campaigns(
    State(services): State<ApiState>,
    headers: HeaderMap,
) -> Result<Json<Vec<DemandCampaign>>, ApiError> {
    let asker = asker(&services, &headers).await?;
    Ok(Json(
        services.demand().demand_campaigns(viewer(&asker)).await?,
    ))
}

/// The demand report of a campaign: `/demand/{campaign}` answers JSON, `/demand/{campaign}.csv`
/// CSV (`figure,key,label,signal,n,base`; an empty `n` is suppressed). Groups of fewer than K
/// people are suppressed; another OEM's campaign is not found.
#[utoipa::path(get, path = "/api/v1/demand/{campaign}", tag = "demand",
    params(("campaign" = String, Path, description = "Campaign id, with `.csv` for CSV"), DemandQuery),
    responses(
        (status = 200, description = "The report: JSON, or CSV for `{campaign}.csv`", content(
            (models::DemandReport = "application/json"),
            (String = "text/csv"))),
        (status = 400, description = "A path parameter does not parse (`invalid_path`); the query string does not parse (`invalid_query`)", body = ErrorBody),
        (status = 401, description = "No or a revoked token", body = ErrorBody),
        (status = 403, description = "Not an OEM member", body = ErrorBody),
        (status = 404, description = "No such campaign for this OEM", body = ErrorBody),
        (status = 422, description = "A malformed filter", body = ErrorBody)))]
pub async fn report(
    State(services): State<ApiState>,
    headers: HeaderMap,
    Path(campaign): Path<String>,
    Query(q): Query<DemandQuery>,
) -> Result<Response, ApiError> {
    let asker = asker(&services, &headers).await?;
    let (id, csv) = match campaign.strip_suffix(".csv") {
        Some(id) => (id.to_string(), true),
        None => (campaign, false),
    };
    if let Some(figure) = &q.figure {
        if !csv || !CSV_FIGURES.contains(&figure.as_str()) {
            return Err(models::error::AppError::invalid(
                "figure",
                format!(
                    "`figure` selects one figure of a CSV export: {}",
                    CSV_FIGURES.join(", ")
                ),
            )
            .into());
        }
    }
    let filter = DemandFilter {
        catalog_version: q.catalog_version,
        from: q.from,
        to: q.to,
        sales_mode: DemandFilter::sales_mode_of(q.sales_mode.as_deref())?,
        province: q.province,
    };
    let report: DemandReport = services
        .demand()
        .demand_report(viewer(&asker), &id, &filter)
        .await?;
    if csv {
        let name = format!(
            "demand-{}-{}.csv",
            report.campaign.id,
            q.figure.as_deref().unwrap_or("all")
        );
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            demand_csv(&report, q.figure.as_deref()),
        )
            .into_response())
    } else {
        Ok(Json(report).into_response())
    }
}

/// The asker's OEM's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/oem/tokens", tag = "demand",
    responses(
        (status = 200, description = "Tokens, newest first", body = Vec<models::ApiTokenView>),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an OEM member", body = ErrorBody)))]
pub async fn tokens(
    State(services): State<ApiState>,
    Authed(account): Authed,
) -> Result<Json<Vec<ApiTokenView>>, ApiError> {
    Ok(Json(services.demand().api_tokens(&account).await?))
}

/// Creates an API token for the asker's OEM; the answer is the only time `secret` is shown.
#[utoipa::path(post, path = "/api/v1/oem/tokens", tag = "demand",
    request_body = TokenRequest,
    responses(
        (status = 201, description = "Created: `token` and its `secret`", body = models::NewApiToken),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an OEM member; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "A name is needed; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn create_token(
    State(services): State<ApiState>,
    Authed(account): Authed,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<NewApiToken>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            services
                .demand()
                .create_api_token(&account, &request.name)
                .await?,
        ),
    ))
}

/// Revokes a token of the asker's OEM at once.
#[utoipa::path(delete, path = "/api/v1/oem/tokens/{id}", tag = "demand",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 200, description = "Revoked", body = models::ApiTokenView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an OEM member; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such token of this OEM", body = ErrorBody)))]
pub async fn revoke_token(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<ApiTokenView>, ApiError> {
    Ok(Json(
        services.demand().revoke_api_token(&account, &id).await?,
    ))
}
