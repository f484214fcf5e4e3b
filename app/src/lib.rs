//! C2M Studio's user interface: pages, components and the server functions behind them.
//!
//! - `routes/`: one module per page.
//! - `components/`: the pieces pages are made of.
//! - `functions/`: server functions, the UI's door onto the service layer.
//! - `services/` (server only): the service layer, shared with the JSON API.
//! - `models/`: the data that crosses the wire.

#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod format;
pub mod functions;
pub mod geo;
pub mod i18n;
pub mod models;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::components::layout::{Footer, Header};
use crate::i18n::Lang;
use crate::routes::{landing::LandingPage, lazy, not_found::NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The language of this request: the cookie on the server, the rendered `<html lang>` in the
/// browser (so hydration starts from exactly what the server rendered).
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
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .map(|tag| {
                if tag.starts_with("en") {
                    Lang::En
                } else {
                    Lang::Zh
                }
            })
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
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
                    <Route path=path!("/configure") view={Lazy::<lazy::Configure>::new()}/>
                    // Async: the status (404 for an unknown line or code) is known before the
                    // first byte, and the page arrives whole.
                    <Route path=path!("/configure/:line") view={Lazy::<lazy::Configure>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/c/:code") view={Lazy::<lazy::Configure>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<lazy::Login>::new()}/>
                    <Route path=path!("/orders") view={Lazy::<lazy::Orders>::new()}/>
                    <Route path=path!("/studio") view={Lazy::<lazy::Studio>::new()}/>
                    <Route path=path!("/studio/campaigns/new") view={Lazy::<lazy::NewCampaign>::new()}/>
                    <Route path=path!("/studio/campaigns/:id") view={Lazy::<lazy::EditCampaign>::new()}/>
                    <Route path=path!("/studio/auctions/new") view={Lazy::<lazy::NewAuction>::new()}/>
                    <Route path=path!("/auctions") view={Lazy::<lazy::Auctions>::new()}/>
                    <Route path=path!("/auctions/:id") view={Lazy::<lazy::AuctionLive>::new()}/>
                    <Route path=path!("/oem") view={Lazy::<lazy::Demand>::new()}/>
                    <Route path=path!("/oem/tokens") view={Lazy::<lazy::Tokens>::new()}/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
