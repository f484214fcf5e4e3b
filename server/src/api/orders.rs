//! Orders: the account's list, cancel and the two-step lock.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::OrderView;
use serde::Deserialize;
use services::idempotency::Replayable;
use utoipa::ToSchema;

use super::auth::Authed;
use super::extract::{ApiJson, Path};
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// Cancels an order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Unique per request; a retry with the same key returns the first answer.
    idempotency_key: String,
}

/// Locks an order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockRequest {
    /// Unique per request; a retry with the same key returns the first answer.
    idempotency_key: String,
    /// Must be `true`: the customer confirmed what becomes non-refundable. Without it the
    /// answer is `confirmation_required` with those terms in words.
    #[serde(default)]
    confirm: bool,
}

/// Changes the configuration of an order whose option was dropped.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    /// The share code of a saved, complete configuration without dropped options.
    configuration_code: String,
}

/// The answer of a request with an idempotency key: the first answer, marked when replayed.
pub fn replayable<T: serde::Serialize>(answer: Replayable<T>, status: StatusCode) -> Response {
    let mut response = match answer.result {
        Ok(order) => (status, Json(order)).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    };
    if answer.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// The account's orders with their timelines and snapshots.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses(
        (status = 200, description = "Orders, newest first", body = [models::OrderView]),
        (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn list(
    State(services): State<ApiState>,
    Authed(account): Authed,
) -> Result<Json<Vec<OrderView>>, ApiError> {
    Ok(Json(services.orders().list(&account).await?))
}

/// Changes the configuration of an order that depends on an option a demand threshold
/// dropped, in one step: re-checked and re-priced, keeping the order's batch unit and payments.
/// No money moves; repeating a change that succeeded answers the order as it is.
#[utoipa::path(post, path = "/api/v1/orders/{id}/change", tag = "orders",
    params(("id" = String, Path, description = "Order id")),
    request_body = ChangeRequest,
    responses(
        (status = 200, description = "Changed", body = models::OrderView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a consumer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such order of this account, or no such configuration", body = ErrorBody),
        (status = 409, description = "The order does not depend on a dropped option, or has ended", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Invalid configuration, or it still has a dropped option; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn change(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ChangeRequest>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(
        services
            .orders()
            .change_order_configuration(&account, &id, &request.configuration_code)
            .await?,
    ))
}

/// Cancels an order with a full refund: a reservation at any time, a locked order within
/// its cooling-off period.
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", tag = "orders",
    params(("id" = String, Path, description = "Order id")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "Cancelled; refunds requested", body = models::OrderView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such order of this account", body = ErrorBody),
        (status = 409, description = "The order cannot be cancelled now", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn cancel(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CancelRequest>,
) -> Result<Response, ApiError> {
    let answer = services
        .orders()
        .cancel_order(&account, &id, &request.idempotency_key)
        .await?;
    Ok(replayable(answer, StatusCode::OK))
}

/// Locks a paid reservation (second step: `confirm: true`) and requests the earnest money.
#[utoipa::path(post, path = "/api/v1/orders/{id}/lock", tag = "orders",
    params(("id" = String, Path, description = "Order id")),
    request_body = LockRequest,
    responses(
        (status = 200, description = "Locking; the earnest payment awaits confirmation", body = models::OrderView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such order of this account", body = ErrorBody),
        (status = 409, description = "The order cannot be locked now", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "`confirm` missing: the answer states the terms; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn lock(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<LockRequest>,
) -> Result<Response, ApiError> {
    let answer = services
        .orders()
        .lock_order(&account, &id, &request.idempotency_key, request.confirm)
        .await?;
    Ok(replayable(answer, StatusCode::OK))
}
