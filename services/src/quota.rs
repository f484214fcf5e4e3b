//! Quotas: at most so many actions per key (a client address) in a fixed window of time — the
//! registrations one address may make in an hour. A stranger cannot make us hash a password,
//! write a row or open a session per request beyond it.
//!
//! Kept in memory and bounded: a window that ended is forgotten when the map is full (swept at
//! most once a second), and the map holds at most its capacity. When it is full of live
//! windows a new key is admitted without being counted: the quota fails open rather than
//! refuse every newcomer, and the work it guards is bounded on its own (password hashing has
//! its own limit, see [`crate::hashing`]). A restart forgets; several server processes each
//! keep their own.

use std::collections::HashMap;
use std::sync::Mutex;

use models::error::AppError;

/// How many actions a key may take per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Actions per window.
    pub limit: u32,
    /// The window's length in milliseconds.
    pub window_ms: i64,
}

/// Registrations per client address per hour, unless the options say otherwise.
pub const REGISTRATIONS: Quota = Quota {
    limit: 20,
    window_ms: 60 * 60_000,
};

/// The most keys a quota map keeps.
pub const MAX_KEYS: usize = 100_000;

struct State {
    /// Per key: when its window started and how many actions it took in it.
    windows: HashMap<String, (i64, u32)>,
    last_sweep: i64,
}

/// Counts actions per key against one quota.
pub struct Quotas {
    quota: Quota,
    capacity: usize,
    state: Mutex<State>,
}

impl Quotas {
    /// Counts against `quota`, keeping at most `capacity` keys.
    pub fn new(quota: Quota, capacity: usize) -> Quotas {
        Quotas {
            quota,
            capacity: capacity.max(1),
            state: Mutex::new(State {
                windows: HashMap::new(),
                last_sweep: i64::MIN,
            }),
        }
    }

    /// Counts one action of `key` at `now` (UTC ms), or refuses it with the seconds until the
    /// key's window ends.
    pub fn take(&self, key: &str, now: i64) -> Result<(), AppError> {
        let quota = self.quota;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((start, count)) = state.windows.get_mut(key) {
            if now < *start + quota.window_ms {
                if *count >= quota.limit {
                    let wait_ms = *start + quota.window_ms - now;
                    return Err(AppError::TooManyRegistrations {
                        retry_after_secs: u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000),
                    });
                }
                *count += 1;
            } else {
                *start = now;
                *count = 1;
            }
            return Ok(());
        }
        if state.windows.len() >= self.capacity && now.saturating_sub(state.last_sweep) >= 1000 {
            state.last_sweep = now;
            state
                .windows
                .retain(|_, (start, _)| now < *start + quota.window_ms);
        }
        if state.windows.len() < self.capacity {
            state.windows.insert(key.to_string(), (now, 1));
        }
        Ok(())
    }

    /// Gives back an action that did not happen (the registration failed: login taken, bad
    /// input, server busy), so honest mistakes do not use up the quota.
    pub fn give_back(&self, key: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, count)) = state.windows.get_mut(key) {
            *count = count.saturating_sub(1);
        }
    }

    /// How many keys are kept (for the bound's tests).
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .windows
            .len()
    }

    /// Whether no key is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: Quota = Quota {
        limit: 3,
        window_ms: 10_000,
    };

    #[test]
    fn a_key_gets_its_limit_per_window_and_others_are_apart() {
        let quotas = Quotas::new(Q, 10);
        for _ in 0..3 {
            quotas.take("a", 0).unwrap();
        }
        assert!(matches!(
            quotas.take("a", 2_500),
            Err(AppError::TooManyRegistrations {
                retry_after_secs: 8
            })
        ));
        quotas.take("b", 2_500).unwrap();
        // A new window starts once the old one ended.
        quotas.take("a", 10_000).unwrap();
    }

    #[test]
    fn a_failed_action_is_given_back() {
        let quotas = Quotas::new(Q, 10);
        for _ in 0..3 {
            quotas.take("a", 0).unwrap();
        }
        quotas.give_back("a");
        quotas.take("a", 1).unwrap();
        assert!(quotas.take("a", 2).is_err());
    }

    #[test]
    fn the_map_is_bounded_and_sweeps_ended_windows() {
        let quotas = Quotas::new(Q, 100);
        for i in 0..1_000 {
            quotas.take(&format!("k{i}"), 0).unwrap();
        }
        assert_eq!(quotas.len(), 100, "full: newcomers pass uncounted");
        quotas.take("late", 20_000).unwrap();
        assert_eq!(quotas.len(), 1, "ended windows were swept");
    }
}
