//! Login attempt limits: at most [`MAX_FAILURES`] failed attempts per key (an account's login,
//! a client address) in a sliding window. Kept in memory: a restart forgets, which is
//! acceptable for throttling guessers; several server processes would each keep their own.

use std::collections::HashMap;
use std::sync::Mutex;

use models::error::AppError;

/// Failures allowed per key within the window.
pub const MAX_FAILURES: usize = 5;
/// Failures allowed per client address (many accounts behind one address) within the window.
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The window, in milliseconds.
pub const WINDOW_MS: i64 = 15 * 60_000;

/// Failure times by key.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl LoginLimiter {
    fn limit(key: &str) -> usize {
        if key.starts_with("addr:") {
            MAX_FAILURES_PER_ADDRESS
        } else {
            MAX_FAILURES
        }
    }

    /// Refuses when any key is at its limit, saying when the oldest failure expires.
    pub fn check(&self, keys: &[&str], now: i64) -> Result<(), AppError> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if let Some(times) = map.get_mut(*key) {
                times.retain(|&t| t > now - WINDOW_MS);
                if times.len() >= Self::limit(key) {
                    let oldest = times.first().copied().unwrap_or(now);
                    let wait_ms = (oldest + WINDOW_MS - now).max(1000);
                    return Err(AppError::RateLimited {
                        retry_after_secs: (wait_ms as u64).div_ceil(1000),
                    });
                }
            }
        }
        Ok(())
    }

    /// Counts a failed attempt against every key.
    pub fn record_failure(&self, keys: &[&str], now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound the memory a flood of distinct keys can take.
        if map.len() > 100_000 {
            map.retain(|_, times| times.iter().any(|&t| t > now - WINDOW_MS));
        }
        for key in keys {
            map.entry((*key).to_string()).or_default().push(now);
        }
    }

    /// Forgets an account's failures after a successful login.
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_and_window() {
        let limiter = LoginLimiter::default();
        for i in 0..MAX_FAILURES {
            assert!(limiter.check(&["login:a", "addr:x"], i as i64).is_ok());
            limiter.record_failure(&["login:a", "addr:x"], i as i64);
        }
        let refused = limiter.check(&["login:a", "addr:x"], 10);
        assert!(matches!(refused, Err(AppError::RateLimited { .. })));
        // Another account from the same address still gets in...
        assert!(limiter.check(&["login:b", "addr:x"], 10).is_ok());
        // ...and the first one once the window has passed.
        assert!(limiter.check(&["login:a"], WINDOW_MS + 10).is_ok());
    }
}
