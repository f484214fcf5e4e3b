//! Auctions: creation and settlement decisions by marketers; registration, bids and
//! settlement steps by bidders; the state, the bid history and the live stream for everyone.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use models::{AuctionInput, AuctionView, BidView, SettlementStep};
use serde::Deserialize;
use services::auctions::BidRequest;
use services::auctions::{LiveEntry, FEED_PAGE};
use tokio::sync::{broadcast, mpsc};
use utoipa::{IntoParams, ToSchema};

use super::auth::{Authed, MaybeAuthed};
use super::extract::{ApiJson, Path, Query};
use super::openapi::ErrorBody;
use super::orders::replayable;
use super::{ApiError, ApiState};

/// Registers for an auction, or tops the deposit up.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The deposit to pay (fen); defaults to what the starting price needs. A bid needs the
    /// deposit of its tier.
    #[serde(default)]
    amount_fen: Option<i64>,
    /// Unique per request; a retry with the same key returns the first answer.
    idempotency_key: String,
}

/// A bid (`amount_fen`) or a hidden proxy maximum (`max_fen`): exactly one of the two.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BidRequestBody {
    /// Bid exactly this amount (fen).
    #[serde(default)]
    amount_fen: Option<i64>,
    /// Bid for me, one increment at a time, up to this hidden maximum (fen).
    #[serde(default)]
    max_fen: Option<i64>,
    /// Unique per bid; a retry with the same key returns the first answer.
    idempotency_key: String,
}

/// A payment request with its idempotency key.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// Unique per request; a retry with the same key returns the first answer.
    idempotency_key: String,
}

/// The new schedule of a re-run.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RerunRequest {
    /// Bidding opens (UTC ms).
    starts_at: i64,
    /// Scheduled end (UTC ms).
    ends_at: i64,
}

/// One event of the live stream, as the stream carries it (`event:`, `id:`, `data:` lines).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StreamEvent {
    /// What the event holds.
    event: StreamEventKind,
    /// JSON: an AuctionView (`snapshot`), a FeedEntry (`entry`) or `{"server_now"}` (`time`).
    data: String,
    /// An `entry`'s `seq`, the position to resume after.
    id: Option<String>,
}

/// The kinds of event of the live stream.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum StreamEventKind {
    /// The auction as `GET /auctions/{id}` answers it, first.
    Snapshot,
    /// One committed log entry.
    Entry,
    /// The server's clock, every 5 seconds.
    Time,
}

/// Paging of the bid history.
#[derive(Deserialize, IntoParams)]
pub struct BidsQuery {
    /// Only bids with a greater `seq` (default 0: from the first).
    after: Option<i64>,
    /// At most this many (default 1000, at most 10000).
    limit: Option<i64>,
}

/// Where a stream resumes.
#[derive(Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Send the log entries after this `seq` first (the `Last-Event-ID` header does the same);
    /// at most 500 behind the head, else the stream goes on from its snapshot.
    after: Option<i64>,
}

