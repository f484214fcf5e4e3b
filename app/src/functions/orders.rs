//! Server functions for reservations and orders. Each takes the idempotency key the browser
//! drew for the user's intent, so a double click or a retried request is applied once.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::OrderView;

/// Reserves a saved configuration in a campaign.
#[server(endpoint = "reserve")]
pub async fn reserve(
    campaign_id: String,
    configuration_code: String,
    idempotency_key: String,
) -> Result<OrderView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .orders()
        .reserve(
            &account,
            &campaign_id,
            &configuration_code,
            &idempotency_key,
        )
        .await?
        .result
}

/// The logged-in account's orders.
#[server(endpoint = "my_orders")]
pub async fn my_orders() -> Result<Vec<OrderView>, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.orders().list(&account).await
}

/// Cancels an order with a full refund.
#[server(endpoint = "cancel_order")]
pub async fn cancel_order(
    order_id: String,
    idempotency_key: String,
) -> Result<OrderView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .orders()
        .cancel_order(&account, &order_id, &idempotency_key)
        .await?
        .result
}

/// Locks an order (the second step of the confirmation).
#[server(endpoint = "lock_order")]
pub async fn lock_order(
    order_id: String,
    idempotency_key: String,
    confirm: bool,
) -> Result<OrderView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .orders()
        .lock_order(&account, &order_id, &idempotency_key, confirm)
        .await?
        .result
}

/// A fresh idempotency key for one user intent.
pub fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        let b = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        format!("ui-{a:x}-{b:x}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        "ui-server-rendered".to_string()
    }
}

/// Gives an order whose option was dropped another saved configuration.
#[server(endpoint = "change_order")]
pub async fn change_order(
    order_id: String,
    configuration_code: String,
) -> Result<OrderView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .orders()
        .change_order_configuration(&account, &order_id, &configuration_code)
        .await
}
