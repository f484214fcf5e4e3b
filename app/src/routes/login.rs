//! `/login`: log in, or register a consumer account. Both forms work before the wasm loads
//! (plain form posts to the server functions).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::browser;
use crate::components::island;
use crate::functions::account::{Login, Register};
use crate::i18n::{error_text, use_lang};

/// The login and registration page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/orders".into());
    view! {
        <Title text=move || lang.get().texts().login_title/>
        <AuthForms next/>
    }
}

/// Whether `next` is a path on this site, never an open redirect: it starts with one `/`, and
/// holds no backslash (browsers read `/\\host` as `//host`) and no control character or space
/// (browsers drop tabs and newlines, so `/\t/host` would become `//host`).
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// The two forms; after a login or a registration, page `next` opens. An island.
#[island(lazy)]
fn AuthForms(next: String) -> impl IntoView {
    let lang = use_lang();
    let login = ServerAction::<Login>::new();
    let register = ServerAction::<Register>::new();
    Effect::new(move |_| {
        let done = matches!(login.value().get(), Some(Ok(_)))
            || matches!(register.value().get(), Some(Ok(_)));
        if done {
            browser::go(&next);
        }
    });
    let t = move || lang.get().texts();
    let hydrated = island::hydrated();
    view! {
        <section class="auth" data-hydrated=move || hydrated.get().to_string()>
            <div class="auth__card">
                <h1>{move || t().login_heading}</h1>
                <ActionForm action=login attr:data-testid="login-form">
                    <label>{move || t().field_login}
                        <input name="login" type="text" autocomplete="username" required data-testid="login-login"/>
                    </label>
                    <label>{move || t().field_password}
                        <input name="password" type="password" autocomplete="current-password" required data-testid="login-password"/>
                    </label>
                    <button type="submit" class="btn btn--primary" data-testid="login-submit" disabled=move || login.pending().get()>
                        {move || t().login_submit}
                    </button>
                </ActionForm>
                {move || login.value().get().and_then(|r| r.err()).map(|e| view! { <p class="notice notice--error" role="alert" data-testid="login-error">{move || error_text(lang.get(), &e)}</p> })}
            </div>
            <div class="auth__card">
                <h2>{move || t().register_heading}</h2>
                <ActionForm action=register attr:data-testid="register-form">
                    <label>{move || t().field_login}
                        <input name="login" type="text" autocomplete="username" required data-testid="register-login"/>
                    </label>
                    <label>{move || t().field_password} " (" {move || t().field_password_hint} ")"
                        <input name="password" type="password" autocomplete="new-password" minlength="8" required data-testid="register-password"/>
                    </label>
                    <label>{move || t().field_display_name}
                        <input name="display_name" type="text" maxlength="60" data-testid="register-name"/>
                    </label>
                    <button type="submit" class="btn btn--primary" data-testid="register-submit" disabled=move || register.pending().get()>
                        {move || t().register_submit}
                    </button>
                </ActionForm>
                {move || register.value().get().and_then(|r| r.err()).map(|e| view! { <p class="notice notice--error" role="alert" data-testid="register-error">{move || error_text(lang.get(), &e)}</p> })}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn next_stays_on_the_site() {
        for local in ["/orders", "/c/ABCD1234?x=1", "/auctions/a-1#bids", "/"] {
            assert!(is_local_path(local), "{local}");
        }
        for away in [
            "//example.com",
            "/\\example.com",
            "/\\/example.com",
            "\\\\example.com",
            "/\t/example.com",
            "/\n/example.com",
            "https://example.com",
            "example.com",
            "",
            "/ /example.com",
        ] {
            assert!(!is_local_path(away), "{away:?}");
        }
    }
}
