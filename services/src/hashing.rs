//! Password hashing within bounds. An Argon2 hash takes a core and 19 MiB for tens of
//! milliseconds: unbounded, a storm of registrations or logins takes the memory of the whole
//! machine (300 at once took 5.8 GiB). At most `permits` hashes (one per core by default) run
//! at once; a short queue (four per permit by default) waits for them; beyond it a request is
//! refused at once with [`AppError::Busy`] (503 and `Retry-After`), having done nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{Semaphore, TryAcquireError};

use models::error::AppError;

/// The wait a refusal suggests: the queue drains in well under a second.
const RETRY_AFTER_SECS: u64 = 1;

/// The hashing limit of one process.
pub(crate) struct Hashing {
    permits: Arc<Semaphore>,
    /// Requests waiting for a permit.
    waiting: AtomicUsize,
    /// The most requests that may wait.
    queue: usize,
    /// Hashes running now, the most that ever ran at once, and how many ran (for tests).
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
}

/// Counts a request as waiting while it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a hash as running while it lives.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hashing {
    /// `permits` hashes at once (`None`: one per core) and `queue` waiting (`None`: four per
    /// permit).
    pub(crate) fn new(permits: Option<usize>, queue: Option<usize>) -> Hashing {
        let permits = permits.filter(|p| *p > 0).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        Hashing {
            permits: Arc::new(Semaphore::new(permits)),
            waiting: AtomicUsize::new(0),
            queue: queue.unwrap_or(4 * permits),
            running: Arc::default(),
            peak: Arc::default(),
            done: Arc::default(),
        }
    }

    /// Runs `work` (a hash or a verification) on a blocking thread once a permit is free, or
    /// refuses at once when the queue is full. The permit is held until `work` ends, even when
    /// the request is abandoned meanwhile.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let stopped = || AppError::Internal {
            message: "password hashing stopped".into(),
        };
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Err(stopped()),
            Err(TryAcquireError::NoPermits) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(AppError::Busy {
                        retry_after_secs: RETRY_AFTER_SECS,
                    });
                }
                let _waiting = Waiting(&self.waiting);
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| stopped())?
            }
        };
        let (running, peak, done) = (self.running.clone(), self.peak.clone(), self.done.clone());
        tokio::task::spawn_blocking(move || {
            // Declared first, dropped last: the count falls before the permit is released.
            let _permit = permit;
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            let _running = Running(running);
            peak.fetch_max(now, Ordering::SeqCst);
            let result = work();
            done.fetch_add(1, Ordering::SeqCst);
            result
        })
        .await
        .map_err(|_| stopped())
    }

    /// The most hashes that ran at once so far, and how many ran.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (
            self.peak.load(Ordering::SeqCst),
            self.done.load(Ordering::SeqCst),
        )
    }
}
