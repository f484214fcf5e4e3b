//! One reservation writer per campaign and process, committing reservations in groups.
//!
//! At a launch every reservation of a campaign wants the same row (its batch's `held`), so
//! reservations into one campaign are serialised whatever we do; what we choose is how much
//! each costs. A reservation request is checked and priced outside any transaction (the
//! configuration, its catalog version, the campaign's terms), then handed to its campaign's
//! writer: a task that takes every request waiting (up to [`MAX_GROUP`]) and, in one
//! transaction,
//!
//! 1. locks the campaign's batch rows (`UPDATE ... SET held = held`: SQLite takes its write
//!    lock, PostgreSQL the row locks, so the groups of every server run one after another),
//! 2. reads the campaign's terms and dropped options, the stored answers of the group's
//!    idempotency keys and which of its accounts already hold a unit (one query each),
//! 3. decides every request in arrival order (a replay, a refusal, a unit of the first batch
//!    with room, or sold out),
//! 4. writes the batch counters, the orders, their first events, their pending payments and
//!    the answers of the keys with one statement per table, and commits once.
//!
//! Only after the commit are the requests answered and their charges requested, so an answered
//! reservation is durable, and a crash before the commit leaves nothing of the group. A refusal
//! that stores nothing (already reserved, not open, a dropped option) stores nothing here
//! either; "sold out" is an outcome and is stored with its key, as on the single path.
//!
//! The group is an optimisation, never a change of meaning: if its transaction fails (say a key
//! used by another kind of request at the same moment, or a second server's order for the same
//! account), nothing of it was committed and each request is done again alone, through
//! [`crate::Orders::reserve_alone`], the one-request transaction this writer replaces.
//!
//! Writers are bounded like the auction sequencers: one starts only for a campaign that exists,
//! and one without requests for [`IDLE`] ends.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use configurator::Quote;
use sqlx::{Any, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{open_window, payer, pending_order, refuse_dropped, terms_with, Terms};
use crate::db::{parameter_list, value_rows};
use crate::group_commit::{gather, next_job, submit, Registry};
use crate::idempotency::{store_answers, stored_answers, NewAnswer, Replayable};
use crate::payments::ChargeRequest;
use crate::thresholds::dropped_options_with;
use crate::{now_ms, share_code, Services};
use models::error::AppError;
use models::{Account, OrderEventKind, OrderView};

/// The most reservations committed together (21 parameters per order: well within both
/// databases' limits on one statement).
const MAX_GROUP: usize = 256;

/// How long a writer waits without a request before it ends.
const IDLE: Duration = Duration::from_secs(60);

/// A checked and priced reservation request, on its way to its campaign's writer.
pub(crate) struct Reservation {
    pub account: Account,
    pub key: String,
    pub fingerprint: String,
    pub code: String,
    /// The car line and catalog version it was checked and priced under.
    pub car_line: String,
    pub catalog_version: i64,
    pub selections: Vec<String>,
    pub price: Quote,
}

type Answer = Result<Replayable<OrderView>, AppError>;

struct Job {
    request: Reservation,
    reply: oneshot::Sender<Answer>,
}

/// The reservation writers of this process, one per campaign that had a request lately, and
/// what they have done.
#[derive(Default)]
pub(crate) struct Writers {
    running: Registry<Job>,
    /// Groups committed, requests they decided, requests done alone (see [`WriterStats`]).
    groups: AtomicU64,
    grouped: AtomicU64,
    alone: AtomicU64,
    /// Groups of payment settlements committed ([`super::settlements`]).
    pub(super) settled_groups: AtomicU64,
}

/// What this process's reservation writers have done (tests read it to see that a storm was
/// committed in groups).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Group transactions committed.
    pub groups: u64,
    /// Requests decided by those groups.
    pub grouped: u64,
    /// Requests done alone after their group failed or their terms changed.
    pub alone: u64,
    /// Groups of payment settlements committed.
    pub settlement_groups: u64,
}

