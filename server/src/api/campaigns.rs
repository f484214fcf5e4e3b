//! Campaigns: the public list and detail (fill levels, polls), creation by marketers, and
//! reservations by consumers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use models::{CampaignDetail, CampaignInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::{Authed, MaybeAuthed};
use super::extract::{ApiJson, Path};
use super::openapi::ErrorBody;
use super::orders::replayable;
use super::{ApiError, ApiState};

/// A reservation request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReservationRequest {
    /// The share code of a saved, complete configuration.
    configuration_code: String,
    /// Unique per reservation attempt; a retry with the same key returns the first answer.
    idempotency_key: String,
}

/// Every campaign with terms, batch fill levels and polls.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    responses((status = 200, description = "Campaigns, newest first", body = [models::CampaignDetail])))]
pub async fn list(
    State(services): State<ApiState>,
    MaybeAuthed(viewer): MaybeAuthed,
) -> Result<Json<Vec<CampaignDetail>>, ApiError> {
    Ok(Json(services.campaigns().list(viewer.as_ref()).await?))
}

/// One campaign with terms, batch fill levels and live poll results.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    params(("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = models::CampaignDetail),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody)))]
pub async fn detail(
    State(services): State<ApiState>,
    MaybeAuthed(viewer): MaybeAuthed,
    Path(id): Path<String>,
) -> Result<Json<CampaignDetail>, ApiError> {
    Ok(Json(
        services
            .campaigns()
            .campaign_detail(&id, viewer.as_ref())
            .await?,
    ))
}

/// Creates a campaign (marketers and admins), with batches and polls.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns",
    request_body = models::CampaignInput,
    responses(
        (status = 201, description = "Created", body = models::CampaignDetail),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a marketer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "A field fails validation; `field` names it; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn create(
    State(services): State<ApiState>,
    Authed(account): Authed,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignDetail>), ApiError> {
    let created = services
        .campaigns()
        .create_campaign(&account, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Edits a campaign (marketers and admins): the same fields as creation, re-validated against
/// what the campaign already holds. A poll keeps its `id`; polls without one are added, polls
/// left out are removed (only while they have no votes). Orders already placed keep their terms.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    params(("id" = String, Path, description = "Campaign id")),
    request_body = models::CampaignInput,
    responses(
        (status = 200, description = "Edited", body = models::CampaignDetail),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a marketer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "A field fails validation; `field` names it; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn update(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> Result<Json<CampaignDetail>, ApiError> {
    Ok(Json(
        services
            .campaigns()
            .update_campaign(&account, &id, &input)
            .await?,
    ))
}

/// Reserves a saved configuration (consumers): re-checked and re-priced on the server, a unit
/// of the first batch with room, the refundable amount requested from the payment provider.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/reservations", tag = "orders",
    params(("id" = String, Path, description = "Campaign id")),
    request_body = ReservationRequest,
    responses(
        (status = 201, description = "Reserved; the order awaits payment confirmation", body = models::OrderView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a consumer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such campaign or configuration", body = ErrorBody),
        (status = 409, description = "Sold out, not open, or already reserved", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Invalid configuration or request; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn reserve(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReservationRequest>,
) -> Result<Response, ApiError> {
    let answer = services
        .orders()
        .reserve(
            &account,
            &id,
            &request.configuration_code,
            &request.idempotency_key,
        )
        .await?;
    Ok(replayable(answer, StatusCode::CREATED))
}
