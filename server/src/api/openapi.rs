//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{OpenApi, ToSchema};

use super::{
    auctions, auth, campaigns, catalog, configurations, demand, health, orders, payments, polls,
};

/// A string that is one of a wire enum's names, with the enum's description. The names come
/// from the type itself, so the document cannot list a state the API never sends (or miss one).
fn names(description: &str, names: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description.trim()))
        .enum_values(Some(names))
        .build()
        .into()
}

/// A schema for a closed set of names: the doc comment describes it, `$names` lists them.
macro_rules! names_doc {
    ($(#[doc = $doc:literal])+ $name:ident = $names:expr) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                names(concat!($($doc, "\n"),+), $names)
            }
        }

        impl ToSchema for $name {}
    };
}

names_doc! {
    /// An auction's phase: `open` while bidding runs (also before the start and past the end
    /// until the auction closes), then unsold, or the settlement steps up to `paid`.
    AuctionPhaseDoc = models::AuctionPhase::ALL.iter().map(|p| p.as_str())
}

names_doc! {
    /// How a bid was placed: typed (`manual`), by a hidden maximum (`proxy`), or by an earlier
    /// equal maximum taking the lead at the same price (`proxy_match`).
    BidKindDoc = models::BidKind::ALL.iter().map(|k| k.as_str())
}

names_doc! {
    /// What a live feed entry reports besides bids (`notices`, each once, in order).
    NoticeDoc = models::Notice::ALL.iter().map(|n| n.as_str())
}

names_doc! {
    /// Where an order stands.
    OrderStatusDoc = models::OrderStatus::ALL.iter().map(|s| s.as_str())
}

names_doc! {
    /// What happened to an order (`timeline[].kind`).
    OrderEventKindDoc = models::OrderEventKind::ALL.iter().map(|k| k.as_str())
}

names_doc! {
    /// A stage of the demand funnel (`funnel[].stage`).
    StageDoc = models::Stage::ALL.iter().map(|s| s.as_str())
}

names_doc! {
    /// A demand threshold's status: open until its deadline, then confirmed or dropped.
    ThresholdStatusDoc = models::ThresholdStatus::ALL.iter().map(|s| s.as_str())
}

names_doc! {
    /// How the car is sold: with its battery pack, or with a leased pack.
    SalesModeDoc = configurator::SalesMode::ALL.map(|m| m.as_str())
}

names_doc! {
    /// How many options of a group may be on together.
    CardinalityDoc = configurator::Cardinality::ALL.map(|c| c.as_str())
}

/// `{"error": code, "message": text}`, plus details for some codes: the field of
/// `invalid_field`, the order's `status` (see OrderStatusDoc) of `order_state`, and for
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

/// A catalog: `car_line`, `version`, `name`, `base_price` {purchase, lease} in fen, `groups`
/// (each with `cardinality`, see CardinalityDoc, and its `options` with per-mode
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
/// `held`), `polls` (see the poll schema) and `thresholds` (`id`, `option`, `name`, `target`,
/// `reached`, `deadline`, `status`: see ThresholdStatusDoc).
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

/// An order: `id`, `campaign_id`, `batch`, `status` (see OrderStatusDoc), the snapshot
/// (`configuration_code`, `car_line`, `catalog_version`, `selections`, `price` breakdown),
/// `reservation`, `earnest`, `held` (fen), `cooling_off_hours`, `locked_at`,
/// `refundable_until`, `timeline` [{`at`, `kind` (see OrderEventKindDoc)}] and
/// `dropped_option`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct OrderDoc(serde_json::Value);

/// A person's statement: `entries` [{`id`, `kind` (charge|refund), `purpose`
/// (reservation|earnest|deposit|price), `amount_fen`, `status`
/// (pending|succeeded|failed|expired), `order_id` or `auction_id`, `created_at`,
/// `settled_at`}], newest first, and `charged_fen`, `refunded_fen`, `net_fen` from the ledger.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct StatementDoc(serde_json::Value);

