//! The live feed of each auction: committed log entries, in order, to every watcher of this
//! process. Entries arrive from this process's sequencer right after its commit, and from the
//! other servers through PostgreSQL `LISTEN/NOTIFY` (a notice names the new head; the entries
//! are read from the log). Either way a hub sends each entry once, in `seq` order, filling any
//! gap from the log.
//!
//! Bounded: the log is read a page ([`FEED_PAGE`] entries) at a time, never whole; a stream
//! replays at most [`MAX_BACKLOG`] entries before its live ones (a watcher further behind
//! starts from the snapshot instead); one client address follows at most 8 streams at once and
//! the process serves at most 10,000 (`ServiceOptions::streams_per_client`, `streams_total`);
//! a hub lives while its auction has watchers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::broadcast;

use super::sequencer::NOTIFY_CHANNEL;
use crate::Services;
use models::error::AppError;

/// Entries a slow watcher may fall behind before it re-reads from the log.
const HUB_CAPACITY: usize = 4096;

/// Entries read from the log at a time (backlogs, gaps, watchers that fell behind).
pub const FEED_PAGE: usize = 100;

/// The most entries a new stream replays before its live ones. A watcher further behind, or
/// asking for the whole log, starts from the snapshot instead (the bid history has the rest).
pub const MAX_BACKLOG: i64 = 500;

/// Streams one client address may follow at once, unless configured.
const STREAMS_PER_CLIENT: usize = 8;

/// Streams the process serves at once, unless configured.
const STREAMS_TOTAL: usize = 10_000;

/// The wait a refusal for a full process suggests.
const STREAMS_BUSY_RETRY_SECS: u64 = 5;

/// The hubs of this process, one per watched auction, and the streams it serves.
#[derive(Default)]
pub(crate) struct Feeds {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    hubs: Mutex<HashMap<String, Arc<Hub>>>,
    streams: Mutex<Streams>,
}

/// The streams served, in all and by client address.
#[derive(Default)]
struct Streams {
    total: usize,
    by_client: HashMap<String, usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A stream being served: counted against its client's and the process's caps until it is
/// dropped; the last watcher of an auction to leave removes the auction's hub.
struct Slot {
    shared: Arc<Shared>,
    client: String,
    auction_id: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        {
            let mut streams = lock(&self.shared.streams);
            streams.total = streams.total.saturating_sub(1);
            if let Some(count) = streams.by_client.get_mut(&self.client) {
                *count -= 1;
                if *count == 0 {
                    streams.by_client.remove(&self.client);
                }
            }
        }
        let mut hubs = lock(&self.shared.hubs);
        if hubs
            .get(&self.auction_id)
            .is_some_and(|hub| hub.sender.receiver_count() == 0)
        {
            hubs.remove(&self.auction_id);
        }
    }
}

/// A committed log entry as watchers receive it: its position and its public JSON (a
/// `FeedEntry`), serialized once for every watcher.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LiveEntry {
    /// Position in the log.
    pub seq: i64,
    /// The `FeedEntry` as JSON.
    #[sqlx(rename = "feed")]
    pub json: String,
}

struct Hub {
    sender: broadcast::Sender<Arc<LiveEntry>>,
    /// The last `seq` sent (`None` until known).
    last: tokio::sync::Mutex<Option<i64>>,
}

/// A watcher's subscription: where its backlog starts, and the live entries after it. The
/// stream counts against the caps while the `Watch` lives (it is used whole, never in parts).
pub struct Watch {
    after: i64,
    live: broadcast::Receiver<Arc<LiveEntry>>,
    /// Declared after `live`: the subscription is gone when the slot checks whether the hub
    /// has watchers left.
    _slot: Slot,
}

impl Watch {
    /// The stream goes on after this `seq`: the log's entries after it (read a page at a time
    /// with [`crate::Auctions::feed_page`], up to at least the head at the time of
    /// subscribing) come first, then the live ones.
    pub fn after(&self) -> i64 {
        self.after
    }

    /// The next live entry (may repeat backlog entries: skip `seq` already seen).
    pub async fn recv(&mut self) -> Result<Arc<LiveEntry>, broadcast::error::RecvError> {
        self.live.recv().await
    }
}

