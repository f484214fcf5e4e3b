//! The settlement writer: confirmations of order charges, committed in groups.
//!
//! Every reservation of a launch is followed by its payment's confirmation, and each
//! confirmation moves its order, the ledger and the demand cells of its day and province, rows
//! every other confirmation of the campaign wants too. Applied one transaction each, they
//! queue on those rows (PostgreSQL) or on the write lock (SQLite) and hold pool connections
//! while they wait, starving the reservations. So verified callbacks for order charges go to
//! one writer per process, which applies every waiting one in one transaction (each exactly as
//! alone, [`crate::Orders::settle_payment_in`]), remembers their digests (replay protection) in
//! the same transaction, and answers the callbacks only after the commit.
//!
//! The demand moves of the whole group are applied at its end, together
//! ([`crate::Demand::apply_moves`]): each demand cell they touch is locked, read and written
//! once, in key order, and the shared released figures once, so a group costs little more in
//! cells than one settlement, and it takes its locks in the same order as a single signal (no
//! deadlock between them). A group whose transaction fails anyway is redone one settlement at a
//! time; a confirmation that arrives for a charge no longer pending (perhaps expired) is
//! settled alone after the group.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::Any;
use tokio::sync::{mpsc, oneshot};

use super::Settled;
use crate::db::value_rows;
use crate::demand::DemandChanges;
use crate::group_commit::{gather_within, next_job, submit, Registry};
use crate::payments::ChargeOutcome;
use crate::{now_ms, Services};
use models::error::AppError;

/// The most settlements committed together.
const MAX_GROUP: usize = 256;

/// How long a group waits for more callbacks after its first: a provider's webhook can wait
/// this long, and larger groups leave the database to the reservations.
const WINDOW: Duration = Duration::from_millis(10);

/// How long the writer waits without a callback before it ends.
const IDLE: Duration = Duration::from_secs(60);

/// The one key of the process's settlement writer in its registry.
const KEY: &str = "settlements";

/// A verified callback for an order's charge.
pub(crate) struct Settlement {
    pub payment_id: String,
    pub outcome: ChargeOutcome,
    pub provider_ref: String,
    /// The SHA-256 digest of the callback's body, remembered once it is applied.
    pub digest: String,
}

pub(crate) struct Job {
    settlement: Settlement,
    reply: oneshot::Sender<Result<(), AppError>>,
}

/// The process's settlement writer (at most one runs).
pub(crate) type Settlers = Registry<Job>;

impl crate::Orders<'_> {
    /// Applies a verified callback for an order's charge through the settlement writer; answers
    /// once it is committed.
    pub(crate) async fn settle(self, settlement: Settlement) -> Result<(), AppError> {
        let (reply, answer) = oneshot::channel();
        let settlers = &self.settlers;
        submit(
            settlers,
            KEY,
            Job { settlement, reply },
            answer,
            || {
                settlers.running(KEY).unwrap_or_else(|| {
                    let services = Arc::downgrade(self.0);
                    settlers.get_or_start(KEY, |id, receiver| {
                        tokio::spawn(run(services, id, receiver));
                    })
                })
            },
            "the settlement writer",
        )
        .await
    }

    /// One settlement in its own transaction, then its digest remembered: the path of a
    /// settlement its group could not take.
    async fn settle_alone(self, settlement: &Settlement) -> Result<(), AppError> {
        self.settle_payment(
            &settlement.payment_id,
            settlement.outcome,
            &settlement.provider_ref,
        )
        .await?;
        remember(&self.db, &[settlement.digest.as_str()], now_ms()).await
    }

    /// Applies a group in one transaction; answers which settlements are left to do alone
    /// (confirmations of charges no longer pending). An error means nothing was committed.
    async fn settle_group(self, group: &[&Settlement]) -> Result<Vec<bool>, AppError> {
        let started = std::time::Instant::now();
        let _gate = self.write_gate().await;
        let gated = started.elapsed();
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let mut changes = DemandChanges::default();
        let mut alone = vec![false; group.len()];
        let mut digests = Vec::with_capacity(group.len());
        for (index, s) in group.iter().enumerate() {
            let settled = self
                .settle_payment_in(
                    &mut tx,
                    &s.payment_id,
                    s.outcome,
                    &s.provider_ref,
                    now,
                    &mut changes,
                )
                .await?;
            if settled == Settled::Late {
                alone[index] = true;
            } else {
                digests.push(s.digest.as_str());
            }
        }
        self.demand().apply_moves(&mut tx, changes).await?;
        remember(&mut *tx, &digests, now).await?;
        tx.commit().await?;
        tracing::debug!(group = group.len(), ?gated, committed = ?started.elapsed(), "settlement group");
        Ok(alone)
    }
}

/// Remembers applied callbacks by digest (a replay is then refused), through `executor` (the
/// pool, or the transaction that applied them).
pub(crate) async fn remember<'e, E>(executor: E, digests: &[&str], now: i64) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if digests.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO payment_callbacks (digest, received_at) VALUES {}
         ON CONFLICT (digest) DO NOTHING",
        value_rows(digests.len(), 2)
    );
    let mut query = sqlx::query(&sql);
    for digest in digests {
        query = query.bind(*digest).bind(now);
    }
    query.execute(executor).await?;
    Ok(())
}

async fn run(services: Weak<Services>, id: u64, mut queue: mpsc::UnboundedReceiver<Job>) {
    loop {
        let Some(first) = next_job(&mut queue, IDLE, || {
            if let Some(services) = services.upgrade() {
                services.settlers.forget(KEY, id);
            }
        })
        .await
        else {
            return;
        };
        let jobs = gather_within(&mut queue, first, MAX_GROUP, WINDOW).await;
        let Some(services) = services.upgrade() else {
            return;
        };
        let orders = services.orders();
        let group: Vec<&Settlement> = jobs.iter().map(|j| &j.settlement).collect();
        match orders.settle_group(&group).await {
            Ok(alone) => {
                services
                    .reservation_writers
                    .settled_groups
                    .fetch_add(1, Ordering::Relaxed);
                for (job, alone) in jobs.into_iter().zip(alone) {
                    let answer = if alone {
                        orders.settle_alone(&job.settlement).await
                    } else {
                        Ok(())
                    };
                    let _ = job.reply.send(answer);
                }
            }
            Err(error) => {
                tracing::debug!(%error, "settlement group failed; settling one at a time");
                for job in jobs {
                    let answer = orders.settle_alone(&job.settlement).await;
                    let _ = job.reply.send(answer);
                }
            }
        }
    }
}
