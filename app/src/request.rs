//! The request and response plumbing of the server functions (server only): the services from
//! context, the session cookie, the signed-in account and the client's address. The services
//! know nothing of HTTP; this is where a server function's request meets them. The JSON API
//! reads the same cookie and address through [`client_addr`] and [`session_token`].

use std::sync::Arc;

use leptos::prelude::use_context;
use services::accounts;
use services::Services;

use crate::error::AppError;
use crate::models::Account;

/// Fetches the services from the reactive context of a server function.
pub fn use_services() -> Result<Arc<Services>, AppError> {
    use_context::<Arc<Services>>().ok_or_else(|| AppError::Internal {
        message: "services are not available".into(),
    })
}

/// The session token carried by a request's cookies, if any.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    accounts::cookie_value(
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        accounts::SESSION_COOKIE,
    )
}

/// The client's address as the server's middleware decided it (the peer, or the address a
/// trusted proxy named for it; see `server::security::client_address`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// The address of the client that sent a request: the one the server's middleware decided,
/// else the peer axum recorded (`local` when the server runs without connect info, as in
/// tests). Both doors limit logins, registrations and live streams by it.
pub fn client_addr(extensions: &http::Extensions) -> String {
    if let Some(ClientAddr(ip)) = extensions.get::<ClientAddr>() {
        return ip.to_string();
    }
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// The client address of the request a server function is answering.
pub fn request_client() -> String {
    use_context::<http::request::Parts>()
        .map(|parts| client_addr(&parts.extensions))
        .unwrap_or_else(|| "local".into())
}

/// The session token of the request a server function is answering (cookie).
pub fn request_token() -> Option<String> {
    session_token(&use_context::<http::request::Parts>()?.headers)
}

/// The logged-in account of the request a server function is answering.
pub async fn request_account(services: &Arc<Services>) -> Result<Option<Account>, AppError> {
    match request_token() {
        Some(token) => services.accounts().session_account(&token).await,
        None => Ok(None),
    }
}

/// The logged-in account, or [`AppError::Unauthenticated`].
pub async fn require_account(services: &Arc<Services>) -> Result<Account, AppError> {
    request_account(services)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Sets the session cookie on the server function's response.
pub fn set_session_cookie(services: &Services, token: &str) {
    let cookie = accounts::session_cookie(
        token,
        accounts::SESSION_TTL_MS / 1000,
        services.options().secure_cookies,
    );
    set_cookie_header(&cookie);
}

/// Clears the session cookie on the server function's response.
pub fn clear_session_cookie(services: &Services) {
    set_cookie_header(&accounts::session_cookie(
        "",
        0,
        services.options().secure_cookies,
    ));
}

fn set_cookie_header(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
