//! The service layer: the one place where rules meet storage. The server functions of the UI
//! and the JSON API are thin doors onto these methods; neither holds a query or a rule.
//!
//! No UI framework and no HTTP here: reading the request (cookies, the client's address) and
//! writing the response belong to the two doors (`app::request` and the server's API).

pub mod accounts;
pub mod auctions;
mod campaign_rules;
mod campaigns;
mod catalogs;
mod configurations;
pub mod db;
pub mod demand;
pub mod demo;
mod group_commit;
mod hashing;
pub mod idempotency;
mod ledger;
pub mod limiter;
mod order_change;
pub mod orders;
pub mod payments;
mod presale;
pub mod quota;
pub mod share_code;
mod thresholds;

use std::ops::Deref;
use std::sync::Arc;

pub use catalogs::CompiledCatalog;
pub use db::{Backend, Db};
pub use demo::{demo_catalog, DEMO_ACCOUNTS, DEMO_CAMPAIGN_ID};
use models::error::AppError;
pub use orders::writer::WriterStats;

/// How the services behave beyond the database: cookies, the payment sandbox, and the bounds
/// that keep a process standing under abuse.
#[derive(Clone, Debug, Default)]
pub struct ServiceOptions {
    /// Mark session cookies `Secure` (everywhere but local development).
    pub secure_cookies: bool,
    /// The payment sandbox's behaviour.
    pub sandbox: payments::SandboxOptions,
    /// How often deadlines (demand thresholds) are looked for; `None`: every 30 seconds.
    pub deadline_check: Option<std::time::Duration>,
    /// How often auction ends and settlement deadlines are looked for; `None`: every second.
    pub auction_check: Option<std::time::Duration>,
    /// Password hashes (and verifications) computed at once; `None`: one per core.
    pub hash_permits: Option<usize>,
    /// Hashing requests that may wait for a permit; more are refused as busy (503). `None`:
    /// four per permit.
    pub hash_queue: Option<usize>,
    /// Live auction streams one client address may follow at once; `None`: 8.
    pub streams_per_client: Option<usize>,
    /// Live auction streams the process serves at once; `None`: 10,000.
    pub streams_total: Option<usize>,
    /// How long an auction's sequencer waits without a request before it ends (it starts
    /// again on demand); `None`: 60 seconds.
    pub sequencer_idle: Option<std::time::Duration>,
    /// How long a charge may stay pending before it expires and gives back what it holds;
    /// `None`: 30 minutes ([`payments::DEFAULT_PAYMENT_DEADLINE`]).
    pub payment_deadline: Option<std::time::Duration>,
    /// Accounts one client address may register per hour; `None`: 20
    /// ([`quota::REGISTRATIONS`]).
    pub registrations_per_hour: Option<u32>,
    /// A test aid: how long each reservation group's transaction is held open, written and not
    /// yet committed, so that a crash test can kill the server mid-commit (never in production).
    pub reservation_commit_hold: Option<std::time::Duration>,
}

/// The services of one server process: a database pool, the compiled catalogs, the login
/// limiter and the payment provider.
pub struct Services {
    db: Db,
    backend: Backend,
    catalog_cache: catalogs::CatalogCache,
    limiter: limiter::LoginLimiter,
    registrations: quota::Quotas,
    hashing: hashing::Hashing,
    payment_provider: payments::Payments,
    auction_runtime: auctions::Runtime,
    demand_counts: demand::CountCache,
    reservation_writers: orders::writer::Writers,
    settlers: orders::settlements::Settlers,
    sqlite_writers: tokio::sync::Mutex<()>,
    terms_cache: orders::TermsCache,
    database_url: String,
    options: ServiceOptions,
}

impl Services {
    /// Connects to `database_url` (SQLite or PostgreSQL) and applies the migrations.
    pub async fn connect(database_url: &str) -> Result<Arc<Services>, AppError> {
        Services::connect_with(database_url, ServiceOptions::default()).await
    }

    /// [`Services::connect`] with options.
    pub async fn connect_with(
        database_url: &str,
        options: ServiceOptions,
    ) -> Result<Arc<Services>, AppError> {
        let (db, backend) = db::connect(database_url).await?;
        Ok(Arc::new(Services {
            db,
            backend,
            catalog_cache: Default::default(),
            limiter: Default::default(),
            registrations: quota::Quotas::new(
                quota::Quota {
                    limit: options
                        .registrations_per_hour
                        .unwrap_or(quota::REGISTRATIONS.limit),
                    ..quota::REGISTRATIONS
                },
                quota::MAX_KEYS,
            ),
            hashing: hashing::Hashing::new(options.hash_permits, options.hash_queue),
            payment_provider: payments::Payments {
                sandbox: std::sync::Arc::new(payments::Sandbox::new(options.sandbox.clone())),
            },
            auction_runtime: Default::default(),
            demand_counts: Default::default(),
            reservation_writers: Default::default(),
            settlers: Default::default(),
            sqlite_writers: Default::default(),
            terms_cache: Default::default(),
            database_url: database_url.to_string(),
            options,
        }))
    }

    /// The options the services run with.
    pub fn options(&self) -> &ServiceOptions {
        &self.options
    }

    /// The database pool, for tests and maintenance commands.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Answers once the database answers.
    pub async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.db).await?;
        Ok(())
    }

    /// Which database this runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// On SQLite, the turn of one of this process's group writers (reservations, settlements)
    /// to write: they take turns in arrival order here instead of polling the database's
    /// write lock, whose busy handler sleeps up to 100 ms between tries. On PostgreSQL, whose
    /// writers lock rows and wait in a queue, no turn is needed.
    pub(crate) async fn write_gate(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.sqlite_writers.lock().await),
            Backend::Postgres => None,
        }
    }
}

/// The current time as UTC milliseconds since the epoch: how every time is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Declares the per-domain handles: `services.orders().reserve(...)`. A handle is a borrowed
/// view of the shared services; a domain reaches another only through that domain's handle, so
/// what one domain needs of another is a method the other declares.
macro_rules! domains {
    ($($(#[$doc:meta])* $handle:ident => $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $handle<'a>(&'a Arc<Services>);

        impl Deref for $handle<'_> {
            type Target = Arc<Services>;
            fn deref(&self) -> &Arc<Services> {
                self.0
            }
        }

        impl Services {
            $(#[$doc])*
            pub fn $name(self: &Arc<Self>) -> $handle<'_> {
                $handle(self)
            }
        }
    )*};
}

domains! {
    /// Accounts, sessions and login attempts.
    Accounts => accounts;
    /// Car lines and their published catalogs, compiled once per version.
    Catalogs => catalogs;
    /// Saved configurations and share codes.
    Configurations => configurations;
    /// Campaigns: terms, batches, polls, votes and demand thresholds.
    Campaigns => campaigns;
    /// Orders: reserve, cancel, lock, change, and their payments.
    Orders => orders;
    /// Payment callbacks from the provider.
    Payments => payments;
    /// Auctions: the log, the sequencers, the live feed, deposits and settlement.
    Auctions => auctions;
    /// Demand signals, cells, the OEM's report, API tokens and recounts.
    Demand => demand;
}