/// Creates an auction for a numbered edition (marketers and admins).
#[utoipa::path(post, path = "/api/v1/auctions", tag = "auctions",
    request_body = models::AuctionInput,
    responses(
        (status = 201, description = "Created", body = models::AuctionView),
        (status = 400, description = "The body is not JSON (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a marketer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "A setting fails validation; `field` names it; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn create(
    State(services): State<ApiState>,
    Authed(account): Authed,
    ApiJson(input): ApiJson<AuctionInput>,
) -> Result<(StatusCode, Json<AuctionView>), ApiError> {
    let view = services.auctions().create_auction(&account, &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Every auction, newest first.
#[utoipa::path(get, path = "/api/v1/auctions", tag = "auctions",
    responses((status = 200, description = "Auctions", body = [models::AuctionView])))]
pub async fn list(State(services): State<ApiState>) -> Result<Json<Vec<AuctionView>>, ApiError> {
    Ok(Json(services.auctions().list().await?))
}

/// An auction: settings, state (current price, leader's paddle, end with extensions), the
/// server's clock, and for a registered viewer their own standing.
#[utoipa::path(get, path = "/api/v1/auctions/{id}", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "The auction", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 404, description = "No such auction", body = ErrorBody)))]
pub async fn detail(
    State(services): State<ApiState>,
    MaybeAuthed(viewer): MaybeAuthed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    Ok(Json(
        services.auctions().auction(&id, viewer.as_ref()).await?,
    ))
}

/// Registers for the auction (a paddle number) and requests the deposit; repeat to top up.
/// The deposit counts for bidding once the payment provider confirms it. No bid needs more
/// than the highest tier's deposit, so no more is taken.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/register", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered; the deposit payment is pending", body = models::Registration),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a consumer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such auction", body = ErrorBody),
        (status = 409, description = "The auction has ended, or the deposit would exceed what the highest tier requires (`deposit_above_maximum`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Invalid amount or key; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn register(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let answer = services
        .auctions()
        .pay_auction_deposit(&account, &id, request.amount_fen, &request.idempotency_key)
        .await?;
    Ok(replayable(answer, StatusCode::CREATED))
}

/// Places a bid, or sets (raises) a hidden proxy maximum. The answer is the accepted bid with
/// any automatic answers it caused, or a 409 naming the rule it broke (`rule`: `below_minimum`,
/// `above_max_raise`, `already_leading`, `deposit_too_low` with the top-up needed, `ended`,
/// `not_started`, `not_registered`, ...). Nothing is stored for a refused bid.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/bids", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    request_body = BidRequestBody,
    responses(
        (status = 201, description = "Accepted", body = models::BidAnswer),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a consumer; sent cross-site by a browser (`cross_origin`)", body = ErrorBody),
        (status = 404, description = "No such auction", body = ErrorBody),
        (status = 409, description = "Refused: `rule` names the rule broken", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Malformed amount or key; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn bid(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<BidRequestBody>,
) -> Result<Response, ApiError> {
    let bid = match (request.amount_fen, request.max_fen) {
        (Some(amount), None) => BidRequest::Amount(amount),
        (None, Some(max)) => BidRequest::Proxy(max),
        _ => {
            return Err(ApiError::from(models::error::AppError::invalid(
                "amount_fen",
                "send either `amount_fen` (a bid) or `max_fen` (a proxy maximum)",
            )))
        }
    };
    let answer = services
        .auctions()
        .place_bid(&account, &id, bid, &request.idempotency_key)
        .await?;
    Ok(replayable(answer, StatusCode::CREATED))
}

/// The accepted bids, oldest first (paddle numbers, never names). Bids are never withdrawn.
#[utoipa::path(get, path = "/api/v1/auctions/{id}/bids", tag = "auctions",
    params(("id" = String, Path, description = "Auction id"), BidsQuery),
    responses(
        (status = 200, description = "Bids", body = [models::BidView]),
        (status = 400, description = "A path parameter does not parse (`invalid_path`); the query string does not parse (`invalid_query`)", body = ErrorBody),
        (status = 404, description = "No such auction", body = ErrorBody)))]
pub async fn bids(
    State(services): State<ApiState>,
    Path(id): Path<String>,
    Query(query): Query<BidsQuery>,
) -> Result<Json<Vec<BidView>>, ApiError> {
    Ok(Json(
        services
            .auctions()
            .auction_bids(&id, query.after.unwrap_or(0), query.limit.unwrap_or(1000))
            .await?,
    ))
}

/// The live stream (server-sent events). First `snapshot` (the auction as `GET` answers it),
/// then one `entry` per committed log entry, in order, `id` = its `seq` (consecutive: a gap
/// means a missed entry; an entry is {`seq`, `at`, `bids`, `notices` (see Notice; the FeedEntry schema),
/// `state`}), and a `time` event with the server's clock every 5 seconds. A
/// reconnecting client sends `Last-Event-ID` (browsers do) or `?after=` and first gets what it
/// missed, up to 500 entries; a client further behind (or asking for the whole log) goes on
/// from the snapshot (the bid history is at `/bids`). One client address follows at most 8
/// streams at once (429 `too_many_streams`); a server at its total answers 503 `busy`.
#[utoipa::path(get, path = "/api/v1/auctions/{id}/events", tag = "auctions",
    params(("id" = String, Path, description = "Auction id"), EventsQuery),
    responses(
        (status = 200, description = "The stream (`text/event-stream`); each event as StreamEvent", content_type = "text/event-stream", body = StreamEvent),
        (status = 400, description = "A path parameter does not parse (`invalid_path`); the query string does not parse (`invalid_query`)", body = ErrorBody),
        (status = 404, description = "No such auction", body = ErrorBody),
        (status = 429, description = "This client follows too many streams", body = ErrorBody),
        (status = 503, description = "The server serves as many streams as it may; see `Retry-After`", body = ErrorBody)))]
