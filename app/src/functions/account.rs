//! Server functions for accounts: who is logged in, login, registration, logout. The session
//! travels as the same HttpOnly cookie the JSON API sets.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::Account;

/// The logged-in account of this request, if any.
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    let services = crate::request::use_services()?;
    crate::request::request_account(&services).await
}

/// Logs in and sets the session cookie; answers the account.
#[server(endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<Account, AppError> {
    let services = crate::request::use_services()?;
    let client = crate::request::request_client();
    let session = services
        .accounts()
        .login(&login, &password, &client)
        .await?;
    crate::request::set_session_cookie(&services, &session.token);
    Ok(session.account)
}

/// Registers a consumer account, logs it in and sets the session cookie.
#[server(endpoint = "register")]
pub async fn register(
    login: String,
    password: String,
    display_name: Option<String>,
) -> Result<Account, AppError> {
    let services = crate::request::use_services()?;
    let client = crate::request::request_client();
    let session = services
        .accounts()
        .register_consumer(&login, &password, display_name.as_deref(), &client)
        .await?;
    crate::request::set_session_cookie(&services, &session.token);
    Ok(session.account)
}

/// Ends the session and clears the cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let services = crate::request::use_services()?;
    if let Some(token) = crate::request::request_token() {
        services.accounts().logout(&token).await?;
    }
    crate::request::clear_session_cookie(&services);
    Ok(())
}
