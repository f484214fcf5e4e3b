//! Registration, login, logout and the session extractor.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::Account;
use serde::{Deserialize, Serialize};
use services::accounts::{
    cookie_value, session_cookie as cookie_text, Session, SESSION_COOKIE, SESSION_TTL_MS,
};
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// A new consumer account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// E-mail address or 11-digit mobile number.
    login: String,
    /// At least 8 characters.
    password: String,
    /// Name shown in the UI (defaults to the login).
    #[serde(default)]
    display_name: Option<String>,
}

/// Credentials.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// E-mail address or mobile number.
    login: String,
    /// The password.
    password: String,
}

/// A session: the token works as `Authorization: Bearer <token>`; browsers get it as an
/// HttpOnly cookie as well.
#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    /// The bearer token.
    token: String,
    /// Expiry (UTC milliseconds).
    expires_at: i64,
    /// The account.
    account: Account,
}

/// The logged-in account behind a request (bearer token or session cookie), or 401.
pub struct Authed(pub Account);

/// The logged-in account, if any.
pub struct MaybeAuthed(pub Option<Account>);

fn token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie_value(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        name,
    )
}

impl FromRequestParts<ApiState> for MaybeAuthed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        match token(&parts.headers) {
            Some(token) => Ok(MaybeAuthed(state.accounts().session_account(&token).await?)),
            None => Ok(MaybeAuthed(None)),
        }
    }
}

impl FromRequestParts<ApiState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let MaybeAuthed(account) = MaybeAuthed::from_request_parts(parts, state).await?;
        account
            .map(Authed)
            .ok_or_else(|| models::error::AppError::Unauthenticated.into())
    }
}

fn session_cookie(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&cookie_text(value, max_age_secs, secure))
        .unwrap_or_else(|_| HeaderValue::from_static("c2m_session=; Path=/; Max-Age=0"))
}

fn with_session(status: StatusCode, session: Session, secure: bool) -> Response {
    let cookie = session_cookie(&session.token, SESSION_TTL_MS / 1000, secure);
    let body = SessionBody {
        token: session.token,
        expires_at: session.expires_at,
        account: session.account,
    };
    (status, [(header::SET_COOKIE, cookie)], Json(body)).into_response()
}

/// Registers a consumer account and logs it in. Password hashing is bounded: when as many
/// are waiting as may, the answer is 503 `busy` with `Retry-After` (nothing was stored).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = SessionBody),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 409, description = "The login is taken", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "A field fails validation; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody),
        (status = 429, description = "Too many registrations from this client address; try again after `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Busy hashing passwords; try again after `Retry-After` seconds", body = ErrorBody)))]
pub async fn register(
    State(services): State<ApiState>,
    extensions: http::Extensions,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let client = app::request::client_addr(&extensions);
    let session = services
        .accounts()
        .register_consumer(
            &request.login,
            &request.password,
            request.display_name.as_deref(),
            &client,
        )
        .await?;
    Ok(with_session(
        StatusCode::CREATED,
        session,
        services.options().secure_cookies,
    ))
}

/// Logs in. After a few failures, attempts back off per account and per client address
/// (1 s, 2 s, 4 s ... at most 5 minutes between attempts; 429 with `Retry-After`); the right
/// password works once the wait has passed. Password checks are bounded like registrations
/// (503 `busy` with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = SessionBody),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "Wrong login or password", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The JSON does not fit the schema (`invalid_body`)", body = ErrorBody),
        (status = 429, description = "Too many attempts; try again after `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Busy checking passwords; try again after `Retry-After` seconds", body = ErrorBody)))]
pub async fn login(
    State(services): State<ApiState>,
    extensions: http::Extensions,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = app::request::client_addr(&extensions);
    let session = services
        .accounts()
        .login(&request.login, &request.password, &client)
        .await?;
    Ok(with_session(
        StatusCode::OK,
        session,
        services.options().secure_cookies,
    ))
}

/// Ends the session (and clears the cookie).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "Logged out"),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`)", body = ErrorBody)))]
pub async fn logout(
    State(services): State<ApiState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = token(&headers) {
        services.accounts().logout(&token).await?;
    }
    let cookie = session_cookie("", 0, services.options().secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The logged-in account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses(
        (status = 200, description = "The account", body = models::Account),
        (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn me(Authed(account): Authed) -> Json<Account> {
    Json(account)
}
