//! The public JSON API under `/api/v1`, for partner systems and tests, described by the
//! OpenAPI document at `/api/v1/openapi.json`. Every handler is a thin door onto
//! `services`; every failure answers `{"error": code, "message": text}` with a 4xx.

mod auctions;
pub mod auth;
mod campaigns;
mod catalog;
mod configurations;
mod csv;
mod demand;
mod error;
mod extract;
mod health;
pub mod openapi;
mod orders;
pub mod payments;
mod polls;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use services::Services;
use tower_http::catch_panic::CatchPanicLayer;

pub use error::ApiError;

/// Largest request body the API reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The API's shared state.
pub type ApiState = Arc<Services>;

/// The routes of `/api/v1`.
pub fn router(services: Arc<Services>) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(openapi::document))
        .route("/car-lines", get(catalog::car_lines))
        .route("/car-lines/{line}/catalog", get(catalog::catalog))
        .route("/configurations/check", post(configurations::check))
        .route("/configurations", post(configurations::save))
        .route("/configurations/{code}", get(configurations::load))
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/campaigns", get(campaigns::list).post(campaigns::create))
        .route(
            "/campaigns/{id}",
            get(campaigns::detail).put(campaigns::update),
        )
        .route("/campaigns/{id}/reservations", post(campaigns::reserve))
        .route("/orders", get(orders::list))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/orders/{id}/lock", post(orders::lock))
        .route("/orders/{id}/change", post(orders::change))
        .route("/polls/{id}/vote", post(polls::vote))
        .route("/payments/callback", post(payments::callback))
        .route("/me/payments", get(payments::statement))
        .route("/demand", get(demand::campaigns))
        .route("/demand/{campaign}", get(demand::report))
        .route(
            "/oem/tokens",
            get(demand::tokens).post(demand::create_token),
        )
        .route(
            "/oem/tokens/{id}",
            axum::routing::delete(demand::revoke_token),
        )
        .route("/auctions", get(auctions::list).post(auctions::create))
        .route("/auctions/{id}", get(auctions::detail))
        .route("/auctions/{id}/register", post(auctions::register))
        .route(
            "/auctions/{id}/bids",
            get(auctions::bids).post(auctions::bid),
        )
        .route("/auctions/{id}/events", get(auctions::events))
        .route("/auctions/{id}/confirm", post(auctions::confirm))
        .route("/auctions/{id}/pay", post(auctions::pay))
        .route(
            "/auctions/{id}/second-chance",
            post(auctions::second_chance),
        )
        .route("/auctions/{id}/accept", post(auctions::accept))
        .route("/auctions/{id}/decline", post(auctions::decline))
        .route("/auctions/{id}/abandon", post(auctions::abandon))
        .route("/auctions/{id}/rerun", post(auctions::rerun))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // A bug must not drop the connection or answer HTML: the client still gets the format.
        .layer(CatchPanicLayer::custom(error::panicked))
        .with_state(services)
}
