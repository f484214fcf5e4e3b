//! Server functions for a person's money: the statement of every charge and refund.

use leptos::prelude::*;

use crate::error::AppError;
use crate::models::Statement;

/// The logged-in account's statement: every charge and refund of their orders and auctions,
/// newest first, and the totals (the service method behind `GET /api/v1/me/payments`).
#[server(endpoint = "my_payments")]
pub async fn my_payments() -> Result<Statement, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.payments().statement(&account).await
}
