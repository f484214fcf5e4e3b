//! Live auctions for numbered editions: the `auction` crate's state machine, made durable and
//! shared by every server instance.
//!
//! - `command`: what the log holds and how it is applied;
//! - `sequencer`: one writer per auction and process, group commits, catch-up across servers;
//! - `feed`: committed entries to watchers, across servers through LISTEN/NOTIFY;
//! - `money`: deposits and the price through the payment provider;
//! - here: creating, reading and the doors bidders and marketers use.

mod command;
mod demo;
mod feed;
mod money;
mod sequencer;

use std::sync::Arc;
use std::time::Duration;

use auction::{AuctionRules, Money, RuleError, RulesSpec, Tier};

pub(crate) use command::Command;
pub use feed::{LiveEntry, Watch, FEED_PAGE, MAX_BACKLOG};
pub use models::Registration;
pub(crate) use money::{PAYMENT_PREFIX, REFUND_SUFFIX};
use sequencer::{Idempotency, Request};

use super::accounts::require_role;
use super::db::Json;
use super::idempotency::Replayable;
use super::{now_ms, share_code};
use models::error::AppError;
use models::{
    Account, AuctionInput, AuctionState, AuctionView, BidAnswer, BidView, BidderStanding, Role,
    SettlementStep, TierInput,
};

use models::time::HOUR_MS;
use models::time::MINUTE_MS;

/// The process-wide parts of the auction service.
#[derive(Default)]
pub(crate) struct Runtime {
    sequencers: sequencer::Sequencers,
    feeds: feed::Feeds,
}

/// An auction as its page reads it: the row with its car line's names.
#[derive(sqlx::FromRow)]
struct AuctionRow {
    id: String,
    title: String,
    car_line: String,
    name_zh: String,
    name_en: String,
    configuration_code: String,
    rules: Json<RulesSpec>,
    rerun_of: Option<String>,
    version: i64,
    state: Json<AuctionState>,
}

/// An accepted bid.
#[derive(sqlx::FromRow)]
struct BidRow {
    seq: i64,
    paddle: i64,
    amount_fen: i64,
    kind: models::BidKind,
    at: i64,
}

impl From<BidRow> for BidView {
    fn from(row: BidRow) -> BidView {
        BidView {
            seq: row.seq,
            paddle: row.paddle,
            amount_fen: row.amount_fen,
            kind: row.kind,
            at: row.at,
        }
    }
}

/// What a bidder sends: a bid, or a hidden maximum for proxy bidding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BidRequest {
    /// Bid exactly this amount.
    Amount(i64),
    /// Bid for me, one increment at a time, up to this maximum.
    Proxy(i64),
}

