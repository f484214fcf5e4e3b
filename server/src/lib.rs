//! The C2M Studio server: the leptos pages and server functions, and beside them the public
//! JSON API. Both are thin doors onto `services`.

// Pages with islands nest deep view types (the server renders them whole).
#![recursion_limit = "256"]

pub mod api;
pub mod config;
pub mod security;
pub mod telemetry;

use std::sync::Arc;
use std::time::Duration;

use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use services::payments::SandboxOptions;
use services::{ServiceOptions, Services};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;

/// Connects to the database and applies the migrations.
pub async fn connect(settings: &Settings) -> Result<Arc<Services>, String> {
    let options = ServiceOptions {
        secure_cookies: settings.secure_cookies,
        sandbox: SandboxOptions {
            secret: settings.payment_secret.expose().as_bytes().to_vec(),
            delay: Duration::from_millis(settings.sandbox_delay_ms),
            duplicate_callbacks: false,
        },
        deadline_check: Some(Duration::from_millis(settings.deadline_check_ms)),
        auction_check: None,
        streams_per_client: settings.streams_per_client,
        streams_total: settings.streams_total,
        registrations_per_hour: settings.registrations_per_hour,
        reservation_commit_hold: (settings.commit_hold_ms > 0)
            .then(|| Duration::from_millis(settings.commit_hold_ms)),
        // The other bounds (hashing, idle sequencers) keep their defaults.
        ..ServiceOptions::default()
    };
    let services = Services::connect_with(&settings.database_url, options)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    Ok(services)
}

/// The whole application: API, server functions, pages and static files, with the default
/// web policy (no trusted proxies, no other allowed origins).
pub fn router(services: Arc<Services>, options: LeptosOptions) -> Router {
    router_with(services, options, Arc::new(security::WebPolicy::default()))
}

/// [`router`] under a deployment's web policy.
pub fn router_with(
    services: Arc<Services>,
    options: LeptosOptions,
    policy: Arc<security::WebPolicy>,
) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let services = services.clone();
        move || provide_context(services.clone())
    };
    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(options);
    let secure = services.options().secure_cookies;
    let app = Router::new()
        .nest("/api/v1", api::router(services))
        .merge(pages.layer(axum::middleware::from_fn(server_fn_status)))
        // Refuse state-changing requests from other sites (CSRF), pages and API alike.
        .layer(axum::middleware::from_fn_with_state(
            policy.clone(),
            security::same_origin,
        ))
        // The bundle and its split chunks keep their names across releases: browsers must
        // revalidate them (a cheap 304), or a stale chunk could meet a new main bundle.
        .layer(axum::middleware::map_response(revalidate_site_files))
        // The main wasm bundle is about 1 MB raw and under 300 KB with brotli: never send it raw.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::map_response(security::security_headers));
    let app = if secure {
        app.layer(axum::middleware::map_response(security::strict_transport))
    } else {
        app
    };
    // Outermost but for the trace: every layer and handler inside sees who the client is.
    app.layer(axum::middleware::from_fn_with_state(
        policy,
        security::client_address,
    ))
    .layer(
        TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }),
    )
}

/// A server function that fails answers its error as JSON with status 500; the status is
/// replaced by the error's own (401, 404, 409, 422, 503, ...), so a refused bid or a wrong field
/// is a 4xx in the browser's network log and in the server's, as in the JSON API; refusals that
/// pass with time get the API's `Retry-After` header too.
async fn server_fn_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // Server functions live under /api/; the JSON API (/api/v1) answers its own statuses.
    let path = request.uri().path();
    let is_server_fn = path.starts_with("/api/") && !path.starts_with("/api/v1/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, api::BODY_LIMIT).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<models::error::AppError>(&bytes) {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
        if let Some(seconds) = error.retry_after_secs() {
            parts
                .headers
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Marks the site's static files (`/pkg/...`) `Cache-Control: no-cache`.
async fn revalidate_site_files(
    uri: http::Uri,
    mut response: axum::response::Response,
) -> axum::response::Response {
    if uri.path().starts_with("/pkg/") {
        response.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-cache"),
        );
    }
    response
}

/// Runs the server until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(settings: Settings) -> Result<(), String> {
    settings.check_serve()?;
    let services = connect(&settings).await?;
    if settings.seed_demo
        && services
            .seed_demo(settings.demo_password.expose())
            .await
            .map_err(|e| e.to_string())?
    {
        tracing::info!(
            "demo accounts: consumer@demo.test, marketer@demo.test, oem@demo.test, admin@demo.test (password from C2M_DEMO_PASSWORD)"
        );
        if settings.demo_demand > 0 {
            let plan = services::demo::demand::DemandPlan::reservations(settings.demo_demand);
            let generated = services
                .demand()
                .generate_demand(services::DEMO_CAMPAIGN_ID, &plan)
                .await
                .map_err(|e| format!("generating demo demand: {e}"))?;
            tracing::info!(rows = ?generated.rows, insert_ms = generated.insert_ms, recount_ms = generated.recount_ms, "generated demo demand");
        }
    }
    if settings.seed_demo {
        services
            .auctions()
            .seed_demo_auction(settings.demo_password.expose())
            .await
            .map_err(|e| format!("seeding the demo auction: {e}"))?;
    }
    services
        .start_background()
        .await
        .map_err(|e| format!("cannot start background work: {e}"))?;
    let mut options = get_configuration(None)
        .map_err(|e| format!("leptos configuration: {e}"))?
        .leptos_options;
    options.site_addr = settings.addr;
    let app = router_with(services, options, Arc::new(settings.web.clone()));
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?;
    tracing::info!("listening on http://{}", settings.addr);
    // Client addresses feed the login limiter.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
    // Give in-flight requests a bounded time before the process ends.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(20)).await;
        tracing::warn!("requests still open after 20 s; exiting");
        std::process::exit(0);
    });
}
