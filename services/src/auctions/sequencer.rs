//! One writer per auction and process, committing in groups.
//!
//! Every request that changes an auction goes through its sequencer: a task that takes the
//! requests waiting in its queue (up to [`MAX_BATCH`]), locks the auction's row, catches its
//! cached state machine up with whatever other servers logged, applies the requests in order at
//! server time, writes the accepted ones to the log and commits once. Only then are the
//! requests answered and the entries published, so an acknowledged bid is durable and every
//! watcher sees exactly the committed order. One commit per batch instead of per bid is what
//! lets one hot auction take thousands of bids a second with durable commits.
//!
//! Sequencers are bounded: one starts only for an auction that exists (a request for an
//! unknown id leaves no task and no entry behind), and one that has had no request for a
//! while (`ServiceOptions::sequencer_idle`, 60 s by default) ends; the next request starts it
//! again (it rebuilds its state from the log).

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use auction::{Auction, AuctionRules, Event, Money, Phase, RulesSpec};
use sqlx::{Any, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::command::{next_due, notice, public_phase, Command};
use super::feed::LiveEntry;
use crate::db::{value_rows, Json, ROWS_PER_INSERT};
use crate::group_commit::{gather, next_job, submit};
use crate::idempotency::{store_answers, stored_answers, NewAnswer, StoredAnswer};
use crate::{now_ms, Backend, Services};
use models::error::AppError;
use models::{AuctionState, BidAnswer, BidKind, BidView, FeedEntry, SettlementView};

/// The most requests committed together.
const MAX_BATCH: usize = 256;

/// How long a sequencer waits without a request before it ends, unless configured.
const IDLE: Duration = Duration::from_secs(60);

/// The channel PostgreSQL notifications of new log entries go to (`"{auction}:{seq}"`).
pub(crate) const NOTIFY_CHANNEL: &str = "c2m_auction";

/// A request to an auction's sequencer.
pub(crate) struct Request {
    /// What to do.
    pub command: Command,
    /// For bids: the client's key; a retry gets the first answer.
    pub idempotency: Option<Idempotency>,
}

/// An idempotency key and what it was used for.
pub(crate) struct Idempotency {
    pub account: String,
    pub key: String,
    pub fingerprint: String,
}

/// What an accepted request did.
#[derive(Debug)]
pub(crate) struct Applied {
    /// Its log position (0 when it changed nothing, e.g. a tick with nothing due).
    pub seq: i64,
    /// The public state after it.
    pub state: AuctionState,
    /// For requests with an idempotency key: the answer, stored with the key.
    pub answer: Option<BidAnswer>,
    /// Whether `answer` is the replay of an earlier request's.
    pub replayed: bool,
}

pub(crate) struct Job {
    request: Request,
    reply: oneshot::Sender<Result<Applied, AppError>>,
}

/// The sequencers of this process, one per auction that received a request lately.
pub(crate) type Sequencers = crate::group_commit::Registry<Job>;

/// The state machine of one auction as of log position `version`.
struct Cached {
    state: Auction,
    version: i64,
    /// Time of the last logged command: server time never goes back for an auction.
    last_at: i64,
    paddles: HashMap<String, i64>,
    bidders: i64,
}

impl crate::Auctions<'_> {
    /// Sends `request` to the auction's sequencer and waits for the committed answer.
    pub(crate) async fn submit(
        self,
        auction_id: &str,
        request: Request,
    ) -> Result<Applied, AppError> {
        let sequencers = &self.auction_runtime.sequencers;
        if sequencers.running(auction_id).is_none() {
            // Auctions are never deleted: once found, it exists when its sequencer starts (an
            // unknown id leaves no task behind, and the answer is 404).
            self.auction_exists(auction_id).await?;
        }
        let (reply, answer) = oneshot::channel();
        submit(
            sequencers,
            auction_id,
            Job { request, reply },
            answer,
            || self.sequencer(auction_id),
            "the auction's sequencer",
        )
        .await
    }

    /// The auction's sequencer, started if none runs (for an auction that exists).
    fn sequencer(self, auction_id: &str) -> (u64, mpsc::UnboundedSender<Job>) {
        let sequencers = &self.auction_runtime.sequencers;
        if let Some(running) = sequencers.running(auction_id) {
            return running;
        }
        let idle = self
            .options
            .sequencer_idle
            .filter(|d| !d.is_zero())
            .unwrap_or(IDLE);
        let services = Arc::downgrade(self.0);
        sequencers.get_or_start(auction_id, |id, receiver| {
            tokio::spawn(run(services, auction_id.to_string(), id, receiver, idle));
        })
    }

    /// How many sequencers this process runs (for tests).
    #[doc(hidden)]
    pub fn running_sequencers(self) -> usize {
        self.auction_runtime.sequencers.len()
    }
}

