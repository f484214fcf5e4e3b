//! The payment provider's webhook.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// The header carrying the callback's HMAC-SHA256 signature (hex).
pub const SIGNATURE_HEADER: &str = "x-c2m-signature";

/// Applies a signed payment or refund outcome. Repeated deliveries change nothing.
#[utoipa::path(post, path = "/api/v1/payments/callback", tag = "payments",
    request_body(content = Object, description = "`{\"kind\": \"charge\"|\"refund\", \"id\", \"status\", \"provider_ref\"}`"),
    responses(
        (status = 204, description = "Applied (or already applied)"),
        (status = 400, description = "Malformed callback", body = ErrorBody),
        (status = 403, description = "Bad signature", body = ErrorBody)))]
pub async fn callback(
    State(services): State<ApiState>,
    headers: HeaderMap,
    body: Bytes,
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