pub async fn events(
    State(services): State<ApiState>,
    MaybeAuthed(viewer): MaybeAuthed,
    Path(id): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
    extensions: http::Extensions,
) -> Result<Response, ApiError> {
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    let snapshot = services.auctions().auction(&id, viewer.as_ref()).await?;
    let client = app::request::client_addr(&extensions);
    let mut watch = services
        .auctions()
        .watch_auction(&id, resume, snapshot.version, &client)
        .await?;
    let (sender, receiver) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        let mut last = watch.after();
        let send = |event: Event| sender.send(event);
        if send(json_event("snapshot", &snapshot)).await.is_err() {
            return;
        }
        // The backlog, a page at a time.
        if !from_log(&services, &id, &sender, &mut last, None).await {
            return;
        }
        let mut clock = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                received = watch.recv() => match received {
                    Ok(entry) => {
                        // Missed entries (another server's, not yet here): read the log.
                        if entry.seq > last + 1
                            && !from_log(&services, &id, &sender, &mut last, Some(entry.seq)).await
                        {
                            return;
                        }
                        if !forward(&sender, &mut last, &entry).await {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Too slow for the live stream: catch up from the log.
                        if !from_log(&services, &id, &sender, &mut last, None).await {
                            return;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = clock.tick() => {
                    let now = serde_json::json!({ "server_now": services::now_ms() });
                    if send(json_event("time", &now)).await.is_err() {
                        return;
                    }
                }
                _ = sender.closed() => return,
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|event| (Ok::<_, Infallible>(event), receiver))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// Forwards the log's entries after `last` up to `until` (excluded; `None`: to the end), a page
/// at a time; false when the stream ended.
async fn from_log(
    services: &ApiState,
    id: &str,
    sender: &mpsc::Sender<Event>,
    last: &mut i64,
    until: Option<i64>,
) -> bool {
    loop {
        let Ok(page) = services.auctions().feed_page(id, *last, FEED_PAGE).await else {
            return false;
        };
        let full = page.len() == FEED_PAGE;
        for entry in &page {
            if until.is_some_and(|until| entry.seq >= until) {
                return true;
            }
            if !forward(sender, last, entry).await {
                return false;
            }
        }
        if !full {
            return true;
        }
    }
}

async fn forward(sender: &mpsc::Sender<Event>, last: &mut i64, entry: &LiveEntry) -> bool {
    if entry.seq <= *last {
        return true;
    }
    *last = entry.seq;
    let event = Event::default()
        .event("entry")
        .id(entry.seq.to_string())
        .data(&entry.json);
    sender.send(event).await.is_ok()
}

fn json_event<T: serde::Serialize>(name: &str, value: &T) -> Event {
    Event::default()
        .event(name)
        .data(serde_json::to_string(value).unwrap_or_else(|_| "{}".into()))
}

/// The winner confirms the purchase (before the confirmation deadline).
#[utoipa::path(post, path = "/api/v1/auctions/{id}/confirm", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Confirmed; the payment deadline runs", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "Not the winner, or too late", body = ErrorBody)))]
pub async fn confirm(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    step(services, account, id, SettlementStep::Confirm).await
}

/// The buyer pays the price and no more (before the payment deadline): the deposit counts
/// towards it and only the rest is charged; the auction is paid once the provider confirms.
/// When the deposit covers the price nothing is charged (`amount_fen` 0, `status` `succeeded`,
/// no `payment_id`) and the auction is paid at once. Any deposit above the price is refunded.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/pay", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    request_body = PayRequest,
    responses(
        (status = 201, description = "Payment requested", body = models::Registration),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "Nothing to pay now", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn pay(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PayRequest>,
) -> Result<Response, ApiError> {
    let answer = services
        .auctions()
        .pay_auction_price(&account, &id, &request.idempotency_key)
        .await?;
    Ok(replayable(answer, StatusCode::CREATED))
}

/// After a default: the marketer offers the edition to the next runner-up at their own
/// highest bid.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/second-chance", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Offered", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "No decision is due, or no runner-up is left", body = ErrorBody)))]
pub async fn second_chance(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    step(services, account, id, SettlementStep::OfferSecondChance).await
}

/// The runner-up accepts the second-chance offer.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/accept", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Accepted; the payment deadline runs", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "No offer to this bidder, or too late", body = ErrorBody)))]
pub async fn accept(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    step(services, account, id, SettlementStep::Accept).await
}

/// The runner-up declines the second-chance offer.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/decline", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Declined", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "No offer to this bidder", body = ErrorBody)))]
pub async fn decline(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    step(services, account, id, SettlementStep::Decline).await
}

/// After a default: the marketer gives up; the edition is not sold.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/abandon", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    responses(
        (status = 200, description = "Abandoned", body = models::AuctionView),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "No decision is due", body = ErrorBody)))]
pub async fn abandon(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
) -> Result<Json<AuctionView>, ApiError> {
    step(services, account, id, SettlementStep::Abandon).await
}

/// After a default: the marketer re-runs the auction on a new schedule without the
/// defaulters. Answers the new auction.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/rerun", tag = "auctions",
    params(("id" = String, Path, description = "Auction id")),
    request_body = RerunRequest,
    responses(
        (status = 201, description = "The new auction", body = models::AuctionView),
        (status = 400, description = "The body is not JSON (`invalid_json`); a path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Sent cross-site by a browser (`cross_origin`); the account's role may not do this (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such auction (`not_found`)", body = ErrorBody),
        (status = 409, description = "No decision is due", body = ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Invalid schedule; the JSON does not fit the schema (`invalid_body`)", body = ErrorBody)))]
pub async fn rerun(
    State(services): State<ApiState>,
    Authed(account): Authed,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RerunRequest>,
) -> Result<(StatusCode, Json<AuctionView>), ApiError> {
    let view = services
        .auctions()
        .rerun_auction(&account, &id, request.starts_at, request.ends_at)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn step(
    services: ApiState,
    account: models::Account,
    id: String,
    step: SettlementStep,
) -> Result<Json<AuctionView>, ApiError> {
    Ok(Json(
        services
            .auctions()
            .settle_auction(&account, &id, step)
            .await?,
    ))
}