impl crate::Auctions<'_> {
    /// Creates an auction (marketers and admins). Every setting is validated; the answer to a
    /// bad one names the field and the rule.
    pub async fn create_auction(
        self,
        account: &Account,
        input: &AuctionInput,
    ) -> Result<AuctionView, AppError> {
        require_role(account, &[Role::Marketer, Role::Admin], "create auctions")?;
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > 60 {
            return Err(AppError::invalid(
                "title",
                "1 to 60 characters, e.g. \"No. 001\"",
            ));
        }
        let rules = rules_from(input, now_ms())?;
        let code = share_code::normalize(&input.configuration_code).ok_or_else(|| {
            AppError::invalid("configuration_code", "a share code of 8 letters and digits")
        })?;
        let line: Option<String> =
            sqlx::query_scalar("SELECT car_line FROM configurations WHERE code = $1")
                .bind(&code)
                .fetch_optional(&self.db)
                .await?;
        match line {
            None => {
                return Err(AppError::invalid(
                    "configuration_code",
                    format!("no saved configuration has the code {code}"),
                ))
            }
            Some(line) if line != input.car_line => {
                return Err(AppError::invalid(
                    "configuration_code",
                    format!(
                        "configuration {code} is of car line `{line}`, not `{}`",
                        input.car_line
                    ),
                ))
            }
            Some(_) => {}
        }
        let id = format!("au_{}", share_code::token(12));
        self.insert_auction(&id, title, &input.car_line, &code, rules, &account.id)
            .await?;
        self.auction(&id, None).await
    }

    async fn insert_auction(
        self,
        id: &str,
        title: &str,
        car_line: &str,
        code: &str,
        rules: AuctionRules,
        created_by: &str,
    ) -> Result<(), AppError> {
        let spec = rules.spec().clone();
        let state = sequencer::initial_state(rules);
        let now = now_ms();
        sqlx::query(
            "INSERT INTO auctions (id, title, car_line, configuration_code, rules, excluded, version,
                                   phase, state, starts_at, ends_at, next_due_at, created_by,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, '[]', 0, $11, $6, $7, $8, $8, $9, $10, $10)",
        )
        .bind(id)
        .bind(title)
        .bind(car_line)
        .bind(code)
        .bind(serde_json::to_string(&spec)?)
        .bind(serde_json::to_string(&state)?)
        .bind(spec.starts_at)
        .bind(spec.ends_at)
        .bind(created_by)
        .bind(now)
        .bind(state.phase)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// Every auction, newest first.
    pub async fn list(self) -> Result<Vec<AuctionView>, AppError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM auctions ORDER BY created_at DESC, id LIMIT 200")
                .fetch_all(&self.db)
                .await?;
        let mut views = Vec::with_capacity(ids.len());
        for id in ids {
            views.push(self.auction(&id, None).await?);
        }
        Ok(views)
    }

    /// One auction as of its last committed entry, with the viewer's own standing.
    pub async fn auction(
        self,
        auction_id: &str,
        viewer: Option<&Account>,
    ) -> Result<AuctionView, AppError> {
        let row: AuctionRow = sqlx::query_as(
            "SELECT a.id, a.title, a.car_line, l.name_zh, l.name_en, a.configuration_code,
                    a.rules, a.rerun_of, a.version, a.state
               FROM auctions a JOIN car_lines l ON l.id = a.car_line
              WHERE a.id = $1",
        )
        .bind(auction_id)
        .fetch_optional(&self.db)
        .await?
        .ok_or_else(|| AppError::not_found("auction"))?;
        let Json(spec) = row.rules;
        let you = match viewer {
            Some(account) => self.standing(auction_id, account, &spec).await?,
            None => None,
        };
        Ok(AuctionView {
            id: row.id,
            title: row.title,
            car_line: row.car_line,
            car_name: configurator::Localized {
                zh: row.name_zh,
                en: row.name_en,
            },
            configuration_code: row.configuration_code,
            version: row.version,
            starting_price_fen: spec.starting_price.get(),
            increments: tiers_out(&spec.increments),
            max_raise_fen: spec.max_raise.get(),
            deposits: tiers_out(&spec.deposits),
            starts_at: spec.starts_at,
            scheduled_end: spec.ends_at,
            anti_sniping_minutes: spec.anti_sniping_ms / MINUTE_MS,
            has_reserve: spec.reserve.is_some(),
            rerun_of: row.rerun_of,
            state: row.state.0,
            server_now: now_ms(),
            you,
        })
    }

    /// A bidder's paddle number, if registered.
    async fn paddle(self, auction_id: &str, account_id: &str) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT paddle FROM auction_bidders WHERE auction_id = $1 AND account_id = $2",
        )
        .bind(auction_id)
        .bind(account_id)
        .fetch_optional(&self.db)
        .await?)
    }

    async fn standing(
        self,
        auction_id: &str,
        account: &Account,
        spec: &RulesSpec,
    ) -> Result<Option<BidderStanding>, AppError> {
        let Some(paddle) = self.paddle(auction_id, &account.id).await? else {
            return Ok(None);
        };
        let (deposit, pending) = self.deposits(auction_id, &account.id).await?;
        // Tiers do not decrease: the deposit covers bids below the first tier that asks more.
        let covers_up_to_fen = spec
            .deposits
            .iter()
            .find(|t| t.value.get() > deposit)
            .map(|t| t.from.get() - 1);
        Ok(Some(BidderStanding {
            paddle,
            deposit_fen: deposit,
            deposit_pending_fen: pending,
            covers_up_to_fen,
        }))
    }

    /// The auction's accepted bids after `after` (bid `seq`), oldest first, at most `limit`.
    pub async fn auction_bids(
        self,
        auction_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<BidView>, AppError> {
        self.auction_exists(auction_id).await?;
        let rows: Vec<BidRow> = sqlx::query_as(
            "SELECT seq, paddle, amount_fen, kind, at FROM auction_bids
              WHERE auction_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(auction_id)
        .bind(after)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(BidView::from).collect())
    }

    async fn auction_exists(self, auction_id: &str) -> Result<(), AppError> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM auctions WHERE id = $1")
            .bind(auction_id)
            .fetch_optional(&self.db)
            .await?;
        found
            .map(|_| ())
            .ok_or_else(|| AppError::not_found("auction"))
    }

    /// Places a bid or sets a proxy maximum. The server applies it at its own time, in the
    /// order requests reach the auction; a retry with the same key gets the first answer.
    pub async fn place_bid(
        self,
        account: &Account,
        auction_id: &str,
        bid: BidRequest,
        idempotency_key: &str,
    ) -> Result<Replayable<BidAnswer>, AppError> {
        require_role(account, &[Role::Consumer], "bid")?;
        super::idempotency::validate_key(idempotency_key)?;
        let (command, fingerprint) = match bid {
            BidRequest::Amount(amount) => {
                check_amount("amount_fen", amount)?;
                (
                    Command::Bid {
                        bidder: account.id.clone(),
                        amount,
                    },
                    format!("bid:{auction_id}:{amount}"),
                )
            }
            BidRequest::Proxy(max) => {
                check_amount("max_fen", max)?;
                (
                    Command::Proxy {
                        bidder: account.id.clone(),
                        max,
                    },
                    format!("proxy:{auction_id}:{max}"),
                )
            }
        };
        let applied = self
            .submit(
                auction_id,
                Request {
                    command,
                    idempotency: Some(Idempotency {
                        account: account.id.clone(),
                        key: idempotency_key.to_string(),
                        fingerprint,
                    }),
                },
            )
            .await?;
        let answer = applied.answer.ok_or_else(|| AppError::Internal {
            message: "a bid was applied without an answer".into(),
        })?;
        Ok(Replayable {
            result: Ok(answer),
            replayed: applied.replayed,
        })
    }

    /// A settlement step by the bidder concerned or the marketer.
    pub async fn settle_auction(
        self,
        account: &Account,
        auction_id: &str,
        step: SettlementStep,
    ) -> Result<AuctionView, AppError> {
        let command = match step {
            SettlementStep::Confirm => {
                require_role(account, &[Role::Consumer], "confirm a purchase")?;
                Command::Confirm {
                    bidder: account.id.clone(),
                }
            }
            SettlementStep::Accept => {
                require_role(account, &[Role::Consumer], "accept an offer")?;
                Command::Accept {
                    bidder: account.id.clone(),
                }
            }
            SettlementStep::Decline => {
                require_role(account, &[Role::Consumer], "decline an offer")?;
                Command::Decline {
                    bidder: account.id.clone(),
                }
            }
            SettlementStep::OfferSecondChance => {
                require_role(
                    account,
                    &[Role::Marketer, Role::Admin],
                    "offer a second chance",
                )?;
                Command::Offer
            }
            SettlementStep::Abandon => {
                require_role(
                    account,
                    &[Role::Marketer, Role::Admin],
                    "abandon an auction",
                )?;
                Command::Abandon
            }
        };
        self.submit_settlement(auction_id, command).await?;
        self.auction(auction_id, Some(account)).await
    }

    /// After a default: re-runs the auction with a new schedule (the same other settings),
    /// refusing the defaulters. Answers the new auction.
    pub async fn rerun_auction(
        self,
        account: &Account,
        auction_id: &str,
        starts_at: i64,
        ends_at: i64,
    ) -> Result<AuctionView, AppError> {
        require_role(account, &[Role::Marketer, Role::Admin], "re-run an auction")?;
        let Json(mut spec): Json<RulesSpec> =
            sqlx::query_scalar("SELECT rules FROM auctions WHERE id = $1")
                .bind(auction_id)
                .fetch_optional(&self.db)
                .await?
                .ok_or_else(|| AppError::not_found("auction"))?;
        spec.starts_at = starts_at;
        spec.ends_at = ends_at;
        if ends_at <= now_ms() {
            return Err(AppError::invalid(
                "ends_at",
                "the re-run must end in the future",
            ));
        }
        AuctionRules::new(spec.clone()).map_err(rule_field)?;
        let new_id = format!("au_{}", share_code::token(12));
        self.submit_settlement(
            auction_id,
            Command::Rerun {
                new_id: new_id.clone(),
                rules: spec,
            },
        )
        .await?;
        self.auction(&new_id, Some(account)).await
    }

    async fn submit_settlement(self, auction_id: &str, command: Command) -> Result<(), AppError> {
        // Deadlines first: a step after its deadline must meet the state the deadline made.
        self.submit(auction_id, tick()).await?;
        self.submit(
            auction_id,
            Request {
                command,
                idempotency: None,
            },
        )
        .await?;
        Ok(())
    }

    /// Closes auctions whose end passed and fires settlement deadlines; counts payments that
    /// succeeded but were not yet applied (a crash between the two). Runs in the background
    /// of every server; running it twice at once is harmless (the sequencer serialises). An
    /// auction that fails is logged and the others go on (it is tried again next time).
    pub async fn run_auction_deadlines(self) -> Result<(), AppError> {
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM auctions WHERE next_due_at IS NOT NULL AND next_due_at <= $1",
        )
        .bind(now_ms())
        .fetch_all(&self.db)
        .await?;
        for id in due {
            if let Err(error) = self.submit(&id, tick()).await {
                tracing::warn!(%error, auction = %id, "auction deadline failed; will retry");
            }
        }
        self.count_settled_payments().await
    }

    /// Starts the auctions' background work: deadlines every `every`, and on PostgreSQL the
    /// listener for other servers' entries.
    pub(crate) fn start_auctions(self, every: Duration) {
        self.start_auction_listener();
        let services = Arc::downgrade(self.0);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let Some(services) = services.upgrade() else {
                    return;
                };
                if let Err(error) = services.auctions().run_auction_deadlines().await {
                    tracing::warn!(%error, "auction deadlines failed; will retry");
                }
            }
        });
    }
}

