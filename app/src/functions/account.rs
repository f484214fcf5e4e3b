//! Server functions for accounts: who is logged in, login, registration, logout. The session
//! travels as the same HttpOnly cookie the JSON API sets.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::Account;

/// The logged-in account of this request, if any.
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    let services = crate::services::use_services()?;
    crate::services::request_account(&services).await
}

/// Logs in and sets the session cookie; answers the account.
#[server(endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<Account, AppError> {
    let services = crate::services::use_services()?;
    let client = use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<axum_connect::ConnectInfo>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "local".into());
    let session = services.login(&login, &password, &client).await?;
    crate::services::set_session_cookie(&services, &session.token);
    Ok(session.account)
}

/// Registers a consumer account, logs it in and sets the session cookie.
#[server(endpoint = "register")]
pub async fn register(
    login: String,
    password: String,
    display_name: Option<String>,
) -> Result<Account, AppError> {
    use crate::models::Role;
    use crate::services::accounts::NewAccount;
    let services = crate::services::use_services()?;
    let display_name = display_name.filter(|n| !n.trim().is_empty());
    let account = services
        .create_account(NewAccount {
            login: &login,
            password: &password,
            display_name: display_name.as_deref(),
            role: Role::Consumer,
            org_id: None,
        })
        .await?;
    let session = services.open_session(&account.id).await?;
    crate::services::set_session_cookie(&services, &session.token);
    Ok(account)
}

/// Ends the session and clears the cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let services = crate::services::use_services()?;
    if let Some(token) = crate::services::request_token() {
        services.logout(&token).await?;
    }
    crate::services::clear_session_cookie(&services);
    Ok(())
}

#[cfg(feature = "ssr")]
mod axum_connect {
    /// The client address axum records (when served with connect info).
    pub type ConnectInfo = axum::extract::ConnectInfo<std::net::SocketAddr>;
}