impl Feeds {
    /// Counts a new stream of `client`, or refuses it when the client or the process is at
    /// its cap.
    fn take_slot(
        &self,
        auction_id: &str,
        client: &str,
        per_client: usize,
        total: usize,
    ) -> Result<Slot, AppError> {
        let mut streams = lock(&self.shared.streams);
        let of_client = streams.by_client.get(client).copied().unwrap_or(0);
        if of_client >= per_client {
            return Err(AppError::TooManyStreams {
                limit: per_client as u64,
            });
        }
        if streams.total >= total {
            return Err(AppError::Busy {
                retry_after_secs: STREAMS_BUSY_RETRY_SECS,
            });
        }
        streams.total += 1;
        streams.by_client.insert(client.to_string(), of_client + 1);
        Ok(Slot {
            shared: self.shared.clone(),
            client: client.to_string(),
            auction_id: auction_id.to_string(),
        })
    }

    /// The auction's hub (created if needed) and a subscription to it, taken under the lock
    /// that removes hubs without watchers.
    fn subscribe(&self, auction_id: &str) -> (Arc<Hub>, broadcast::Receiver<Arc<LiveEntry>>) {
        let mut hubs = lock(&self.shared.hubs);
        let hub = hubs
            .entry(auction_id.to_string())
            .or_insert_with(|| {
                Arc::new(Hub {
                    sender: broadcast::channel(HUB_CAPACITY).0,
                    last: tokio::sync::Mutex::new(None),
                })
            })
            .clone();
        let live = hub.sender.subscribe();
        (hub, live)
    }

    fn existing(&self, auction_id: &str) -> Option<Arc<Hub>> {
        lock(&self.shared.hubs).get(auction_id).cloned()
    }

    /// The auctions with watchers.
    fn watched(&self) -> Vec<String> {
        lock(&self.shared.hubs).keys().cloned().collect()
    }
}

/// Where a stream that starts with the auction as of `snapshot` goes on: after the `seq` the
/// watcher saw last, unless it is more than [`MAX_BACKLOG`] behind (then, as without one,
/// after the snapshot).
fn resume_after(resume: Option<i64>, snapshot: i64) -> i64 {
    match resume.map(|seen| seen.clamp(0, snapshot)) {
        Some(seen) if snapshot - seen <= MAX_BACKLOG => seen,
        _ => snapshot,
    }
}

