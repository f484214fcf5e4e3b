//! The live feed of each auction: committed log entries, in order, to every watcher of this
//! process. Entries arrive from this process's sequencer right after its commit, and from the
//! other servers through PostgreSQL `LISTEN/NOTIFY` (a notice names the new head; the entries
//! are read from the log). Either way a hub sends each entry once, in `seq` order, filling any
//! gap from the log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::broadcast;

use super::sequencer::NOTIFY_CHANNEL;
use crate::Services;
use models::error::AppError;

/// Entries a slow watcher may fall behind before it re-reads from the log.
const HUB_CAPACITY: usize = 4096;

/// The hubs of this process, one per watched auction.
#[derive(Default)]
pub(crate) struct Feeds {
    hubs: Mutex<HashMap<String, Arc<Hub>>>,
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

/// A watcher's subscription: live entries after the backlog.
pub struct Watch {
    /// Entries after the position the watcher asked for, up to at least the head at the
    /// time of subscribing.
    pub backlog: Vec<LiveEntry>,
    /// Live entries (may repeat backlog entries: skip `seq` already seen).
    pub live: broadcast::Receiver<Arc<LiveEntry>>,
}

impl Feeds {
    fn hub(&self, auction_id: &str) -> Arc<Hub> {
        let mut hubs = self.hubs.lock().unwrap_or_else(|e| e.into_inner());
        hubs.entry(auction_id.to_string())
            .or_insert_with(|| {
                Arc::new(Hub {
                    sender: broadcast::channel(HUB_CAPACITY).0,
                    last: tokio::sync::Mutex::new(None),
                })
            })
            .clone()
    }

    fn existing(&self, auction_id: &str) -> Option<Arc<Hub>> {
        let hubs = self.hubs.lock().unwrap_or_else(|e| e.into_inner());
        hubs.get(auction_id).cloned()
    }
}

impl crate::Auctions<'_> {
    /// Subscribes to an auction's feed; the backlog holds the entries after `after`.
    pub async fn watch_auction(self, auction_id: &str, after: i64) -> Result<Watch, AppError> {
        let hub = self.auction_runtime.feeds.hub(auction_id);
        {
            // A new hub starts at the current head: later entries are sent live.
            let mut last = hub.last.lock().await;
            if last.is_none() {
                *last = Some(self.auction_version(auction_id).await?);
            }
        }
        let live = hub.sender.subscribe();
        let backlog = self.feed_since(auction_id, after).await?;
        Ok(Watch { backlog, live })
    }

    /// The log's public entries after `after`, oldest first (read in pages).
    pub async fn feed_since(
        self,
        auction_id: &str,
        after: i64,
    ) -> Result<Vec<LiveEntry>, AppError> {
        const PAGE: i64 = 5000;
        let mut entries: Vec<LiveEntry> = Vec::new();
        loop {
            let from = entries.last().map_or(after, |e| e.seq);
            let rows: Vec<LiveEntry> = sqlx::query_as(
                "SELECT seq, feed FROM auction_log WHERE auction_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(auction_id)
            .bind(from)
            .bind(PAGE)
            .fetch_all(&self.db)
            .await?;
            let full = rows.len() as i64 == PAGE;
            entries.extend(rows);
            if !full {
                return Ok(entries);
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
        match self.feed_since(auction_id, from).await {
            Ok(entries) => {
                for entry in entries {
                    self.send_in_order(auction_id, &hub, &mut last, entry).await;
                }
            }
            Err(error) => tracing::warn!(%error, "reading the auction log for watchers failed"),
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
            if let Ok(missing) = self.feed_since(auction_id, sent).await {
                for m in missing.into_iter().filter(|m| m.seq < entry.seq) {
                    *last = Some(m.seq);
                    let _ = hub.sender.send(Arc::new(m));
                }
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
                let watched: Vec<String> = {
                    let hubs = services
                        .auction_runtime
                        .feeds
                        .hubs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner());
                    hubs.keys().cloned().collect()
                };
                for id in watched {
                    if let Ok(head) = services.auctions().auction_version(&id).await {
                        services.auctions().caught_up_to(&id, head).await;
                    }
                }
                drop(services);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}
