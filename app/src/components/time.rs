//! Times shown in the user's own zone.

use leptos::prelude::*;

use crate::components::island;
use crate::format;
use crate::i18n::use_lang;

/// A UTC time shown in the user's zone. The server renders China Standard Time; once the page
/// is live in the browser it switches to the browser's zone (a tiny island for that).
#[island]
pub fn LocalTime(
    /// UTC milliseconds since the epoch.
    utc_ms: i64,
) -> impl IntoView {
    let lang = use_lang();
    let live = island::hydrated();
    view! {
        <time>
            {move || {
                let lang = lang.get();
                if live.get() { format::datetime(utc_ms, lang) } else { format::china_time(utc_ms, lang) }
            }}
        </time>
    }
}

/// A `datetime-local` value read in the browser's zone, as UTC milliseconds.
pub fn local_to_utc_ms(value: &str) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::parse(value);
        (!ms.is_nan()).then_some(ms as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = value;
        None
    }
}

/// UTC milliseconds as a `datetime-local` value in the browser's zone (empty on the server,
/// which does not know the zone; the browser fills it in after hydration).
pub fn local_input(utc_ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_ms as f64));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = utc_ms;
        String::new()
    }
}
