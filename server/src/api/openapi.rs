//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::{OpenApi, ToSchema};

use super::{auth, campaigns, catalog, configurations, health, orders, payments, polls};

/// `{"error": code, "message": text}`, plus details for some codes.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unknown_option`.
    error: String,
    /// What went wrong, in words.
    message: String,
}

/// A catalog: `car_line`, `version`, `name`, `base_price` {purchase, lease} in fen, `groups`
/// (each with `cardinality` exactly-one / at-most-one / any and its `options` with per-mode
/// `price` deltas and optional `lease_terms`) and `rules` (`expr` in the rule syntax, `text`).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct CatalogDoc(serde_json::Value);

/// `{"valid", "complete", "options": [{"id", "state", "reasons"}], "price", "conflict",
/// "open_groups", "sales_mode"}`; `state` is selectable, selected, forced or excluded; each
/// reason is `{"kind": "chosen", "option", "selected"}`, `{"kind": "rule", "rule"}` or
/// `{"kind": "group", "group"}`; `price` is `null` until a sales mode is chosen, else
/// `{"mode", "lines", "total", "lease"}` in fen.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct CheckDoc(serde_json::Value);

/// `{"code", "car_line", "catalog_version", "current_version", "selections", "withdrawn",
/// "check", "created_at"}`: the saved selections, the options the current catalog withdrew, and
/// a fresh check (as `/configurations/check` answers).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct SavedDoc(serde_json::Value);

/// `{"id", "email", "mobile", "role": consumer|marketer|oem|admin, "org_id", "display_name"}`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct AccountDoc(serde_json::Value);

/// A campaign: the public fields (`id`, `car_line`, `title`, `opens_at`, `closes_at`, prices in
/// fen, ...) plus `reservation`, `earnest` (fen), `cooling_off_hours`, `batches` (`seq`, `cap`,
/// `held`) and `polls` (see the poll schema).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct CampaignDoc(serde_json::Value);

/// A new campaign: `id`, `car_line`, optional `catalog_version`, `title` and `tagline`
/// (`{"zh", "en"}`), `warmup_at`, `opens_at`, `closes_at` (UTC ms), `batches` (unit caps),
/// `reservation_fen`, `earnest_fen` (at most 20 % of the car's price), `cooling_off_hours`,
/// `polls` (`question`, `choices` [{`id`, `label`}], `closes_at`; when editing, `id` names a
/// poll the campaign already has), `thresholds` (`option`, `target`, `deadline`).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct CampaignInputDoc(serde_json::Value);

/// An order: `id`, `campaign_id`, `batch`, `status` (pending_payment, reserved,
/// payment_failed, cancelled, locking, locked), the snapshot (`configuration_code`,
/// `car_line`, `catalog_version`, `selections`, `price` breakdown), `reservation`, `earnest`,
/// `held` (fen), `cooling_off_hours`, `locked_at`, `refundable_until`, and `timeline`
/// [{`at`, `kind`}].
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct OrderDoc(serde_json::Value);

/// A poll: `id`, `question`, `choices` [{`id`, `label`, `votes`}], `closes_at`, `my_vote`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct PollDoc(serde_json::Value);

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
        document,
    ),
    components(schemas(
        ErrorBody,
        CatalogDoc,
        CheckDoc,
        SavedDoc,
        AccountDoc,
        CampaignDoc,
        CampaignInputDoc,
        OrderDoc,
        PollDoc,
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
