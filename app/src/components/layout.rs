//! The frame around every page: header with navigation and language switch, and footer.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::browser;
use crate::functions::account::{current_account, Logout};
use crate::i18n::{use_lang, Lang, LANG_COOKIE};
use crate::models::Role;

/// The site header.
#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"C2M"</span>
                    <span class="brand__name">{move || t().brand}</span>
                </A>
                <nav class="site-nav" aria-label="main">
                    <A href="/" exact=true>{move || t().nav_campaign}</A>
                    <A href="/configure">{move || t().nav_configure}</A>
                    <A href="/auctions">{move || t().au.nav_auctions}</A>
                </nav>
                <AccountNav/>
                <LangSwitch/>
            </div>
        </header>
    }
}

/// Who is logged in (read with every page), with the links of their role and a logout button.
#[component]
pub fn AccountNav() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let account = Resource::new(|| (), |_| current_account());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match account.await.ok().flatten() {
                    Some(account) => {
                        let studio = matches!(account.role, Role::Marketer | Role::Admin);
                        let demand = matches!(account.role, Role::Oem | Role::Admin);
                        Either::Left(view! {
                            <nav class="account-nav" aria-label="account">
                                <A href="/orders">{move || t().nav_orders}</A>
                                <A href="/payments" attr:data-testid="nav-payments">{move || t().pm.nav_payments}</A>
                                {studio.then(|| view! { <A href="/studio">{move || t().nav_studio}</A> })}
                                {demand.then(|| view! { <A href="/oem" attr:data-testid="nav-demand">{move || t().dm.nav_demand}</A> })}
                                <span class="account-nav__name" data-testid="account-name">{account.display_name.clone()}</span>
                                <LogoutButton/>
                            </nav>
                        })
                    }
                    None => Either::Right(view! {
                        <nav class="account-nav" aria-label="account">
                            <A href="/login" attr:data-testid="login-nav">{move || t().nav_login}</A>
                        </nav>
                    }),
                }
            })}
        </Transition>
    }
}

/// Logs out, then opens the landing page.
#[island]
fn LogoutButton() -> impl IntoView {
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            browser::go("/");
        }
    });
    view! {
        <button type="button" class="link-button" data-testid="logout"
            disabled=move || logout.pending().get()
            on:click=move |_| { logout.dispatch(Logout {}); }>
            {move || lang.get().texts().nav_logout}
        </button>
    }
}

/// Switches between Chinese and English: remembers the choice in a cookie and has the server
/// render the page again in it (what the islands hold, such as a configuration in progress,
/// keeps itself in the address; see the configurator).
#[island]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let switch = move |_| {
        let next = match lang.get_untracked() {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        remember(next);
        lang.set(next);
        browser::reload();
    };
    view! {
        <button class="lang-switch" data-testid="lang-switch" on:click=switch>
            {move || lang.get().texts().switch_to}
        </button>
    }
}

/// Stores the language in a cookie so the server renders the next page in it.
fn remember(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{LANG_COOKIE}={}; path=/; max-age=31536000; samesite=lax",
                lang.code()
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (lang, LANG_COOKIE);
}

/// The site footer.
#[component]
pub fn Footer() -> impl IntoView {
    let lang = use_lang();
    view! {
        <footer class="site-footer">
            <p>{move || lang.get().texts().footer}</p>
        </footer>
    }
}
