//! Errors as the API answers them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::error::AppError;
use serde_json::json;

/// An error answered as `{"error": code, "message": text, ...details}`; refusals that pass
/// with time (`rate_limited`, `busy`) carry a `Retry-After` header as well.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<serde_json::Value>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    /// An error with its own status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after_secs: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The variant's fields (conflicting choices, open groups, ...) go along as details.
        let details = serde_json::to_value(&error).ok().and_then(|mut v| {
            let map = v.as_object_mut()?;
            map.remove("error");
            (!map.is_empty()).then_some(v)
        });
        ApiError {
            status,
            code: error.code(),
            message: error.to_string(),
            details,
            retry_after_secs: error.retry_after_secs(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.code, "message": self.message });
        if let (Some(serde_json::Value::Object(details)), Some(map)) =
            (self.details, body.as_object_mut())
        {
            map.extend(details);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Unknown paths under `/api/v1`.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint")
}

/// Known paths asked with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not accept that method",
    )
}

/// The answer when a handler panicked (a bug): logged, and answered in the API's format.
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "an internal error occurred; it has been logged",
    )
    .into_response()
}
