use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use models::{CheckResult, SavedConfiguration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::MaybeAuthed;
use super::extract::{ApiJson, Path};
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// A configuration to check or save.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationRequest {
    /// The car line id.
    car_line: String,
    /// Option ids, in the order the user chose them.
    selections: Vec<String>,
}

/// The answer to a save.
#[derive(Serialize, ToSchema)]
pub struct Saved {
    /// The share code.
    code: String,
    /// The share link's path.
    url: String,
}

/// Checks a configuration: every option's state with its reasons, and the price.
#[utoipa::path(post, path = "/api/v1/configurations/check", tag = "configurations",
    request_body = ConfigurationRequest,
    responses(
        (status = 200, description = "The verdict", body = models::CheckResult),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "Unknown car line", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Unknown option ids or a malformed body; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn check(
    State(services): State<ApiState>,
    ApiJson(request): ApiJson<ConfigurationRequest>,
) -> Result<Json<CheckResult>, ApiError> {
    let compiled = services
        .catalogs()
        .published_catalog(&request.car_line)
        .await?;
    Ok(Json(compiled.check(&request.selections)?))
}

/// Saves a valid, complete configuration (re-checked on the server) under a share code.
#[utoipa::path(post, path = "/api/v1/configurations", tag = "configurations",
    request_body = ConfigurationRequest,
    responses(
        (status = 201, description = "Saved", body = Saved),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "Unknown car line", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Invalid or incomplete configuration, with the reasons; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn save(
    State(services): State<ApiState>,
    MaybeAuthed(account): MaybeAuthed,
    ApiJson(request): ApiJson<ConfigurationRequest>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let code = services
        .configurations()
        .save_configuration_by(account.as_ref(), &request.car_line, &request.selections)
        .await?;
    let url = format!("/c/{code}");
    Ok((StatusCode::CREATED, Json(Saved { code, url })))
}

/// A saved configuration, re-checked against the current catalog; withdrawn options are listed.
#[utoipa::path(get, path = "/api/v1/configurations/{code}", tag = "configurations",
    params(("code" = String, Path, description = "Share code (8 characters)")),
    responses(
        (status = 200, description = "The configuration and a fresh check", body = models::SavedConfiguration),
        (status = 400, description = "Malformed code; a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 404, description = "No such configuration", body = ErrorBody)))]
pub async fn load(
    State(services): State<ApiState>,
    Path(code): Path<String>,
) -> Result<Json<SavedConfiguration>, ApiError> {
    Ok(Json(
        services.configurations().load_configuration(&code).await?,
    ))
}