impl crate::Auctions<'_> {
    /// Subscribes `client` to an auction's feed for a stream that starts with the auction as
    /// of log position `snapshot` (its `version`); the stream goes on after `resume` (the last
    /// `seq` the watcher saw) when that is at most [`MAX_BACKLOG`] behind, else after the
    /// snapshot. Refused when the client follows too many streams (429) or the process serves
    /// as many as it may (503).
    pub async fn watch_auction(
        self,
        auction_id: &str,
        resume: Option<i64>,
        snapshot: i64,
        client: &str,
    ) -> Result<Watch, AppError> {
        let options = self.options();
        let slot = self.auction_runtime.feeds.take_slot(
            auction_id,
            client,
            options.streams_per_client.unwrap_or(STREAMS_PER_CLIENT),
            options.streams_total.unwrap_or(STREAMS_TOTAL),
        )?;
        let (hub, live) = self.auction_runtime.feeds.subscribe(auction_id);
        {
            // A new hub starts at the current head: later entries are sent live.
            let mut last = hub.last.lock().await;
            if last.is_none() {
                *last = Some(self.auction_version(auction_id).await?);
            }
        }
        Ok(Watch {
            after: resume_after(resume, snapshot),
            live,
            _slot: slot,
        })
    }

    /// Up to `limit` (at most 1000) of the log's public entries after `after`, oldest first.
    pub async fn feed_page(
        self,
        auction_id: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<LiveEntry>, AppError> {
        Ok(sqlx::query_as::<_, LiveEntry>(
            "SELECT seq, feed FROM auction_log WHERE auction_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(auction_id)
        .bind(after)
        .bind(limit.clamp(1, 1000) as i64)
        .fetch_all(&self.db)
        .await?)
    }

    /// How many live streams this process serves, and for how many auctions (for tests).
    #[doc(hidden)]
    pub fn live_streams(self) -> (usize, usize) {
        let feeds = &self.auction_runtime.feeds;
        let total = lock(&feeds.shared.streams).total;
        (total, lock(&feeds.shared.hubs).len())
    }

    /// Sends the log's entries after the hub's last up to `until` (excluded; `None`: to the
    /// end) to the hub's watchers, a page at a time.
    async fn send_from_log(
        self,
        auction_id: &str,
        hub: &Hub,
        last: &mut Option<i64>,
        until: Option<i64>,
    ) -> Result<(), AppError> {
        loop {
            let Some(from) = *last else {
                return Ok(());
            };
            let page = self.feed_page(auction_id, from, FEED_PAGE).await?;
            let full = page.len() == FEED_PAGE;
            for entry in page {
                if until.is_some_and(|until| entry.seq >= until) {
                    return Ok(());
                }
                *last = Some(entry.seq);
                let _ = hub.sender.send(Arc::new(entry));
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn auction_version(self, auction_id: &str) -> Result<i64, AppError> {
        sqlx::query_scalar("SELECT version FROM auctions WHERE id = $1")
            .bind(auction_id)
            .fetch_optional(&self.db)
            .await?
            .ok_or_else(|| AppError::not_found("auction"))
    }

    /// Sends entries this process committed (in order) to its watchers.
    pub(crate) async fn publish(self, auction_id: &str, entries: Vec<LiveEntry>) {
        let Some(hub) = self.auction_runtime.feeds.existing(auction_id) else {
            return;
        };
        let mut last = hub.last.lock().await;
        for entry in entries {
            self.send_in_order(auction_id, &hub, &mut last, entry).await;
        }
    }

    /// A notice from another server: the log's head is now `head`.
    async fn caught_up_to(self, auction_id: &str, head: i64) {
        let Some(hub) = self.auction_runtime.feeds.existing(auction_id) else {
            return;
        };
        let mut last = hub.last.lock().await;
        let Some(from) = *last else {
            return;
        };
        if head <= from {
            return;
        }
        if let Err(error) = self.send_from_log(auction_id, &hub, &mut last, None).await {
            tracing::warn!(%error, "reading the auction log for watchers failed");
        }
    }

    async fn send_in_order(
        self,
        auction_id: &str,
        hub: &Hub,
        last: &mut Option<i64>,
        entry: LiveEntry,
    ) {
        let Some(sent) = *last else {
            return;
        };
        if entry.seq <= sent {
            return;
        }
        if entry.seq > sent + 1 {
            // Entries from another server not yet notified: read them first.
            let missing = self
                .send_from_log(auction_id, hub, last, Some(entry.seq))
                .await;
            if let Err(error) = missing {
                tracing::warn!(%error, "reading the auction log for watchers failed");
            }
        }
        if last.is_some_and(|l| entry.seq == l + 1) {
            *last = Some(entry.seq);
            let _ = hub.sender.send(Arc::new(entry));
        }
    }

    /// On PostgreSQL: listens for other servers' log entries and forwards them to this
    /// process's watchers; reconnects (and re-reads every watched auction) after a failure.
    pub(crate) fn start_auction_listener(self) {
        if self.backend != crate::Backend::Postgres {
            return;
        }
        let services: Weak<Services> = Arc::downgrade(self.0);
        let url = self.database_url.clone();
        tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect(&url).await {
                    Ok(mut listener) => {
                        if let Err(error) = listener.listen(NOTIFY_CHANNEL).await {
                            tracing::warn!(%error, "LISTEN failed");
                        } else {
                            loop {
                                let notification = match listener.recv().await {
                                    Ok(n) => n,
                                    Err(error) => {
                                        tracing::warn!(%error, "auction notifications lost");
                                        break;
                                    }
                                };
                                let Some(services) = services.upgrade() else {
                                    return;
                                };
                                if let Some((id, head)) = notification.payload().rsplit_once(':') {
                                    if let Ok(head) = head.parse() {
                                        services.auctions().caught_up_to(id, head).await;
                                    }
                                }
                            }
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot LISTEN for auction entries"),
                }
                let Some(services) = services.upgrade() else {
                    return;
                };
                // Whatever was missed while disconnected is in the log.
                for id in services.auction_runtime.feeds.watched() {
                    match services.auctions().auction_version(&id).await {
                        Ok(head) => services.auctions().caught_up_to(&id, head).await,
                        Err(error) => tracing::warn!(%error, auction = %id, "catching up failed"),
                    }
                }
                drop(services);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}
