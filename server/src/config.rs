//! Settings, read from the environment with defaults (documented in the README).
//!
//! Secure by default: the binary alone seeds no demo and runs no payment sandbox, and on any
//! address but loopback it refuses to start while a default secret or the demo password is in
//! effect ([`Settings::check_public`]). Secrets come from the environment or from files
//! (`NAME_FILE`, as container secrets are mounted) and never reach a log: [`Secret`]'s
//! `Debug` prints nothing of them.

use std::net::SocketAddr;

/// The demo accounts' password when `C2M_DEMO_PASSWORD` is not set (local use only).
pub const DEMO_PASSWORD: &str = "c2m-demo-2026";
/// The payment sandbox's signing secret when `C2M_PAYMENT_SECRET` is not set (local use only:
/// it is public, so anyone could sign a callback with it).
pub const SANDBOX_SECRET: &str = "c2m-sandbox-secret";
/// The shortest payment secret accepted on a public address.
pub const MIN_SECRET_LEN: usize = 32;

/// A secret setting: compared and used, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where to listen: `C2M_ADDR`, else cargo-leptos' `LEPTOS_SITE_ADDR`, else 127.0.0.1:3000.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://data/c2m.db`) or `postgres://…`.
    pub database_url: String,
    /// `C2M_LOG` (or `RUST_LOG`): a tracing filter, default `info`.
    pub log: String,
    /// `C2M_SEED_DEMO`: seed the demo car line, campaign, auction and one account per role
    /// into an empty database (default off; `make run` turns it on).
    pub seed_demo: bool,
    /// `C2M_DEMO_PASSWORD` (or `C2M_DEMO_PASSWORD_FILE`): the demo accounts' password (default
    /// `c2m-demo-2026`, refused on a public address).
    pub demo_password: Secret,
    /// `C2M_SECURE_COOKIES`: mark cookies `Secure`; default on unless listening on loopback.
    pub secure_cookies: bool,
    /// `C2M_PAYMENT_SANDBOX`: run the payment sandbox, the provider that confirms every
    /// payment without moving money (default off; `make run` and the tests turn it on).
    pub payment_sandbox: bool,
    /// `C2M_PAYMENT_SECRET` (or `C2M_PAYMENT_SECRET_FILE`): the payment provider's callback
    /// signing secret (default: the public sandbox secret, refused on a public address).
    pub payment_secret: Secret,
    /// `C2M_SANDBOX_DELAY_MS`: how long the sandbox takes to confirm a payment (default 300).
    pub sandbox_delay_ms: u64,
    /// `C2M_DEADLINE_CHECK_MS`: how often demand-threshold deadlines are looked for
    /// (default 30000).
    pub deadline_check_ms: u64,
    /// Reservations of generated demand for a freshly seeded demo (`C2M_DEMO_DEMAND`, default
    /// 0; `make run` asks for 20,000), so the OEM dashboard has something to show.
    pub demo_demand: u64,
    /// `C2M_STREAMS_PER_CLIENT`: live auction streams one client address may follow at once
    /// (default 8). Behind a proxy that does not name the client every client has the proxy's
    /// address: raise it there.
    pub streams_per_client: Option<usize>,
    /// `C2M_STREAMS_TOTAL`: live auction streams the process serves at once (default 10000).
    pub streams_total: Option<usize>,
    /// `C2M_REGISTRATIONS_PER_HOUR`: accounts one client address may register per hour
    /// (default 20).
    pub registrations_per_hour: Option<u32>,
    /// `C2M_TEST_COMMIT_HOLD_MS`: a test aid, only with the payment sandbox: each reservation
    /// group's transaction is held open this long before it commits, so that the crash test
    /// can kill the server in the middle of a group commit (default 0: not held).
    pub commit_hold_ms: u64,
    /// `C2M_TRUSTED_PROXIES` (addresses or blocks, comma-separated: `10.0.0.0/8, ::1`) and
    /// `C2M_ALLOWED_ORIGINS` (`https://shop.example.com`, comma-separated).
    pub web: crate::security::WebPolicy,
}

