use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_lang;

/// Shown for unknown paths and unknown share codes.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <Title text=move || lang.get().texts().not_found_title/>
        <section class="empty-state">
            <h1>{move || lang.get().texts().not_found_title}</h1>
            <p>{move || lang.get().texts().not_found_body}</p>
            <a class="btn btn--primary" href="/">{move || lang.get().texts().back_home}</a>
        </section>
    }
}