/// A poll: `id`, `question`, `choices` [{`id`, `label`, `votes`}], `closes_at`, `my_vote`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct PollDoc(serde_json::Value);

/// An auction: `id`, `title`, `car_line`, `car_name` {`zh`, `en`}, `configuration_code`,
/// `version` (the log position it reflects), the settings (`starting_price_fen`, `increments`
/// and `deposits` as [{`from_fen`, `value_fen`}], `max_raise_fen`, `starts_at`, `scheduled_end`,
/// `anti_sniping_minutes`, `has_reserve`), `state` {`phase` (see AuctionPhaseDoc),
/// `current_fen`, `leader_paddle`,
/// `bid_count`, `minimum_bid_fen`, `maximum_bid_fen`, `ends_at` (with extensions),
/// `reserve_met`, `settlement` {`paddle`, `amount_fen`, `deadline`}, `bidders`}, `server_now`,
/// and `you` {`paddle`, `deposit_fen`, `deposit_pending_fen`, `covers_up_to_fen`} for a
/// registered viewer.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct AuctionDoc(serde_json::Value);

/// A new auction: `title` ("No. 001"), `car_line`, `configuration_code`, `starting_price_fen`,
/// `increments` and `deposits` ([{`from_fen`, `value_fen`}], first row from 0),
/// `max_raise_fen`, `starts_at`, `ends_at` (UTC ms), `anti_sniping_minutes`, optional
/// `reserve_fen`, `confirm_within_hours`, `pay_within_hours`, `offer_within_hours`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct AuctionInputDoc(serde_json::Value);

/// An accepted bid: `seq` (strictly increasing), `paddle`, `amount_fen`, `kind` (see
/// BidKindDoc), `at` (server time, UTC ms).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct BidDoc(serde_json::Value);

/// The answer to a bid: `seq` (log position), `bids` it caused (see the bid schema),
/// `leading`, and the auction's `state` after it.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct BidAnswerDoc(serde_json::Value);

/// A registration or payment: `paddle`, `payment_id`, `amount_fen`, `status` (pending).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct RegistrationDoc(serde_json::Value);

/// A demand report: `campaign`, `k` (the smallest group shown), `filter` (its `sales_mode`:
/// see SalesModeDoc), `versions`, `span`, `funnel` [{`stage` (see StageDoc), `people`}],
/// `trend` [{`date`, `configured`, `voted`, `reserved`, `locked`}], `modes` [{`mode` (see
/// SalesModeDoc), `people`}], `groups` (take rates, with `cardinality`: see CardinalityDoc;
/// each option's `rate` {`configured`, `reserved`, `locked`} as {`n`, `base`}), `provinces`,
/// `cities`, `top_configurations`, `polls`, `thresholds` (`status`: see ThresholdStatusDoc),
/// `auctions` (`phase`: see AuctionPhaseDoc). `null` counts are suppressed (fewer than K
/// people).
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct DemandDoc(serde_json::Value);

/// An API token: `id`, `name`, `prefix`, `created_at`, `last_used_at`, `revoked_at`; at
/// creation wrapped as {`token`, `secret`}.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct TokenDoc(serde_json::Value);

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
        CatalogDoc,
        CheckDoc,
        SavedDoc,
        AccountDoc,
        CampaignDoc,
        CampaignInputDoc,
        OrderDoc,
        StatementDoc,
        PollDoc,
        AuctionDoc,
        AuctionInputDoc,
        BidDoc,
        BidAnswerDoc,
        RegistrationDoc,
        DemandDoc,
        TokenDoc,
        AuctionPhaseDoc,
        BidKindDoc,
        NoticeDoc,
        OrderStatusDoc,
        OrderEventKindDoc,
        StageDoc,
        ThresholdStatusDoc,
        SalesModeDoc,
        CardinalityDoc,
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
