//! Logging: tracing to stderr, filtered by `C2M_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a bad filter falls back to `info` with a warning.
pub fn init(filter: &str) {
    let (filter, bad) = match EnvFilter::try_new(filter) {
        Ok(f) => (f, None),
        Err(e) => (EnvFilter::new("info"), Some(e)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
    if let Some(error) = bad {
        tracing::warn!(%error, "C2M_LOG is not a valid filter; using `info`");
    }
}
