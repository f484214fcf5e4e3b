//! C2M Studio's user interface: pages, components and the server functions behind them.
//!
//! - `routes/`: one module per page.
//! - `components/`: the pieces pages are made of.
//! - `functions/`: server functions, the UI's door onto the service layer.
//! - `request` (server only): the server functions' request and cookie plumbing.
//! - the data that crosses the wire is the `models` crate, the service layer the `services`
//!   crate (server only), shared with the JSON API.
//!
//! Pages are built as leptos *islands*: the server renders every page whole, and only the
//! interactive parts (`#[island]`: the configurator, forms, buttons, live auctions, clocks)
//! are compiled to wasm and hydrated in the browser. The main bundle holds what the landing
//! and configurator pages need; the islands of the other pages are lazy, each its own chunk,
//! fetched when a page holds one (`cargo leptos build --split`).

#![recursion_limit = "256"]

pub mod browser;
pub mod components;
pub mod format;
pub mod functions;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod request;
pub mod routes;

// The wire types, the error and the map live in `models`, the service layer in `services`
// (server only); re-exported so that pages and components name them as before.
pub use models::{self, error, geo};
#[cfg(feature = "ssr")]
pub use services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::{Footer, Header};
use crate::i18n::Lang;
use crate::routes::auctions::{AuctionLivePage, AuctionsPage, NewAuctionPage};
use crate::routes::configure::ConfigurePage;
use crate::routes::login::LoginPage;
use crate::routes::oem::{DashboardPage, TokensPage};
use crate::routes::orders::OrdersPage;
use crate::routes::payments::PaymentsPage;
use crate::routes::studio::{EditCampaignPage, NewCampaignPage, StudioPage};
use crate::routes::{landing::LandingPage, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site, or inline with this
/// response's nonce (leptos puts it on the hydration script and on every streamed chunk), and
/// WebAssembly compiled from those; nothing framed, posted or embedded elsewhere. Inline
/// styles stay allowed (the car's colours are style attributes). Every page answer gets a new
/// nonce, so a script injected into the page cannot run.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The language of this request, from its cookie (the app renders on the server only; islands
/// read the rendered `<html lang>`, see [`i18n::use_lang`]).
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Lang::from_document()
    }
}

/// The application: language context, document metadata and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);

    view! {
        <Html attr:lang=move || lang.get().tag()/>
        <Stylesheet id="leptos" href="/pkg/c2m-studio.css"/>
        <Meta name="description" content="C2M Studio: co-create your car during its pre-sale."/>
        <Title formatter=|text: String| format!("{text} · C2M Studio")/>
        <Router>
            <Header/>
            <main class="page">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("") view=LandingPage/>
                    <Route path=path!("/configure") view=ConfigurePage/>
                    // Async: the status (404 for an unknown line or code) is known before the
                    // first byte, and the page arrives whole.
                    <Route path=path!("/configure/:line") view=ConfigurePage ssr=SsrMode::Async/>
                    <Route path=path!("/c/:code") view=ConfigurePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/orders") view=OrdersPage/>
                    // Async: a visitor's redirect to the login page is known before the first byte.
                    <Route path=path!("/payments") view=PaymentsPage ssr=SsrMode::Async/>
                    <Route path=path!("/studio") view=StudioPage/>
                    <Route path=path!("/studio/campaigns/new") view=NewCampaignPage/>
                    <Route path=path!("/studio/campaigns/:id") view=EditCampaignPage/>
                    <Route path=path!("/studio/auctions/new") view=NewAuctionPage/>
                    <Route path=path!("/auctions") view=AuctionsPage/>
                    <Route path=path!("/auctions/:id") view=AuctionLivePage/>
                    <Route path=path!("/oem") view=DashboardPage/>
                    <Route path=path!("/oem/tokens") view=TokensPage/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