async fn run(
    services: Weak<Services>,
    auction_id: String,
    id: u64,
    mut queue: mpsc::UnboundedReceiver<Job>,
    idle: Duration,
) {
    let mut cache: Option<Cached> = None;
    let mut last_batch = 1;
    loop {
        let Some(first) = next_job(&mut queue, idle, || {
            if let Some(services) = services.upgrade() {
                services.auction_runtime.sequencers.forget(&auction_id, id);
            }
        })
        .await
        else {
            return;
        };
        let jobs = gather(&mut queue, first, last_batch, MAX_BATCH).await;
        last_batch = jobs.len();
        let Some(services) = services.upgrade() else {
            return;
        };
        let requests: Vec<&Request> = jobs.iter().map(|j| &j.request).collect();
        match services
            .auctions()
            .apply_batch(&auction_id, &mut cache, &requests)
            .await
        {
            Ok((results, entries, refunds)) => {
                services.auctions().publish(&auction_id, entries).await;
                if refunds {
                    if let Err(error) = services
                        .auctions()
                        .request_auction_refunds(&auction_id)
                        .await
                    {
                        tracing::warn!(%error, "auction refunds will be re-requested at start");
                    }
                }
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(error) => {
                // Nothing was committed: the cached state may hold uncommitted changes.
                cache = None;
                tracing::warn!(%error, auction = %auction_id, "auction batch failed");
                for job in jobs {
                    let _ = job.reply.send(Err(error.clone()));
                }
            }
        }
    }
}

/// The answers of a batch in request order, the entries it committed, and whether it released
/// deposits, in whole or in part (their refunds are requested after the commit).
type BatchResult = (Vec<Result<Applied, AppError>>, Vec<LiveEntry>, bool);

impl crate::Auctions<'_> {
    async fn apply_batch(
        self,
        auction_id: &str,
        cache: &mut Option<Cached>,
        requests: &[&Request],
    ) -> Result<BatchResult, AppError> {
        let mut tx = self.db.begin().await?;
        // The lock: a write first (SQLite takes its write lock, PostgreSQL the row lock), so
        // batches of every server are applied one after another, in log order. It returns the
        // head too: one round trip.
        let locked: Option<i64> = sqlx::query_scalar(
            "UPDATE auctions SET version = version WHERE id = $1 RETURNING version",
        )
        .bind(auction_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(version) = locked else {
            tx.rollback().await?;
            let missing = || Err(AppError::not_found("auction"));
            return Ok((
                requests.iter().map(|_| missing()).collect(),
                Vec::new(),
                false,
            ));
        };
        if cache.as_ref().is_none_or(|c| c.version > version) {
            // Only a new (or rolled back) cache reads the rules: not every batch pays for them.
            let (Json(rules), Json(excluded)): (Json<RulesSpec>, Json<Vec<String>>) =
                sqlx::query_as("SELECT rules, excluded FROM auctions WHERE id = $1")
                    .bind(auction_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let rules = AuctionRules::new(rules).map_err(|e| AppError::Internal {
                message: format!("stored auction rules are invalid: {e}"),
            })?;
            *cache = Some(Cached {
                state: Auction::with_excluded(rules, excluded.into_iter().collect()),
                version: 0,
                last_at: 0,
                paddles: HashMap::new(),
                bidders: 0,
            });
        }
        let cached = cache.as_mut().expect("set above");
        catch_up(&mut tx, auction_id, cached, version).await?;

        let mut results = Vec::with_capacity(requests.len());
        let mut entries = Vec::new();
        let mut last_state: Option<AuctionState> = None;
        let mut writes = Writes::default();
        // Answers stored by earlier batches, read for the whole batch at once.
        let keys: Vec<(&str, &str)> = requests
            .iter()
            .filter_map(|r| r.idempotency.as_ref())
            .map(|idem| (idem.account.as_str(), idem.key.as_str()))
            .collect();
        let stored = stored_answers(&mut tx, &keys).await?;
        // Keys used earlier in this batch: their answers are not stored yet.
        let mut keys: HashMap<(String, String), (String, usize)> = HashMap::new();
        for (index, request) in requests.iter().enumerate() {
            if let Some(idem) = &request.idempotency {
                let id = (idem.account.clone(), idem.key.clone());
                if let Some((fingerprint, first)) = keys.get(&id) {
                    results.push(if *fingerprint != idem.fingerprint {
                        Err(AppError::IdempotencyKeyReused)
                    } else {
                        replay_of(&results[*first])
                    });
                    continue;
                }
                if let Some(answer) = stored.get(&id) {
                    results.push(replay(answer, idem)?);
                    continue;
                }
                keys.insert(id, (idem.fingerprint.clone(), index));
            }
            if let Some(payment) = request.command.payment() {
                // The callback and the background task may both count a payment: once only.
                let counted: Option<i64> =
                    sqlx::query_scalar("SELECT counted FROM auction_payments WHERE id = $1")
                        .bind(payment)
                        .fetch_optional(&mut *tx)
                        .await?;
                if counted != Some(0) {
                    results.push(Ok(Applied {
                        seq: 0,
                        state: public_state(cached),
                        answer: None,
                        replayed: true,
                    }));
                    continue;
                }
            }
            if let Some(bidder) = request.command.bidder() {
                paddle_of(&mut tx, auction_id, cached, bidder).await?;
            }
            let now = now_ms().max(cached.last_at);
            let events = match request.command.apply(&mut cached.state, now) {
                Ok(events) => events,
                Err(refusal) => {
                    results.push(Err(refusal));
                    continue;
                }
            };
            if events.is_empty() {
                results.push(Ok(Applied {
                    seq: 0,
                    state: public_state(cached),
                    answer: None,
                    replayed: false,
                }));
                continue;
            }
            cached.version += 1;
            cached.last_at = now;
            cached.bidders += registrations(&events);
            let entry = feed_entry(cached, now, &events);
            let json = writes.entry(&request.command, &entry, cached)?;
            if let Command::Rerun { new_id, rules } = &request.command {
                insert_rerun(&mut tx, auction_id, new_id, rules, &cached.state).await?;
            }
            writes.refunds |= settle_deposits(&mut tx, auction_id, &events).await?;
            if let Some(payment) = request.command.payment() {
                sqlx::query("UPDATE auction_payments SET counted = 1 WHERE id = $1")
                    .bind(payment)
                    .execute(&mut *tx)
                    .await?;
            }
            let answer = match (&request.idempotency, request.command.bidder()) {
                (Some(idem), Some(bidder)) => {
                    let answer = BidAnswer {
                        seq: entry.seq,
                        bids: entry.bids.clone(),
                        leading: cached.state.leader() == Some(bidder),
                        state: entry.state.clone(),
                    };
                    writes.answer(idem, &answer)?;
                    Some(answer)
                }
                _ => None,
            };
            results.push(Ok(Applied {
                seq: entry.seq,
                state: entry.state.clone(),
                answer,
                replayed: false,
            }));
            last_state = Some(entry.state);
            entries.push(LiveEntry {
                seq: entry.seq,
                json,
            });
        }
        if let Some(last_state) = last_state {
            writes.insert(&mut tx, auction_id).await?;
            sqlx::query(
                "UPDATE auctions SET version = $1, phase = $2, state = $3, ends_at = $4,
                        next_due_at = $5, updated_at = $6
                  WHERE id = $7",
            )
            .bind(cached.version)
            .bind(public_phase(cached.state.phase()))
            .bind(serde_json::to_string(&last_state)?)
            .bind(cached.state.ends_at())
            .bind(next_due(&cached.state))
            .bind(now_ms())
            .bind(auction_id)
            .execute(&mut *tx)
            .await?;
            if self.backend == Backend::Postgres {
                // Delivered at commit, to every server listening (see `feed`). Wrapped so the
                // row has no `void` column, which the `Any` driver cannot decode.
                sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
                    .bind(NOTIFY_CHANNEL)
                    .bind(format!("{auction_id}:{}", cached.version))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok((results, entries, writes.refunds))
    }
}

/// Applies the log entries other servers (or an earlier life of this one) wrote.
async fn catch_up(
    tx: &mut Transaction<'static, Any>,
    auction_id: &str,
    cached: &mut Cached,
    version: i64,
) -> Result<(), AppError> {
    if cached.version == version {
        return Ok(());
    }
    let rows: Vec<(i64, i64, Json<Command>)> = sqlx::query_as(
        "SELECT seq, at, command FROM auction_log WHERE auction_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(auction_id)
    .bind(cached.version)
    .fetch_all(&mut **tx)
    .await?;
    for (seq, at, Json(command)) in rows {
        let events = command
            .apply(&mut cached.state, at)
            .map_err(|e| AppError::Internal {
                message: format!("auction log entry {seq} does not replay: {e}"),
            })?;
        cached.bidders += registrations(&events);
        cached.version = seq;
        cached.last_at = at;
    }
    if cached.version != version {
        return Err(AppError::Internal {
            message: format!(
                "auction log ends at {} but the head is {version}",
                cached.version
            ),
        });
    }
    Ok(())
}

fn registrations(events: &[Event]) -> i64 {
    events
        .iter()
        .filter(|e| matches!(e, Event::Registered { .. }))
        .count() as i64
}

/// The bidder's paddle, from the cache or the registration row.
async fn paddle_of(
    tx: &mut Transaction<'static, Any>,
    auction_id: &str,
    cached: &mut Cached,
    bidder: &str,
) -> Result<Option<i64>, AppError> {
    if let Some(p) = cached.paddles.get(bidder) {
        return Ok(Some(*p));
    }
    let paddle: Option<i64> = sqlx::query_scalar(
        "SELECT paddle FROM auction_bidders WHERE auction_id = $1 AND account_id = $2",
    )
    .bind(auction_id)
    .bind(bidder)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(p) = paddle {
        cached.paddles.insert(bidder.to_string(), p);
    }
    Ok(paddle)
}

fn paddle(cached: &Cached, bidder: &str) -> i64 {
    cached.paddles.get(bidder).copied().unwrap_or(0)
}

/// What every watcher may see of the auction now.
fn public_state(cached: &Cached) -> AuctionState {
    let state = &cached.state;
    let settlement = match state.phase() {
        Phase::AwaitingConfirmation {
            bidder,
            amount,
            deadline,
        }
        | Phase::AwaitingPayment {
            bidder,
            amount,
            deadline,
        }
        | Phase::SecondChanceOffered {
            bidder,
            amount,
            deadline,
        } => Some(SettlementView {
            paddle: paddle(cached, bidder),
            amount_fen: amount.get(),
            deadline: Some(*deadline),
        }),
        Phase::Paid { bidder, amount } => Some(SettlementView {
            paddle: paddle(cached, bidder),
            amount_fen: amount.get(),
            deadline: None,
        }),
        _ => None,
    };
    AuctionState {
        phase: public_phase(state.phase()),
        current_fen: state.current_price().map(|p| p.get()),
        leader_paddle: state.leader().map(|b| paddle(cached, b)),
        bid_count: state.history().len() as i64,
        minimum_bid_fen: state.minimum_bid().get(),
        maximum_bid_fen: state.maximum_bid().get(),
        ends_at: state.ends_at(),
        reserve_met: state.reserve_met(),
        settlement,
        bidders: cached.bidders,
    }
}

/// The public entry for the command just applied at `now` (the cache is already advanced).
fn feed_entry(cached: &Cached, now: i64, events: &[Event]) -> FeedEntry {
    let bids = events
        .iter()
        .filter_map(|e| match e {
            Event::BidAccepted(b) => Some(BidView {
                seq: b.seq as i64,
                paddle: paddle(cached, &b.bidder),
                amount_fen: b.amount.get(),
                kind: match b.kind {
                    auction::BidKind::Manual => BidKind::Manual,
                    auction::BidKind::Proxy => BidKind::Proxy,
                    auction::BidKind::ProxyMatch => BidKind::ProxyMatch,
                },
                at: b.at,
            }),
            _ => None,
        })
        .collect();
    let mut notices = Vec::new();
    for n in events.iter().filter_map(notice) {
        if !notices.contains(&n) {
            notices.push(n);
        }
    }
    FeedEntry {
        seq: cached.version,
        at: now,
        bids,
        notices,
        state: public_state(cached),
    }
}

/// The rows a batch adds, written with one multi-row statement per table just before the
/// commit: a batch costs the same few round trips however many bids it accepts.
#[derive(Default)]
struct Writes {
    /// `auction_log`: seq, at, command, feed.
    log: Vec<(i64, i64, String, String)>,
    /// `auction_bids`: seq, log seq, account, paddle, amount, kind, at.
    bids: Vec<(i64, i64, String, i64, i64, BidKind, i64)>,
    /// `idempotency_keys`: account, key, fingerprint, answer.
    answers: Vec<NewAnswer>,
    /// Whether deposits were released, in whole or in part (and so have refunds to request).
    refunds: bool,
}

impl Writes {
    /// Adds the log entry and the bids of a command; returns the entry as sent to watchers.
    fn entry(
        &mut self,
        command: &Command,
        entry: &FeedEntry,
        cached: &Cached,
    ) -> Result<String, AppError> {
        // Serialized once: stored, and sent as is to every watcher.
        let json = serde_json::to_string(entry)?;
        self.log.push((
            entry.seq,
            entry.at,
            serde_json::to_string(command)?,
            json.clone(),
        ));
        let history = cached.state.history();
        for bid in &entry.bids {
            let account = history[(bid.seq - 1) as usize].bidder.clone();
            self.bids.push((
                bid.seq,
                entry.seq,
                account,
                bid.paddle,
                bid.amount_fen,
                bid.kind,
                bid.at,
            ));
        }
        Ok(json)
    }

    /// Adds the answer a retry with the same key will get.
    fn answer(&mut self, idem: &Idempotency, answer: &BidAnswer) -> Result<(), AppError> {
        self.answers.push(NewAnswer {
            account: idem.account.clone(),
            key: idem.key.clone(),
            fingerprint: idem.fingerprint.clone(),
            status: 201,
            response: serde_json::to_string(answer)?,
        });
        Ok(())
    }

    async fn insert(
        &self,
        tx: &mut Transaction<'static, Any>,
        auction_id: &str,
    ) -> Result<(), AppError> {
        for rows in self.log.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO auction_log (auction_id, seq, at, command, feed) VALUES {}",
                value_rows(rows.len(), 5)
            );
            let mut query = sqlx::query(&sql);
            for (seq, at, command, feed) in rows {
                query = query
                    .bind(auction_id)
                    .bind(*seq)
                    .bind(*at)
                    .bind(command)
                    .bind(feed);
            }
            query.execute(&mut **tx).await?;
        }
        for rows in self.bids.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO auction_bids
                   (auction_id, seq, log_seq, account_id, paddle, amount_fen, kind, at)
                 VALUES {}",
                value_rows(rows.len(), 8)
            );
            let mut query = sqlx::query(&sql);
            for (seq, log_seq, account, paddle, amount, kind, at) in rows {
                query = query
                    .bind(auction_id)
                    .bind(*seq)
                    .bind(*log_seq)
                    .bind(account)
                    .bind(*paddle)
                    .bind(*amount)
                    .bind(*kind)
                    .bind(*at);
            }
            query.execute(&mut **tx).await?;
        }
        // A key used at this very moment by a request that is not a bid fails the batch
        // (nothing is acknowledged) rather than storing two answers for one key.
        store_answers(tx, &self.answers, now_ms()).await?;
        Ok(())
    }
}

/// Moves deposits with the auction: released ones are marked for refund (requested after the
/// commit, and again at start until confirmed), forfeited ones kept, the buyer's applied to the
/// price with any part above it marked for refund.
async fn settle_deposits(
    tx: &mut Transaction<'static, Any>,
    auction_id: &str,
    events: &[Event],
) -> Result<bool, AppError> {
    let mut refunds = false;
    for event in events {
        let (bidder, outcome) = match event {
            Event::DepositReleased { bidder, .. } => (bidder, "released"),
            Event::DepositForfeited { bidder, .. } => (bidder, "forfeited"),
            Event::Paid {
                bidder,
                deposit_applied,
                deposit_released,
                ..
            } => {
                refunds |=
                    apply_deposit(tx, auction_id, bidder, *deposit_applied, *deposit_released)
                        .await?;
                continue;
            }
            _ => continue,
        };
        sqlx::query(
            "UPDATE auction_payments
                SET outcome = $1,
                    refund_status = CASE WHEN $1 = 'released' THEN 'pending' ELSE refund_status END
              WHERE auction_id = $2 AND account_id = $3 AND purpose = 'deposit'
                AND status = 'succeeded' AND outcome = 'held'",
        )
        .bind(outcome)
        .bind(auction_id)
        .bind(bidder)
        .execute(&mut **tx)
        .await?;
        refunds |= outcome == "released";
    }
    Ok(refunds)
}

/// The buyer's deposit at the sale, split as the auction split it (`Event::Paid`): its
/// payments, oldest first, are applied to the price until `applied` is reached; the rest of
/// them (`released`) is refunded: the payment that crosses the price in part (`refund_fen`),
/// the later ones whole. Only payments the auction counted make up the deposit it split; one
/// it never counted is refunded when it is (the auction refuses it). Answers whether refunds
/// are due.
async fn apply_deposit(
    tx: &mut Transaction<'static, Any>,
    auction_id: &str,
    bidder: &str,
    applied: Money,
    released: Money,
) -> Result<bool, AppError> {
    let payments: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, amount_fen FROM auction_payments
          WHERE auction_id = $1 AND account_id = $2 AND purpose = 'deposit'
            AND status = 'succeeded' AND counted = 1 AND outcome = 'held'
          ORDER BY created_at, id",
    )
    .bind(auction_id)
    .bind(bidder)
    .fetch_all(&mut **tx)
    .await?;
    let held = payments
        .iter()
        .try_fold(Money::ZERO, |sum, (_, fen)| sum.checked_add(Money(*fen)));
    if held.is_none() || held != applied.checked_add(released) {
        // Never charge or refund a wrong amount: the batch fails and nothing is committed.
        return Err(AppError::Internal {
            message: format!(
                "the buyer's deposit payments ({held:?}) are not the deposit the auction split \
                 ({applied:?} applied, {released:?} released)"
            ),
        });
    }
    let mut to_apply = applied;
    let mut refunds = false;
    for (id, fen) in payments {
        let amount = Money(fen);
        let take = to_apply.min(amount);
        let (left, refund) = to_apply
            .checked_sub(take)
            .zip(amount.checked_sub(take))
            .ok_or_else(|| AppError::Internal {
                message: "a deposit split overflowed".into(),
            })?;
        to_apply = left;
        let outcome = if take > Money::ZERO {
            "applied"
        } else {
            "released"
        };
        if refund > Money::ZERO {
            sqlx::query(
                "UPDATE auction_payments
                    SET outcome = $1, refund_fen = $2, refund_status = 'pending'
                  WHERE id = $3",
            )
            .bind(outcome)
            .bind(refund.get())
            .bind(&id)
            .execute(&mut **tx)
            .await?;
            refunds = true;
        } else {
            sqlx::query("UPDATE auction_payments SET outcome = $1 WHERE id = $2")
                .bind(outcome)
                .bind(&id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(refunds)
}

/// A re-run: a new auction with the new rules, refusing the defaulters.
async fn insert_rerun(
    tx: &mut Transaction<'static, Any>,
    auction_id: &str,
    new_id: &str,
    rules: &RulesSpec,
    old: &Auction,
) -> Result<(), AppError> {
    let excluded: Vec<&String> = old.excluded().union(old.defaulters()).collect();
    let rules_valid = AuctionRules::new(rules.clone()).map_err(|e| AppError::Internal {
        message: e.to_string(),
    })?;
    let fresh = Cached {
        state: Auction::new(rules_valid),
        version: 0,
        last_at: 0,
        paddles: HashMap::new(),
        bidders: 0,
    };
    let now = now_ms();
    sqlx::query(
        "INSERT INTO auctions (id, title, car_line, configuration_code, rules, excluded, rerun_of,
                               version, phase, state, starts_at, ends_at, next_due_at, created_by,
                               created_at, updated_at)
         SELECT $1, title, car_line, configuration_code, $2, $3, id, 0, $9, $4, $5, $6, $6,
                created_by, $7, $7
           FROM auctions WHERE id = $8",
    )
    .bind(new_id)
    .bind(serde_json::to_string(rules)?)
    .bind(serde_json::to_string(&excluded)?)
    .bind(serde_json::to_string(&public_state(&fresh))?)
    .bind(rules.starts_at)
    .bind(rules.ends_at)
    .bind(now)
    .bind(auction_id)
    .bind(public_phase(fresh.state.phase()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The public state of a new auction (before any command).
pub(crate) fn initial_state(rules: AuctionRules) -> AuctionState {
    public_state(&Cached {
        state: Auction::new(rules),
        version: 0,
        last_at: 0,
        paddles: HashMap::new(),
        bidders: 0,
    })
}

/// A stored answer, for a retry of the same request; a refusal for another request.
fn replay(
    stored: &StoredAnswer,
    idem: &Idempotency,
) -> Result<Result<Applied, AppError>, AppError> {
    if stored.fingerprint != idem.fingerprint {
        return Ok(Err(AppError::IdempotencyKeyReused));
    }
    let answer: BidAnswer = serde_json::from_str(&stored.response)?;
    Ok(Ok(Applied {
        seq: answer.seq,
        state: answer.state.clone(),
        answer: Some(answer),
        replayed: true,
    }))
}

fn replay_of(first: &Result<Applied, AppError>) -> Result<Applied, AppError> {
    match first {
        Ok(applied) => Ok(Applied {
            seq: applied.seq,
            state: applied.state.clone(),
            answer: applied.answer.clone(),
            replayed: true,
        }),
        Err(error) => Err(error.clone()),
    }
}
