//! Login attempt limits: an exponential backoff per key (an account's login, a client address).
//!
//! A key's first [`FREE_FAILURES`] failures (per address [`FREE_FAILURES_PER_ADDRESS`]) cost
//! nothing; after that each failure doubles the wait before the next attempt is accepted:
//! 1 s, 2 s, 4 s ... at most [`MAX_DELAY_MS`] (5 minutes). Nobody is locked out: the owner's
//! right password works as soon as the wait has passed, and a success clears the account's
//! count. Refused attempts cost nothing and do not lengthen the wait.
//!
//! Checking and counting are one step: an attempt is counted as a failure the moment it is
//! accepted (under one lock, before the password is verified), so guesses sent in parallel are
//! each counted and cannot all pass the check. A success clears the account's count and
//! gives back the address's; an attempt that never got an answer (the server was busy, the
//! database failed) gives its count back.
//!
//! Kept in memory and bounded: a key is forgotten [`FORGET_AFTER_MS`] after its wait ended,
//! and the map holds at most [`MAX_KEYS`] keys. A restart forgets, which is acceptable for
//! throttling guessers; several server processes would each keep their own.

use std::collections::HashMap;
use std::sync::Mutex;

use models::error::AppError;

/// Failures per account without any wait.
pub const FREE_FAILURES: u32 = 5;
/// Failures per client address (many accounts behind one address) without any wait.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// The first wait, in milliseconds; each further failure doubles it.
pub const BASE_DELAY_MS: i64 = 1000;
/// The longest wait between two attempts, in milliseconds.
pub const MAX_DELAY_MS: i64 = 5 * 60_000;
/// A key is forgotten this long after its wait ended (its count starts again from zero).
pub const FORGET_AFTER_MS: i64 = 15 * 60_000;
/// The most keys kept.
pub const MAX_KEYS: usize = 100_000;

/// The failures of one key.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Failed attempts, and attempts being verified (counted as failures until they succeed).
    failures: u32,
    /// When the last attempt was accepted (UTC ms).
    last: i64,
}

impl Entry {
    /// When the next attempt is accepted.
    fn next_allowed(&self, free: u32) -> i64 {
        if self.failures < free {
            return self.last;
        }
        let doublings = (self.failures - free).min(20);
        self.last + (BASE_DELAY_MS << doublings).min(MAX_DELAY_MS)
    }

    fn expired(&self, free: u32, now: i64) -> bool {
        now > self.next_allowed(free) + FORGET_AFTER_MS
    }
}

struct State {
    entries: HashMap<String, Entry>,
    /// When the map was last swept for expired keys (it is swept when full, at most once a
    /// second: a sweep reads every key).
    last_sweep: i64,
}

/// Failure counts by key.
pub struct LoginLimiter {
    state: Mutex<State>,
    capacity: usize,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::with_capacity(MAX_KEYS)
    }
}

/// An accepted attempt, counted as a failure until it is settled. The first key is the
/// account's: a success clears it, and gives the others their count back. Dropped unsettled
/// (no answer was reached), it gives every key its count back.
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    keys: Vec<String>,
    settled: bool,
}

impl Attempt<'_> {
    /// The password was wrong: the failure stays counted.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The password was right: the account's count is cleared, the others' given back.
    pub fn succeeded(mut self) {
        self.settled = true;
        let mut state = self.limiter.lock();
        if let Some((account, others)) = self.keys.split_first() {
            state.entries.remove(account);
            for key in others {
                give_back(&mut state.entries, key);
            }
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let mut state = self.limiter.lock();
        for key in &self.keys {
            give_back(&mut state.entries, key);
        }
    }
}

fn give_back(entries: &mut HashMap<String, Entry>, key: &str) {
    if let Some(entry) = entries.get_mut(key) {
        entry.failures = entry.failures.saturating_sub(1);
        if entry.failures == 0 {
            entries.remove(key);
        }
    }
}

