//! What every group-committing writer shares (the auction sequencers, the reservation writers,
//! the settlement writer): a registry of running writers by key, each a task reading its own
//! queue, and the gathering of the next group from that queue.
//!
//! A writer takes every request waiting, commits them in one transaction and only then answers
//! them: one durable commit for many requests is what lets a hot resource (an auction, a
//! campaign's batch) take thousands of requests a second.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use models::error::AppError;

/// How long a group smaller than the last one waits for one more request.
const LINGER: Duration = Duration::from_millis(1);

/// The longest a group waits for requests in all.
const MAX_LINGER: Duration = Duration::from_millis(2);

/// The writers of this process by key (an auction, a campaign), each with its queue.
pub(crate) struct Registry<J> {
    senders: Mutex<HashMap<String, Running<J>>>,
    /// Numbers the writers, so that one that ends removes itself and not its successor.
    started: AtomicU64,
}

impl<J> Default for Registry<J> {
    fn default() -> Self {
        Registry {
            senders: Mutex::new(HashMap::new()),
            started: AtomicU64::new(0),
        }
    }
}

/// A running writer: its number and its queue.
struct Running<J> {
    id: u64,
    sender: mpsc::UnboundedSender<J>,
}

impl<J> Registry<J> {
    /// The running writer of `key`, if any.
    pub(crate) fn running(&self, key: &str) -> Option<(u64, mpsc::UnboundedSender<J>)> {
        let senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        senders
            .get(key)
            .filter(|r| !r.sender.is_closed())
            .map(|r| (r.id, r.sender.clone()))
    }

    /// The running writer of `key`, or a new one: `spawn` gets its number and queue and
    /// starts its task (under the registry's lock, so two callers never start two).
    pub(crate) fn get_or_start(
        &self,
        key: &str,
        spawn: impl FnOnce(u64, mpsc::UnboundedReceiver<J>),
    ) -> (u64, mpsc::UnboundedSender<J>) {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = senders.get(key).filter(|r| !r.sender.is_closed()) {
            return (running.id, running.sender.clone());
        }
        let id = self.started.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = mpsc::unbounded_channel();
        senders.insert(
            key.to_string(),
            Running {
                id,
                sender: sender.clone(),
            },
        );
        spawn(id, receiver);
        (id, sender)
    }

    /// Removes writer `id` of `key` (not a successor started meanwhile).
    pub(crate) fn forget(&self, key: &str, id: u64) {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        if senders.get(key).is_some_and(|r| r.id == id) {
            senders.remove(key);
        }
    }

    /// How many writers run.
    pub(crate) fn len(&self) -> usize {
        self.senders.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// The first request of a writer's next group; `None` when the writer should end. A writer
/// quiet for `idle` leaves its registry (`forget`) and closes its queue: a request that took the
/// sender before finds it closed and starts a successor, and requests already queued are still
/// answered (a closed queue yields them, then `None`).
pub(crate) async fn next_job<J>(
    queue: &mut mpsc::UnboundedReceiver<J>,
    idle: Duration,
    mut forget: impl FnMut(),
) -> Option<J> {
    loop {
        match tokio::time::timeout(idle, queue.recv()).await {
            Ok(job) => return job,
            Err(_) => {
                forget();
                queue.close();
            }
        }
    }
}

/// The requests of the next group: the first, all that are waiting (up to `max`), and, while
/// the group is smaller than the last one, those arriving within [`LINGER`] of each other (at
/// most [`MAX_LINGER`] in all). Under a storm the answers of one group come back as the next
/// group's requests a little apart; without waiting for them, a group of one would go ahead of
/// a group of all the others, and every request would pay two commits. A quiet writer (last
/// group of one) never waits.
pub(crate) async fn gather<J>(
    queue: &mut mpsc::UnboundedReceiver<J>,
    first: J,
    last: usize,
    max: usize,
) -> Vec<J> {
    let mut jobs = vec![first];
    let until = tokio::time::Instant::now() + MAX_LINGER;
    loop {
        while jobs.len() < max {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let left = until.saturating_duration_since(tokio::time::Instant::now());
        if jobs.len() >= last.min(max) || left.is_zero() {
            return jobs;
        }
        match tokio::time::timeout(LINGER.min(left), queue.recv()).await {
            Ok(Some(job)) => jobs.push(job),
            _ => return jobs,
        }
    }
}

/// The requests of the next group for a writer whose callers can wait a little (payment
/// callbacks): the first and all that arrive within `window` of it, up to `max`. Fewer, larger
/// groups leave more of the database to the writers whose callers are people.
pub(crate) async fn gather_within<J>(
    queue: &mut mpsc::UnboundedReceiver<J>,
    first: J,
    max: usize,
    window: Duration,
) -> Vec<J> {
    let mut jobs = vec![first];
    let until = tokio::time::Instant::now() + window;
    while jobs.len() < max {
        match tokio::time::timeout_at(until, queue.recv()).await {
            Ok(Some(job)) => jobs.push(job),
            _ => break,
        }
    }
    jobs
}

/// Sends `job` to the writer of `key` and waits for its answer on `answer`. `writer` gives
/// the running writer or starts one (the caller has checked that `key` names something that
/// exists); a writer found ended (idle) is forgotten and one new one is started. `what` names
/// the writer in errors ("the auction's sequencer").
pub(crate) async fn submit<J, T>(
    registry: &Registry<J>,
    key: &str,
    mut job: J,
    answer: oneshot::Receiver<Result<T, AppError>>,
    mut writer: impl FnMut() -> (u64, mpsc::UnboundedSender<J>),
    what: &str,
) -> Result<T, AppError> {
    for _ in 0..2 {
        let (id, sender) = writer();
        match sender.send(job) {
            Ok(()) => {
                return answer.await.map_err(|_| AppError::Internal {
                    message: format!("{what} stopped"),
                })?
            }
            // The task ended (idle, or its services were dropped); start a new one once.
            Err(mpsc::error::SendError(back)) => {
                job = back;
                registry.forget(key, id);
            }
        }
    }
    Err(AppError::Internal {
        message: format!("{what} is not available"),
    })
}