fn tick() -> Request {
    Request {
        command: Command::Tick,
        idempotency: None,
    }
}

fn check_amount(field: &str, amount: i64) -> Result<(), AppError> {
    if amount <= 0 || amount > Money::MAX.get() {
        return Err(AppError::invalid(
            field,
            format!("a positive amount in fen, at most {}", Money::MAX.get()),
        ));
    }
    Ok(())
}

fn tiers_out(tiers: &[Tier]) -> Vec<TierInput> {
    tiers
        .iter()
        .map(|t| TierInput {
            from_fen: t.from.get(),
            value_fen: t.value.get(),
        })
        .collect()
}

/// The marketer's input as validated rules; each refusal names the field it is about.
fn rules_from(input: &AuctionInput, now: i64) -> Result<AuctionRules, AppError> {
    let hours = |field: &str, value: i64| {
        if (1..=24 * 30).contains(&value) {
            Ok(value * HOUR_MS)
        } else {
            Err(AppError::invalid(field, "1 to 720 hours"))
        }
    };
    if !(0..=24 * 60).contains(&input.anti_sniping_minutes) {
        return Err(AppError::invalid(
            "anti_sniping_minutes",
            "0 (off) to 1440 minutes",
        ));
    }
    if input.ends_at <= now {
        return Err(AppError::invalid(
            "ends_at",
            "the end must be in the future",
        ));
    }
    let tiers = |tiers: &[TierInput]| -> Vec<Tier> {
        tiers
            .iter()
            .map(|t| Tier::new(t.from_fen, t.value_fen))
            .collect()
    };
    AuctionRules::new(RulesSpec {
        starting_price: Money(input.starting_price_fen),
        increments: tiers(&input.increments),
        max_raise: Money(input.max_raise_fen),
        deposits: tiers(&input.deposits),
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        anti_sniping_ms: input.anti_sniping_minutes * MINUTE_MS,
        reserve: input.reserve_fen.map(Money),
        confirm_within_ms: hours("confirm_within_hours", input.confirm_within_hours)?,
        pay_within_ms: hours("pay_within_hours", input.pay_within_hours)?,
        offer_within_ms: hours("offer_within_hours", input.offer_within_hours)?,
    })
    .map_err(rule_field)
}

