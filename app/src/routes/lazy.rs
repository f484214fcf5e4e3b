//! Pages are split out of the main wasm bundle (which holds the landing page, the layout and
//! what pages share) and loaded when first visited (`cargo leptos build --split`). The
//! server renders them as usual; the browser fetches their code before hydrating them.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::auctions::{AuctionLivePage, AuctionsPage, NewAuctionPage};
use super::configure::ConfigurePage;
use super::login::LoginPage;
use super::oem::{DashboardPage, TokensPage};
use super::orders::OrdersPage;
use super::studio::{EditCampaignPage, NewCampaignPage, StudioPage};

macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/configure`, `/configure/{line}` and `/c/{code}`: the configurator and its engine.
    Configure => ConfigurePage
);
lazy_page!(
    /// `/login`.
    Login => LoginPage
);
lazy_page!(
    /// `/orders`.
    Orders => OrdersPage
);
lazy_page!(
    /// `/studio`.
    Studio => StudioPage
);
lazy_page!(
    /// `/studio/campaigns/new`.
    NewCampaign => NewCampaignPage
);
lazy_page!(
    /// `/studio/campaigns/{id}`.
    EditCampaign => EditCampaignPage
);
lazy_page!(
    /// `/auctions`.
    Auctions => AuctionsPage
);
lazy_page!(
    /// `/auctions/{id}`: the live auction.
    AuctionLive => AuctionLivePage
);
lazy_page!(
    /// `/studio/auctions/new`.
    NewAuction => NewAuctionPage
);
lazy_page!(
    /// `/oem`: the demand dashboard.
    Demand => DashboardPage
);
lazy_page!(
    /// `/oem/tokens`: the demand feed's API tokens.
    Tokens => TokensPage
);
