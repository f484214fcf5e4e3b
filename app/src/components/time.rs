//! Times shown in the user's own zone.

use leptos::prelude::*;

use crate::format;
use crate::i18n::use_lang;

/// A UTC time shown in the user's zone. The server renders China Standard Time; once the page
/// is live in the browser it switches to the browser's zone.
#[component]
pub fn LocalTime(
    /// UTC milliseconds since the epoch.
    utc_ms: i64,
) -> impl IntoView {
    let lang = use_lang();
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <time>
            {move || {
                let lang = lang.get();
                if live.get() { format::datetime(utc_ms, lang) } else { format::china_time(utc_ms, lang) }
            }}
        </time>
    }
}
