//! The service layer: the one place where rules meet storage. The server functions of the UI
//! and the JSON API are thin doors onto these methods; neither holds a query or a rule.

pub mod accounts;
pub mod auctions;
mod campaign_rules;
mod campaigns;
mod catalogs;
mod configurations;
pub mod db;
pub mod demand;
pub mod idempotency;
pub mod limiter;
mod order_change;
pub mod orders;
pub mod payments;
mod presale;
mod seed;
pub mod share_code;
mod thresholds;

use std::sync::Arc;

use crate::error::AppError;
pub use catalogs::CompiledCatalog;
pub use db::{Backend, Db};
pub use seed::{demo_catalog, DEMO_ACCOUNTS, DEMO_CAMPAIGN_ID};

/// How the services behave beyond the database: cookies and the payment sandbox.
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
}

/// The services of one server process: a database pool, the compiled catalogs, the login
/// limiter and the payment provider.
pub struct Services {
    db: Db,
    backend: Backend,
    catalogs: catalogs::CatalogCache,
    limiter: limiter::LoginLimiter,
    payments: payments::Payments,
    auctions: auctions::Runtime,
    demand_counts: demand::CountCache,
    database_url: String,
    options: ServiceOptions,
}

impl Services {
    /// Connects to `database_url` (SQLite or PostgreSQL) and applies the migrations.
    pub async fn connect(database_url: &str) -> Result<Services, AppError> {
        Services::connect_with(database_url, ServiceOptions::default()).await
    }

    /// [`Services::connect`] with options.
    pub async fn connect_with(
        database_url: &str,
        options: ServiceOptions,
    ) -> Result<Services, AppError> {
        let (db, backend) = db::connect(database_url).await?;
        Ok(Services {
            db,
            backend,
            catalogs: Default::default(),
            limiter: Default::default(),
            payments: payments::Payments {
                sandbox: std::sync::Arc::new(payments::Sandbox::new(options.sandbox.clone())),
            },
            auctions: Default::default(),
            demand_counts: Default::default(),
            database_url: database_url.to_string(),
            options,
        })
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
}

/// Fetches the services from the reactive context of a server function.
pub fn use_services() -> Result<Arc<Services>, AppError> {
    leptos::prelude::use_context::<Arc<Services>>().ok_or_else(|| AppError::Internal {
        message: "services are not available".into(),
    })
}

/// The current time as UTC milliseconds since the epoch: how every time is stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// The session token of the request a server function is answering (cookie).
pub fn request_token() -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    accounts::cookie_value(
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        accounts::SESSION_COOKIE,
    )
}

/// The logged-in account of the request a server function is answering.
pub async fn request_account(
    services: &Services,
) -> Result<Option<crate::models::Account>, AppError> {
    match request_token() {
        Some(token) => services.session_account(&token).await,
        None => Ok(None),
    }
}

/// The logged-in account, or [`AppError::Unauthenticated`].
pub async fn require_account(services: &Services) -> Result<crate::models::Account, AppError> {
    request_account(services)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Sets the session cookie on the server function's response.
pub fn set_session_cookie(services: &Services, token: &str) {
    let cookie = accounts::session_cookie(
        token,
        accounts::SESSION_TTL_MS / 1000,
        services.options().secure_cookies,
    );
    set_cookie_header(&cookie);
}

/// Clears the session cookie on the server function's response.
pub fn clear_session_cookie(services: &Services) {
    set_cookie_header(&accounts::session_cookie(
        "",
        0,
        services.options().secure_cookies,
    ));
}

fn set_cookie_header(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
