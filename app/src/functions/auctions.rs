//! Server functions for auctions: the pages' door onto `services::auctions`. Money-moving
//! requests take the idempotency key the browser drew for the user's intent.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::models::{AuctionInput, AuctionView, BidAnswer, BidView, SettlementStep};

/// How many of the latest bids the auction page loads (the live feed adds the rest).
pub const HISTORY_LEN: i64 = 100;

/// What the live auction page needs: the auction, its latest bids and whether the viewer
/// runs auctions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuctionPage {
    /// The auction with the viewer's standing.
    pub auction: AuctionView,
    /// The latest accepted bids, oldest first.
    pub bids: Vec<BidView>,
    /// Whether the viewer is a marketer or an admin (settlement decisions).
    pub can_manage: bool,
}

/// A deposit (registration or top-up) or price payment as requested from the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceipt {
    /// The bidder's paddle number.
    pub paddle: i64,
    /// The amount requested.
    pub amount_fen: i64,
    /// `pending` until the provider confirms.
    pub status: String,
}

#[cfg(feature = "ssr")]
fn receipt(r: crate::services::auctions::Registration) -> PaymentReceipt {
    PaymentReceipt {
        paddle: r.paddle,
        amount_fen: r.amount_fen,
        status: r.status,
    }
}

/// Every auction, newest first.
#[server(endpoint = "auctions")]
pub async fn load_auctions() -> Result<Vec<AuctionView>, AppError> {
    crate::request::use_services()?.auctions().list().await
}

/// One auction with the viewer's standing and its latest bids.
#[server(endpoint = "auction_page")]
pub async fn load_auction_page(id: String) -> Result<AuctionPage, AppError> {
    use crate::models::Role;
    let services = crate::request::use_services()?;
    let viewer = crate::request::request_account(&services).await?;
    let auction = services.auctions().auction(&id, viewer.as_ref()).await?;
    let after = (auction.state.bid_count - HISTORY_LEN).max(0);
    let bids = services
        .auctions()
        .auction_bids(&id, after, HISTORY_LEN)
        .await?;
    let can_manage = viewer
        .as_ref()
        .is_some_and(|a| matches!(a.role, Role::Marketer | Role::Admin));
    Ok(AuctionPage {
        auction,
        bids,
        can_manage,
    })
}

/// The auction as the viewer sees it now (after a deposit, to see it count).
#[server(endpoint = "auction_view")]
pub async fn load_auction(id: String) -> Result<AuctionView, AppError> {
    let services = crate::request::use_services()?;
    let viewer = crate::request::request_account(&services).await?;
    services.auctions().auction(&id, viewer.as_ref()).await
}

/// Registers (paddle + deposit) or tops the deposit up by `amount_fen`.
#[server(endpoint = "auction_deposit")]
pub async fn pay_deposit(
    id: String,
    amount_fen: Option<i64>,
    idempotency_key: String,
) -> Result<PaymentReceipt, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .pay_auction_deposit(&account, &id, amount_fen, &idempotency_key)
        .await?
        .result
        .map(receipt)
}

/// Places a bid of exactly `amount_fen`.
#[server(endpoint = "auction_bid")]
pub async fn place_bid(
    id: String,
    amount_fen: i64,
    idempotency_key: String,
) -> Result<BidAnswer, AppError> {
    use crate::services::auctions::BidRequest;
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .place_bid(
            &account,
            &id,
            BidRequest::Amount(amount_fen),
            &idempotency_key,
        )
        .await?
        .result
}

/// Sets (or raises) a hidden maximum for proxy bidding.
#[server(endpoint = "auction_proxy")]
pub async fn set_proxy_max(
    id: String,
    max_fen: i64,
    idempotency_key: String,
) -> Result<BidAnswer, AppError> {
    use crate::services::auctions::BidRequest;
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .place_bid(&account, &id, BidRequest::Proxy(max_fen), &idempotency_key)
        .await?
        .result
}

/// A settlement step: confirm, accept, decline (the bidder concerned) or a second chance,
/// abandon (marketers).
#[server(endpoint = "auction_settle")]
pub async fn settle(id: String, step: SettlementStep) -> Result<AuctionView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .settle_auction(&account, &id, step)
        .await
}

/// The buyer pays the price (less the deposit).
#[server(endpoint = "auction_pay")]
pub async fn pay_price(id: String, idempotency_key: String) -> Result<PaymentReceipt, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .pay_auction_price(&account, &id, &idempotency_key)
        .await?
        .result
        .map(receipt)
}

/// Creates and schedules an auction (marketers).
#[server(endpoint = "create_auction")]
pub async fn create_auction(input: AuctionInput) -> Result<AuctionView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services.auctions().create_auction(&account, &input).await
}

/// Re-runs an auction whose winner defaulted, with a new schedule (marketers).
#[server(endpoint = "auction_rerun")]
pub async fn rerun(id: String, starts_at: i64, ends_at: i64) -> Result<AuctionView, AppError> {
    let services = crate::request::use_services()?;
    let account = crate::request::require_account(&services).await?;
    services
        .auctions()
        .rerun_auction(&account, &id, starts_at, ends_at)
        .await
}