impl LoginLimiter {
    /// A limiter that keeps at most `capacity` keys.
    pub fn with_capacity(capacity: usize) -> LoginLimiter {
        LoginLimiter {
            state: Mutex::new(State {
                entries: HashMap::new(),
                last_sweep: i64::MIN,
            }),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn free(key: &str) -> u32 {
        if key.starts_with("addr:") {
            FREE_FAILURES_PER_ADDRESS
        } else {
            FREE_FAILURES
        }
    }

    /// Accepts an attempt for `keys` (the account's first) and counts it, or refuses it while
    /// any key is waiting, saying how long. One step under one lock: attempts in parallel are
    /// each counted.
    pub fn attempt(&self, keys: &[&str], now: i64) -> Result<Attempt<'_>, AppError> {
        let mut state = self.lock();
        let mut wait_ms = 0;
        let mut new_keys = 0;
        for key in keys {
            let free = Self::free(key);
            match state.entries.get(*key) {
                Some(entry) if !entry.expired(free, now) => {
                    wait_ms = wait_ms.max(entry.next_allowed(free) - now);
                }
                Some(_) => {}
                None => new_keys += 1,
            }
        }
        if wait_ms > 0 {
            return Err(AppError::RateLimited {
                retry_after_secs: (wait_ms as u64).div_ceil(1000),
            });
        }
        if new_keys > 0 && !self.make_room(&mut state, new_keys, now) {
            // Every key kept is waiting out a backoff: an attack on many accounts at once.
            // New keys wait too rather than go uncounted.
            return Err(AppError::RateLimited {
                retry_after_secs: 1,
            });
        }
        for key in keys {
            let free = Self::free(key);
            let entry = state.entries.entry((*key).to_string()).or_insert(Entry {
                failures: 0,
                last: now,
            });
            if entry.expired(free, now) {
                entry.failures = 0;
            }
            entry.failures += 1;
            entry.last = now;
        }
        Ok(Attempt {
            limiter: self,
            keys: keys.iter().map(|k| k.to_string()).collect(),
            settled: false,
        })
    }

    /// Makes room for `needed` new keys: forgets expired keys, then keys that are not
    /// waiting (their count is lost, not their wait). False when every key kept is waiting.
    fn make_room(&self, state: &mut State, needed: usize, now: i64) -> bool {
        if state.entries.len() + needed <= self.capacity {
            return true;
        }
        if now.saturating_sub(state.last_sweep) < 1000 {
            return false;
        }
        state.last_sweep = now;
        state
            .entries
            .retain(|key, entry| !entry.expired(Self::free(key), now));
        if state.entries.len() + needed > self.capacity {
            state
                .entries
                .retain(|key, entry| entry.next_allowed(Self::free(key)) > now);
        }
        state.entries.len() + needed <= self.capacity
    }

    /// How many keys are kept (for tests).
    #[doc(hidden)]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is kept (for tests).
    #[doc(hidden)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&str; 2] = ["login:a", "addr:x"];

    fn wait_secs(result: Result<Attempt<'_>, AppError>) -> u64 {
        match result {
            Err(AppError::RateLimited { retry_after_secs }) => retry_after_secs,
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn backs_off_exponentially_per_key_and_never_locks_out() {
        let limiter = LoginLimiter::default();
        for i in 0..FREE_FAILURES {
            limiter.attempt(&KEYS, i as i64).expect("free").failed();
        }
        // The fifth failure starts the wait: even the right password waits a second.
        assert_eq!(wait_secs(limiter.attempt(&KEYS, 10)), 1);
        // Another account from the same address still gets in...
        limiter
            .attempt(&["login:b", "addr:x"], 10)
            .expect("other account")
            .succeeded();
        // ...and the first one once its second has passed; then the waits double.
        let mut at = 4;
        for expected in [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300] {
            at += expected * 1000;
            assert_eq!(wait_secs(limiter.attempt(&KEYS, at - 1)), 1);
            limiter
                .attempt(&["login:a"], at)
                .expect("after the wait")
                .failed();
        }
        // Refused attempts do not lengthen the wait: the cap is 5 minutes, never 15.
        for t in 0..100 {
            let _ = limiter.attempt(&["login:a"], at + t);
        }
        assert_eq!(wait_secs(limiter.attempt(&["login:a"], at + 100)), 300);
        // The right password after the wait works, and clears the count.
        limiter
            .attempt(&["login:a"], at + MAX_DELAY_MS)
            .expect("the owner")
            .succeeded();
        for i in 0..FREE_FAILURES {
            limiter
                .attempt(&["login:a"], at + MAX_DELAY_MS + 1 + i as i64)
                .expect("cleared")
                .failed();
        }
    }

    #[test]
    fn parallel_attempts_are_each_counted() {
        let limiter = LoginLimiter::default();
        // Five attempts in flight at once (none settled yet): the sixth waits.
        let pending: Vec<_> = (0..FREE_FAILURES)
            .map(|_| limiter.attempt(&KEYS, 0).expect("free"))
            .collect();
        assert_eq!(wait_secs(limiter.attempt(&KEYS, 0)), 1);
        // Attempts that got no answer give their count back.
        drop(pending);
        assert!(limiter.is_empty());
        limiter.attempt(&KEYS, 0).expect("given back").failed();
    }

    #[test]
    fn addresses_have_more_free_failures() {
        let limiter = LoginLimiter::default();
        for i in 0..FREE_FAILURES_PER_ADDRESS {
            limiter
                .attempt(&[&format!("login:{i}"), "addr:x"], 0)
                .expect("free")
                .failed();
        }
        assert_eq!(wait_secs(limiter.attempt(&["login:new", "addr:x"], 0)), 1);
        assert!(limiter.attempt(&["login:new", "addr:y"], 0).is_ok());
    }

    #[test]
    fn keys_expire_and_the_map_is_bounded() {
        let limiter = LoginLimiter::with_capacity(10);
        for i in 0..10 {
            limiter
                .attempt(&[&format!("login:{i}")], 0)
                .unwrap()
                .failed();
        }
        // Full of keys that are not waiting: they make room.
        limiter.attempt(&["login:new"], 1).unwrap().failed();
        assert!(limiter.len() <= 10);
        // Full of keys that are waiting: a new key waits too (a sweep at most once a second).
        let limiter = LoginLimiter::with_capacity(2);
        for key in ["login:a", "login:b"] {
            for _ in 0..FREE_FAILURES {
                limiter.attempt(&[key], 0).unwrap().failed();
            }
        }
        assert_eq!(wait_secs(limiter.attempt(&["login:c"], 500)), 1);
        assert_eq!(limiter.len(), 2);
        // Once the waits have passed and the keys are forgotten, there is room again.
        let later = BASE_DELAY_MS + FORGET_AFTER_MS + 1;
        limiter.attempt(&["login:c"], later).unwrap().failed();
        assert_eq!(limiter.len(), 1);
        // A forgotten key starts again from zero.
        for i in 0..FREE_FAILURES {
            limiter
                .attempt(&["login:a"], later + i as i64)
                .expect("forgotten")
                .failed();
        }
    }
}
