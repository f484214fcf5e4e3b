//! Settings, read from the environment with defaults (documented in the README).

use std::net::SocketAddr;

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where to listen: `C2M_ADDR`, else cargo-leptos' `LEPTOS_SITE_ADDR`, else 127.0.0.1:3000.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://data/c2m.db`) or `postgres://…`.
    pub database_url: String,
    /// `C2M_LOG` (or `RUST_LOG`): a tracing filter, default `info`.
    pub log: String,
    /// `C2M_SEED_DEMO`: seed the demo car line and campaign into an empty database (default on).
    pub seed_demo: bool,
}

impl Settings {
    /// Reads the settings; a malformed value is an error that names the variable.
    pub fn from_env() -> Result<Settings, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let addr_text = var("C2M_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text
            .parse()
            .map_err(|e| format!("C2M_ADDR `{addr_text}` is not an address: {e}"))?;
        let seed_demo = match var("C2M_SEED_DEMO").as_deref() {
            None | Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(other) => return Err(format!("C2M_SEED_DEMO `{other}` is not on/off")),
        };
        Ok(Settings {
            addr,
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/c2m.db".into()),
            log: var("C2M_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info".into()),
            seed_demo,
        })
    }
}