impl Settings {
    /// Reads the settings; a malformed value is an error that names the variable.
    pub fn from_env() -> Result<Settings, String> {
        Settings::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Settings::from_env`] over any source of variables (tests pass a map).
    pub fn from_vars(source: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
        let var = |name: &str| source(name).filter(|v| !v.trim().is_empty());
        // A secret from `NAME`, or from the file `NAME_FILE` names (trailing newline dropped).
        let secret = |name: &str| -> Result<Option<Secret>, String> {
            let file_var = format!("{name}_FILE");
            match (var(name), var(&file_var)) {
                (Some(_), Some(_)) => Err(format!("set {name} or {file_var}, not both")),
                (Some(value), None) => Ok(Some(Secret(value))),
                (None, Some(path)) => std::fs::read_to_string(&path)
                    .map(|text| Some(Secret(text.trim_end_matches(['\r', '\n']).to_string())))
                    .map_err(|e| format!("{file_var}: cannot read `{path}`: {e}")),
                (None, None) => Ok(None),
            }
        };
        let addr_text = var("C2M_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text
            .parse()
            .map_err(|e| format!("C2M_ADDR `{addr_text}` is not an address: {e}"))?;
        let flag = |name: &str, default: bool| match var(name).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(format!("{name} `{other}` is not on/off")),
        };
        let addr: SocketAddr = addr;
        let seed_demo = flag("C2M_SEED_DEMO", false)?;
        let payment_sandbox = flag("C2M_PAYMENT_SANDBOX", false)?;
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
        let commit_hold_ms = match var("C2M_TEST_COMMIT_HOLD_MS") {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|e| format!("C2M_TEST_COMMIT_HOLD_MS `{v}` is not a number: {e}"))?,
        };
        if commit_hold_ms > 0 && !payment_sandbox {
            return Err(
                "C2M_TEST_COMMIT_HOLD_MS is a test aid: it needs C2M_PAYMENT_SANDBOX=on".into(),
            );
        }
        let demo_demand = match var("C2M_DEMO_DEMAND") {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|e| format!("C2M_DEMO_DEMAND `{v}` is not a number: {e}"))?,
        };
        let positive = |name: &str| match var(name) {
            None => Ok(None),
            Some(v) => match v.parse() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!("{name} `{v}` is not a positive number")),
            },
        };
        let list = |name: &str| -> Vec<String> {
            var(name)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let trusted_proxies = list("C2M_TRUSTED_PROXIES")
            .iter()
            .map(|item| item.parse())
            .collect::<Result<Vec<_>, String>>()
            .map_err(|e| format!("C2M_TRUSTED_PROXIES: {e}"))?;
        let allowed_origins = list("C2M_ALLOWED_ORIGINS")
            .into_iter()
            .map(|origin| {
                let origin = origin.trim_end_matches('/').to_ascii_lowercase();
                let host = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"))
                    .filter(|host| !host.is_empty() && !host.contains('/'));
                match host {
                    Some(_) => Ok(origin),
                    None => Err(format!(
                        "C2M_ALLOWED_ORIGINS: `{origin}` is not an origin like https://shop.example.com"
                    )),
                }
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Settings {
            registrations_per_hour: positive("C2M_REGISTRATIONS_PER_HOUR")?
                .map(|n: usize| u32::try_from(n).unwrap_or(u32::MAX)),
            web: crate::security::WebPolicy {
                trusted_proxies,
                allowed_origins,
            },
            deadline_check_ms,
            demo_demand,
            commit_hold_ms,
            streams_per_client: positive("C2M_STREAMS_PER_CLIENT")?,
            streams_total: positive("C2M_STREAMS_TOTAL")?,
            demo_password: secret("C2M_DEMO_PASSWORD")?
                .unwrap_or_else(|| Secret(DEMO_PASSWORD.into())),
            secure_cookies,
            payment_sandbox,
            payment_secret: secret("C2M_PAYMENT_SECRET")?
                .unwrap_or_else(|| Secret(SANDBOX_SECRET.into())),
            sandbox_delay_ms,
            addr,
            database_url: match secret("DATABASE_URL")? {
                Some(url) => url.0,
                None => "sqlite://data/c2m.db".into(),
            },
            log: var("C2M_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info".into()),
            seed_demo,
        })
    }

    /// Refuses what must not run in public: on any address but loopback, a default secret or
    /// the demo password in effect is an error naming the setting to change. Serving also
    /// needs a payment provider: the sandbox is the only one shipped, and it runs only when
    /// `C2M_PAYMENT_SANDBOX` says so.
    pub fn check_serve(&self) -> Result<(), String> {
        if !self.payment_sandbox {
            return Err(
                "no payment provider: set C2M_PAYMENT_SANDBOX=on to run the sandbox \
                 (it confirms payments without moving money; the only provider shipped)"
                    .into(),
            );
        }
        if self.addr.ip().is_loopback() {
            return Ok(());
        }
        let public = format!("listening on {}, which is not loopback", self.addr);
        if self.payment_secret.expose() == SANDBOX_SECRET {
            return Err(format!(
                "{public}: set C2M_PAYMENT_SECRET or C2M_PAYMENT_SECRET_FILE (the default \
                 payment secret is public)"
            ));
        }
        if self.payment_secret.expose().len() < MIN_SECRET_LEN {
            return Err(format!(
                "{public}: C2M_PAYMENT_SECRET must be at least {MIN_SECRET_LEN} characters"
            ));
        }
        if self.seed_demo && self.demo_password.expose() == DEMO_PASSWORD {
            return Err(format!(
                "{public}: the demo accounts would open with the published password; turn \
                 C2M_SEED_DEMO off, or set C2M_DEMO_PASSWORD or C2M_DEMO_PASSWORD_FILE"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    const STRONG: &str = "0123456789abcdef0123456789abcdef-strong";

    #[test]
    fn the_binary_alone_seeds_nothing_and_runs_no_sandbox() {
        let s = settings(&[]).unwrap();
        assert!(!s.seed_demo);
        assert!(!s.payment_sandbox);
        let refusal = s.check_serve().unwrap_err();
        assert!(refusal.contains("C2M_PAYMENT_SANDBOX"), "{refusal}");
    }

    #[test]
    fn the_commit_hold_is_a_test_aid_only_with_the_sandbox() {
        let refusal = settings(&[("C2M_TEST_COMMIT_HOLD_MS", "300")])
            .expect_err("refused without the sandbox");
        assert!(refusal.contains("C2M_PAYMENT_SANDBOX"), "{refusal}");
        let s = settings(&[
            ("C2M_TEST_COMMIT_HOLD_MS", "300"),
            ("C2M_PAYMENT_SANDBOX", "on"),
        ])
        .unwrap();
        assert_eq!(s.commit_hold_ms, 300);
        assert_eq!(settings(&[]).unwrap().commit_hold_ms, 0);
    }

    #[test]
    fn loopback_may_use_the_sandbox_defaults() {
        let s = settings(&[("C2M_PAYMENT_SANDBOX", "on"), ("C2M_SEED_DEMO", "on")]).unwrap();
        assert!(s.check_serve().is_ok());
    }

    #[test]
    fn public_addresses_refuse_default_secrets_naming_the_setting() {
        let public = [("C2M_ADDR", "0.0.0.0:3000"), ("C2M_PAYMENT_SANDBOX", "on")];
        let refusal = settings(&public).unwrap().check_serve().unwrap_err();
        assert!(refusal.contains("C2M_PAYMENT_SECRET"), "{refusal}");

        let short = [public[0], public[1], ("C2M_PAYMENT_SECRET", "short")];
        let refusal = settings(&short).unwrap().check_serve().unwrap_err();
        assert!(refusal.contains("at least 32"), "{refusal}");

        let demo = [
            public[0],
            public[1],
            ("C2M_PAYMENT_SECRET", STRONG),
            ("C2M_SEED_DEMO", "on"),
        ];
        let refusal = settings(&demo).unwrap().check_serve().unwrap_err();
        assert!(refusal.contains("C2M_DEMO_PASSWORD"), "{refusal}");

        let ok = [public[0], public[1], ("C2M_PAYMENT_SECRET", STRONG)];
        assert!(settings(&ok).unwrap().check_serve().is_ok());
        // Cookies are Secure on a public address unless said otherwise.
        assert!(settings(&ok).unwrap().secure_cookies);
    }

    #[test]
    fn proxies_and_origins_are_parsed_or_named_when_wrong() {
        let s = settings(&[
            ("C2M_TRUSTED_PROXIES", "10.0.0.0/8, ::1"),
            (
                "C2M_ALLOWED_ORIGINS",
                "https://Shop.example.com/, http://localhost:8080",
            ),
        ])
        .unwrap();
        assert_eq!(s.web.trusted_proxies.len(), 2);
        assert_eq!(
            s.web.allowed_origins,
            ["https://shop.example.com", "http://localhost:8080"]
        );
        let wrong = settings(&[("C2M_TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err();
        assert!(wrong.contains("C2M_TRUSTED_PROXIES"), "{wrong}");
        let wrong = settings(&[("C2M_ALLOWED_ORIGINS", "shop.example.com")]).unwrap_err();
        assert!(wrong.contains("C2M_ALLOWED_ORIGINS"), "{wrong}");
        assert!(settings(&[]).unwrap().web.trusted_proxies.is_empty());
    }

    #[test]
    fn secrets_come_from_files_and_never_print() {
        let path = std::env::temp_dir().join(format!("c2m-secret-{}", std::process::id()));
        std::fs::write(&path, format!("{STRONG}\n")).unwrap();
        let s = settings(&[("C2M_PAYMENT_SECRET_FILE", path.to_str().unwrap())]).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(s.payment_secret.expose(), STRONG);
        let printed = format!("{s:?}");
        assert!(!printed.contains(STRONG), "{printed}");
        assert!(!printed.contains(DEMO_PASSWORD), "{printed}");

        let both = settings(&[
            ("C2M_PAYMENT_SECRET", STRONG),
            ("C2M_PAYMENT_SECRET_FILE", "/nonexistent"),
        ]);
        assert!(both.unwrap_err().contains("not both"));
        let missing = settings(&[("C2M_PAYMENT_SECRET_FILE", "/nonexistent/secret")]);
        assert!(missing.unwrap_err().contains("C2M_PAYMENT_SECRET_FILE"));
    }
}
