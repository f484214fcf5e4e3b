//! The payment provider's webhook, and a person's statement of their own money.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use models::Statement;

use super::auth::Authed;
use super::extract::RawBody;
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// The header carrying the callback's HMAC-SHA256 signature (hex).
pub const SIGNATURE_HEADER: &str = "x-c2m-signature";

/// Applies a payment or refund outcome the provider signed (HMAC-SHA256 of the whole body,
/// hex, in `X-C2M-Signature`), once. The body names our id, the amount in fen, the currency
/// and the provider's timestamp; a callback more than five minutes old, one applied before,
/// or one for another amount or currency is refused with `callback_refused` and its `reason`.
#[utoipa::path(post, path = "/api/v1/payments/callback", tag = "payments",
    request_body(content = models::payment::Callback, description = "The outcome, exactly as signed"),
    responses(
        (status = 204, description = "Applied"),
        (status = 400, description = "Malformed callback", body = ErrorBody),
        (status = 401, description = "Missing or wrong signature (`bad_signature`), whatever the id", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No payment or refund has this id", body = ErrorBody),
        (status = 409, description = "Refused (`callback_refused`): `reason` is `stale`, `replayed` or `amount_mismatch`", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody)))]
pub async fn callback(
    State(services): State<ApiState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<StatusCode, ApiError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    services
        .payments()
        .payment_callback(&body, signature)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person's statement: every charge and refund of their orders and auctions
/// (`kind` charge or refund, `amount_fen`, `status`, the order or auction, times), newest
/// first, and the totals the ledger holds for them.
#[utoipa::path(get, path = "/api/v1/me/payments", tag = "payments",
    responses(
        (status = 200, description = "The statement", body = models::Statement),
        (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn statement(
    State(services): State<ApiState>,
    Authed(account): Authed,
) -> Result<Json<Statement>, ApiError> {
    Ok(Json(services.payments().statement(&account).await?))
}
