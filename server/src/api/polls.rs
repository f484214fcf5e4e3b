//! Voting.

use axum::extract::State;
use axum::Json;
use models::PollView;
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::Authed;
use super::extract::{ApiJson, Path};
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// A vote.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// The id of the chosen answer.
    choice: String,
}

/// Votes (or changes the vote) in an open poll; answers the live results.
#[utoipa::path(post, path = "/api/v1/polls/{id}/vote", tag = "campaigns",
    params(("id" = String, Path, description = "Poll id")),
    request_body = VoteRequest,
    responses(
        (status = 200, description = "Counted; live results", body = models::PollView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a consumer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such poll", body = ErrorBody),
        (status = 409, description = "The poll closed", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Not a choice of this poll; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn vote(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VoteRequest>,
) -> Result<Json<PollView>, ApiError> {
    Ok(Json(
        services
            .campaigns()
            .vote(&account, &id, &request.choice)
            .await?,
    ))
}
