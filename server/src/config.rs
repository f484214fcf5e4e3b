//! Settings, read from the environment with defaults (documented in the README).

use std::net::SocketAddr;

/// The demo accounts' password when `C2M_DEMO_PASSWORD` is not set (local use only).
pub const DEMO_PASSWORD: &str = "c2m-demo-2026";

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
    /// `C2M_DEMO_PASSWORD`: the demo accounts' password (default `c2m-demo-2026`, local use only).
    pub demo_password: String,
    /// `C2M_SECURE_COOKIES`: mark cookies `Secure`; default on unless listening on loopback.
    pub secure_cookies: bool,
    /// `C2M_PAYMENT_SECRET`: the payment sandbox's callback signing secret.
    pub payment_secret: String,
    /// `C2M_SANDBOX_DELAY_MS`: how long the sandbox takes to confirm a payment (default 300).
    pub sandbox_delay_ms: u64,
    /// `C2M_DEADLINE_CHECK_MS`: how often demand-threshold deadlines are looked for
    /// (default 30000).
    pub deadline_check_ms: u64,
    /// Reservations of generated demand for a freshly seeded demo (`C2M_DEMO_DEMAND`, default
    /// 0; `make run` asks for 20,000), so the OEM dashboard has something to show.
    pub demo_demand: u64,
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
        let flag = |name: &str, default: bool| match var(name).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(format!("{name} `{other}` is not on/off")),
        };
        let addr: SocketAddr = addr;
        let secure_cookies = flag("C2M_SECURE_COOKIES", !addr.ip().is_loopback())?;
        let sandbox_delay_ms = match var("C2M_SANDBOX_DELAY_MS") {
            None => 300,
            Some(v) => v
                .parse()
                .map_err(|e| format!("C2M_SANDBOX_DELAY_MS `{v}` is not a number: {e}"))?,
        };
        let deadline_check_ms = match var("C2M_DEADLINE_CHECK_MS") {
            None => 30_000,
            Some(v) => match v.parse() {
                Ok(ms) if ms > 0 => ms,
                _ => {
                    return Err(format!(
                        "C2M_DEADLINE_CHECK_MS `{v}` is not a positive number"
                    ))
                }
            },
        };
        let demo_demand = match var("C2M_DEMO_DEMAND") {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|e| format!("C2M_DEMO_DEMAND `{v}` is not a number: {e}"))?,
        };
        Ok(Settings {
            deadline_check_ms,
            demo_demand,
            demo_password: var("C2M_DEMO_PASSWORD").unwrap_or_else(|| DEMO_PASSWORD.into()),
            secure_cookies,
            payment_secret: var("C2M_PAYMENT_SECRET")
                .unwrap_or_else(|| "c2m-sandbox-secret".into()),
            sandbox_delay_ms,
            addr,
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/c2m.db".into()),
            log: var("C2M_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info".into()),
            seed_demo,
        })
    }
}