/// A rule refusal as an error on the field it concerns.
fn rule_field(error: RuleError) -> AppError {
    let field = match &error {
        RuleError::StartingPriceNotPositive => "starting_price_fen",
        RuleError::MaxRaiseNotPositive | RuleError::IncrementAboveMaxRaise => "max_raise_fen",
        RuleError::AmountOutOfRange => "amounts",
        RuleError::EmptyTable { table }
        | RuleError::FirstTierNotZero { table }
        | RuleError::TiersNotAscending { table } => match table {
            auction::TierTable::Increments => "increments",
            auction::TierTable::Deposits => "deposits",
        },
        RuleError::IncrementNotPositive => "increments",
        RuleError::DepositsDecreasing => "deposits",
        RuleError::EndNotAfterStart => "ends_at",
        RuleError::BadDuration { .. } => "durations",
        RuleError::ReserveBelowStartingPrice => "reserve_fen",
    };
    let message = match &error {
        RuleError::EmptyTable { .. } => "add at least one row, starting at 0".to_string(),
        RuleError::FirstTierNotZero { .. } => "the first row must start at 0 fen".to_string(),
        RuleError::TiersNotAscending { .. } => {
            "rows must be in strictly ascending order of `from_fen`".to_string()
        }
        other => other.to_string(),
    };
    AppError::invalid(field, message)
}