impl crate::Orders<'_> {
    /// Hands `request` to the campaign's writer and waits for the committed answer.
    pub(super) async fn submit_reservation(
        self,
        campaign_id: &str,
        request: Reservation,
    ) -> Result<Replayable<OrderView>, AppError> {
        let (reply, answer) = oneshot::channel();
        submit(
            &self.reservation_writers.running,
            campaign_id,
            Job { request, reply },
            answer,
            || self.writer(campaign_id),
            "the campaign's reservation writer",
        )
        .await
    }

    /// What this process's writers have done so far.
    #[doc(hidden)]
    pub fn writer_stats(self) -> WriterStats {
        let writers = &self.reservation_writers;
        WriterStats {
            groups: writers.groups.load(Ordering::Relaxed),
            grouped: writers.grouped.load(Ordering::Relaxed),
            alone: writers.alone.load(Ordering::Relaxed),
            settlement_groups: writers.settled_groups.load(Ordering::Relaxed),
        }
    }

    /// The campaign's writer, started if none runs (the caller has read the campaign's terms:
    /// it exists).
    fn writer(self, campaign_id: &str) -> (u64, mpsc::UnboundedSender<Job>) {
        let running = &self.reservation_writers.running;
        if let Some(writer) = running.running(campaign_id) {
            return writer;
        }
        let services = Arc::downgrade(self.0);
        running.get_or_start(campaign_id, |id, receiver| {
            tokio::spawn(run(services, campaign_id.to_string(), id, receiver));
        })
    }
}

async fn run(
    services: Weak<Services>,
    campaign_id: String,
    id: u64,
    mut queue: mpsc::UnboundedReceiver<Job>,
) {
    let mut last_group = 1;
    loop {
        let Some(first) = next_job(&mut queue, IDLE, || {
            if let Some(services) = services.upgrade() {
                services
                    .reservation_writers
                    .running
                    .forget(&campaign_id, id);
            }
        })
        .await
        else {
            return;
        };
        let jobs = gather(&mut queue, first, last_group, MAX_GROUP).await;
        last_group = jobs.len();
        let Some(services) = services.upgrade() else {
            return;
        };
        let orders = services.orders();
        let requests: Vec<&Reservation> = jobs.iter().map(|j| &j.request).collect();
        let decided_len = requests.len();
        match orders.commit_group(&campaign_id, &requests).await {
            Ok(decided) => {
                let writers = &services.reservation_writers;
                writers.groups.fetch_add(1, Ordering::Relaxed);
                let mut alone = Vec::new();
                for (job, decision) in jobs.into_iter().zip(decided) {
                    match decision {
                        Decision::Answer(answer, charge) => {
                            if let Some(charge) = charge {
                                orders.payments().request_charge(charge);
                            }
                            let _ = job.reply.send(answer);
                        }
                        Decision::Alone => alone.push(job),
                    }
                }
                writers
                    .grouped
                    .fetch_add((decided_len - alone.len()) as u64, Ordering::Relaxed);
                writers
                    .alone
                    .fetch_add(alone.len() as u64, Ordering::Relaxed);
                for job in alone {
                    let answer = orders.reserve_alone(&campaign_id, &job.request).await;
                    let _ = job.reply.send(answer);
                }
            }
            Err(error) => {
                // Nothing of the group was committed: each request is done again alone.
                tracing::debug!(%error, campaign = %campaign_id, "reservation group failed");
                services
                    .reservation_writers
                    .alone
                    .fetch_add(jobs.len() as u64, Ordering::Relaxed);
                for job in jobs {
                    let answer = orders.reserve_alone(&campaign_id, &job.request).await;
                    let _ = job.reply.send(answer);
                }
            }
        }
    }
}

/// What the group decided for one request (short-lived: one per request of one group, so the
/// size of the answer inline does not matter).
#[allow(clippy::large_enum_variant)]
enum Decision {
    /// Its answer (and, for a new order, the charge to request once committed).
    Answer(Answer, Option<ChargeRequest>),
    /// Not for the group (priced under other terms than the campaign's now): done alone.
    Alone,
}

/// A new order of the group, before it is written.
struct NewOrder<'r> {
    request: &'r Reservation,
    order_id: String,
    payment_id: String,
    batch: i64,
}

/// A batch row as locked: its sequence, cap and units held.
#[derive(sqlx::FromRow)]
struct BatchRow {
    seq: i64,
    cap: i64,
    held: i64,
}

