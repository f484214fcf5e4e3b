//! The OpenAPI document, generated from the handlers' annotations. Bodies are the wire types
//! themselves (`models`, `configurator` and `money` derive `utoipa::ToSchema` behind their
//! `openapi` feature, which only the server enables), so the document cannot drift from what
//! the API sends; states are string enums of their wire names, money integer fen.

use axum::Json;
use utoipa::{OpenApi, ToSchema};

use super::{
    auctions, auth, campaigns, catalog, configurations, demand, health, orders, payments, polls,
};

/// `{"error": code, "message": text}`, plus details for some codes: the field of
/// `invalid_field`, the order's `status` (see OrderStatus) of `order_state`, and for
/// `auction_rule` the `rule` broken and `details` (`null`, or the rule's `code` with the
/// amounts that apply: `minimum`, `maximum`, `required` and `top_up` of a deposit, `current`
/// maximum, or `starts_at` / `ended_at`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unknown_option`.
    error: String,
    /// What went wrong, in words.
    message: String,
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "C2M Studio API",
        version = "1",
        description = "Public JSON API of C2M Studio. Money is integer fen; times are UTC milliseconds."
    ),
    paths(
        health::health,
        catalog::car_lines,
        catalog::catalog,
        configurations::check,
        configurations::save,
        configurations::load,
        auth::register,
        auth::login,
        auth::logout,
        auth::me,
        campaigns::list,
        campaigns::detail,
        campaigns::create,
        campaigns::update,
        campaigns::reserve,
        orders::list,
        orders::cancel,
        orders::lock,
        orders::change,
        polls::vote,
        payments::callback,
        payments::statement,
        demand::campaigns,
        demand::report,
        demand::tokens,
        demand::create_token,
        demand::revoke_token,
        auctions::create,
        auctions::list,
        auctions::detail,
        auctions::register,
        auctions::bid,
        auctions::bids,
        auctions::events,
        auctions::confirm,
        auctions::pay,
        auctions::second_chance,
        auctions::accept,
        auctions::decline,
        auctions::abandon,
        auctions::rerun,
        document,
    ),
    components(schemas(
        ErrorBody,
        // Not the body of any path, but of the live stream's `entry` events.
        models::FeedEntry,
        models::AuctionPhase,
        models::BidKind,
        models::Notice,
        models::OrderStatus,
        models::OrderEventKind,
        models::Stage,
        models::ThresholdStatus,
        models::PaymentKind,
        models::PaymentPurpose,
        models::PaymentStatus,
        configurator::SalesMode,
        configurator::Cardinality,
        demand::TokenRequest,
        auctions::RegisterRequest,
        auctions::BidRequestBody,
        auctions::PayRequest,
        auctions::RerunRequest,
        auth::RegisterRequest,
        auth::LoginRequest,
        auth::SessionBody,
        campaigns::ReservationRequest,
        orders::CancelRequest,
        orders::LockRequest,
        orders::ChangeRequest,
        polls::VoteRequest,
        configurations::ConfigurationRequest,
        configurations::Saved,
        catalog::CarLine,
        catalog::Names
    ))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