impl crate::Orders<'_> {
    /// Decides and writes one group in one transaction (see the module's description); the
    /// decisions come back in request order. An error means nothing was committed.
    async fn commit_group(
        self,
        campaign_id: &str,
        requests: &[&Reservation],
    ) -> Result<Vec<Decision>, AppError> {
        let started = std::time::Instant::now();
        let _gate = self.write_gate().await;
        let mut tx = self.db.begin().await?;
        let mut batches: Vec<BatchRow> = sqlx::query_as(
            "UPDATE campaign_batches SET held = held WHERE campaign_id = $1
             RETURNING seq, cap, held",
        )
        .bind(campaign_id)
        .fetch_all(&mut *tx)
        .await?;
        batches.sort_by_key(|b| b.seq);
        let terms = terms_with(&mut *tx, campaign_id).await?;
        let dropped = dropped_options_with(&mut *tx, campaign_id).await?;
        let locked = started.elapsed();
        let keys: Vec<(&str, &str)> = requests
            .iter()
            .map(|r| (r.account.id.as_str(), r.key.as_str()))
            .collect();
        let stored = stored_answers(&mut tx, &keys).await?;
        let mut holding = holding_accounts(&mut tx, campaign_id, requests).await?;
        let read = started.elapsed();

        let now = now_ms();
        let open = open_window(&terms, now);
        let mut decisions: Vec<Option<Decision>> = Vec::with_capacity(requests.len());
        // Keys first used in this group: the request that holds each.
        let mut keys: HashMap<(&str, &str), usize> = HashMap::new();
        // Requests answered by the first of their key in this group (resolved at the end).
        let mut replays: Vec<(usize, usize)> = Vec::new();
        let mut new_orders: Vec<(usize, NewOrder)> = Vec::new();
        // Requests refused "sold out": the answer is stored with the key.
        let mut sold_out: Vec<usize> = Vec::new();
        for (index, request) in requests.iter().enumerate() {
            let id = (request.account.id.as_str(), request.key.as_str());
            if let Some(&first) = keys.get(&id) {
                if requests[first].fingerprint != request.fingerprint {
                    decisions.push(Some(refuse(AppError::IdempotencyKeyReused)));
                } else {
                    replays.push((index, first));
                    decisions.push(None);
                }
                continue;
            }
            if let Some(stored) = stored.get(&(id.0.to_string(), id.1.to_string())) {
                decisions.push(Some(if stored.fingerprint != request.fingerprint {
                    refuse(AppError::IdempotencyKeyReused)
                } else {
                    Decision::Answer(
                        Ok(Replayable {
                            result: serde_json::from_str(&stored.response)?,
                            replayed: true,
                        }),
                        None,
                    )
                }));
                continue;
            }
            if request.car_line != terms.car_line
                || request.catalog_version != terms.catalog_version
            {
                decisions.push(Some(Decision::Alone));
                continue;
            }
            // Refusals that store nothing (a retry may succeed later): the key stays free.
            if let Err(refusal) = open.clone() {
                decisions.push(Some(refuse(refusal)));
                continue;
            }
            if let Err(refusal) = refuse_dropped(&request.selections, &dropped) {
                decisions.push(Some(refuse(refusal)));
                continue;
            }
            if holding.contains(request.account.id.as_str()) {
                decisions.push(Some(refuse(AppError::AlreadyReserved)));
                continue;
            }
            keys.insert(id, index);
            match batches.iter_mut().find(|b| b.held < b.cap) {
                Some(batch) => {
                    // Only a unit taken makes the person a holder: after "sold out" their
                    // next request is sold out too, as on the single path.
                    holding.insert(request.account.id.as_str());
                    batch.held += 1;
                    new_orders.push((
                        index,
                        NewOrder {
                            request,
                            order_id: format!("o_{}", share_code::token(16)),
                            payment_id: format!("p_{}", share_code::token(16)),
                            batch: batch.seq,
                        },
                    ));
                }
                None => sold_out.push(index),
            }
            decisions.push(None);
        }

        write_units(&mut tx, campaign_id, &new_orders).await?;
        write_orders(&mut tx, campaign_id, &terms, &new_orders, now).await?;
        let wrote = started.elapsed();
        let mut stored_keys: Vec<NewAnswer> = Vec::new();
        let mut answers: Vec<(usize, Result<OrderView, AppError>, Option<ChargeRequest>)> =
            Vec::new();
        for (index, order) in &new_orders {
            let view = order_view(campaign_id, &terms, order, now);
            let charge = ChargeRequest {
                payment_id: order.payment_id.clone(),
                amount_fen: terms.reservation_fen,
                payer: payer(&order.request.account),
            };
            stored_keys.push(stored_answer(order.request, &Ok(view.clone()))?);
            answers.push((*index, Ok(view), Some(charge)));
        }
        for &index in &sold_out {
            stored_keys.push(stored_answer(requests[index], &Err(AppError::SoldOut))?);
            answers.push((index, Err(AppError::SoldOut), None));
        }
        store_answers(&mut tx, &stored_keys, now).await?;
        if let Some(hold) = self.options.reservation_commit_hold {
            // A test aid (the crash test kills the server here): the group is written and not
            // yet committed.
            tracing::warn!(
                group = requests.len(),
                "reservation group written; holding its commit (test aid)"
            );
            tokio::time::sleep(hold).await;
        }
        tx.commit().await?;
        tracing::debug!(
            group = requests.len(),
            ?locked,
            ?read,
            ?wrote,
            committed = ?started.elapsed(),
            "reservation group"
        );

        for (index, result, charge) in answers {
            decisions[index] = Some(Decision::Answer(
                Ok(Replayable {
                    result,
                    replayed: false,
                }),
                charge,
            ));
        }
        for (index, first) in replays {
            let replay = match &decisions[first] {
                Some(Decision::Answer(Ok(first), _)) => Ok(Replayable {
                    result: first.result.clone(),
                    replayed: true,
                }),
                Some(Decision::Answer(Err(error), _)) => Err(error.clone()),
                _ => Err(AppError::Internal {
                    message: "a replayed reservation has no first answer".into(),
                }),
            };
            decisions[index] = Some(Decision::Answer(replay, None));
        }
        decisions
            .into_iter()
            .map(|d| {
                d.ok_or_else(|| AppError::Internal {
                    message: "a reservation of the group was not decided".into(),
                })
            })
            .collect()
    }
}

/// A refusal that stores nothing, as the single path answers it.
fn refuse(error: AppError) -> Decision {
    Decision::Answer(Err(error), None)
}

/// The group's accounts that already hold a unit of the campaign.
async fn holding_accounts<'r>(
    tx: &mut Transaction<'static, Any>,
    campaign_id: &str,
    requests: &[&'r Reservation],
) -> Result<HashSet<&'r str>, AppError> {
    let sql = format!(
        "SELECT account_id FROM orders
          WHERE campaign_id = $1 AND holds_unit = 1 AND account_id IN ({})",
        parameter_list(1, requests.len())
    );
    let mut query = sqlx::query_scalar::<_, String>(&sql).bind(campaign_id);
    for request in requests {
        query = query.bind(&request.account.id);
    }
    let holding: HashSet<String> = query.fetch_all(&mut **tx).await?.into_iter().collect();
    Ok(requests
        .iter()
        .map(|r| r.account.id.as_str())
        .filter(|id| holding.contains(*id))
        .collect())
}

/// Takes the group's units: one conditional update per batch that gained orders. The guard
/// holds whatever was decided in memory: a batch is never oversold.
async fn write_units(
    tx: &mut Transaction<'static, Any>,
    campaign_id: &str,
    orders: &[(usize, NewOrder<'_>)],
) -> Result<(), AppError> {
    let mut taken: Vec<(i64, i64)> = Vec::new();
    for (_, order) in orders {
        match taken.last_mut() {
            Some((seq, n)) if *seq == order.batch => *n += 1,
            _ => taken.push((order.batch, 1)),
        }
    }
    for (seq, n) in taken {
        let updated = sqlx::query(
            "UPDATE campaign_batches SET held = held + $1
              WHERE campaign_id = $2 AND seq = $3 AND held + $1 <= cap",
        )
        .bind(n)
        .bind(campaign_id)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(AppError::Internal {
                message: "a batch had less room than its locked row said".into(),
            });
        }
    }
    Ok(())
}

/// The group's orders, their first events and their pending reservation payments: one
/// statement per table.
async fn write_orders(
    tx: &mut Transaction<'static, Any>,
    campaign_id: &str,
    terms: &Terms,
    orders: &[(usize, NewOrder<'_>)],
    now: i64,
) -> Result<(), AppError> {
    if orders.is_empty() {
        return Ok(());
    }
    // Where each person is (for the demand map), read once for the group.
    let sql = format!(
        "SELECT id, province, city FROM accounts WHERE id IN ({})",
        parameter_list(0, orders.len())
    );
    let mut query = sqlx::query_as::<_, (String, Option<String>, Option<String>)>(&sql);
    for (_, order) in orders {
        query = query.bind(&order.request.account.id);
    }
    let places: HashMap<String, (String, String)> = query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id, province, city)| (id, (province.unwrap_or_default(), city.unwrap_or_default())))
        .collect();

    let sql = format!(
        "INSERT INTO orders (id, account_id, campaign_id, batch_seq, configuration_code, car_line,
            catalog_version, selections, sales_mode, total_fen, price, reservation_fen,
            earnest_fen, cooling_off_hours, status, holds_unit, held_fen, created_at, updated_at,
            province, city)
         VALUES {}",
        value_rows(orders.len(), 21)
    );
    let mut query = sqlx::query(&sql);
    for (_, order) in orders {
        let r = order.request;
        let (province, city) = places.get(&r.account.id).cloned().unwrap_or_default();
        query = query
            .bind(&order.order_id)
            .bind(&r.account.id)
            .bind(campaign_id)
            .bind(order.batch)
            .bind(&r.code)
            .bind(&terms.car_line)
            .bind(terms.catalog_version)
            .bind(serde_json::to_string(&r.selections)?)
            .bind(r.price.mode.as_str())
            .bind(r.price.total.0)
            .bind(serde_json::to_string(&r.price)?)
            .bind(terms.reservation_fen)
            .bind(terms.earnest_fen)
            .bind(terms.cooling_off_hours)
            .bind("pending_payment")
            .bind(1_i64)
            .bind(0_i64)
            .bind(now)
            .bind(now)
            .bind(province)
            .bind(city);
    }
    query.execute(&mut **tx).await?;

    let sql = format!(
        "INSERT INTO order_events (order_id, seq, at, kind) VALUES {}",
        value_rows(orders.len(), 4)
    );
    let mut query = sqlx::query(&sql);
    for (_, order) in orders {
        query = query
            .bind(&order.order_id)
            .bind(0_i64)
            .bind(now)
            .bind(OrderEventKind::Reserved);
    }
    query.execute(&mut **tx).await?;

    let sql = format!(
        "INSERT INTO payments (id, order_id, purpose, amount_fen, status, created_at) VALUES {}",
        value_rows(orders.len(), 6)
    );
    let mut query = sqlx::query(&sql);
    for (_, order) in orders {
        query = query
            .bind(&order.payment_id)
            .bind(&order.order_id)
            .bind("reservation")
            .bind(terms.reservation_fen)
            .bind("pending")
            .bind(now);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// The answer of a request, as stored under its key.
fn stored_answer(
    request: &Reservation,
    result: &Result<OrderView, AppError>,
) -> Result<NewAnswer, AppError> {
    Ok(NewAnswer {
        account: request.account.id.clone(),
        key: request.key.clone(),
        fingerprint: request.fingerprint.clone(),
        status: match result {
            Ok(_) => 200,
            Err(e) => i64::from(e.status()),
        },
        response: serde_json::to_string(result)?,
    })
}

fn order_view(campaign_id: &str, terms: &Terms, order: &NewOrder<'_>, now: i64) -> OrderView {
    let r = order.request;
    pending_order(
        order.order_id.clone(),
        campaign_id,
        order.batch,
        &r.code,
        terms,
        &r.selections,
        &r.price,
        now,
    )
}
