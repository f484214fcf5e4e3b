//! A countdown that trusts the server's clock, not the visitor's.

use leptos::either::Either;
use leptos::prelude::*;

use crate::format;
use crate::i18n::use_lang;

/// Counts down to `end_ms`. `server_now` is the server's clock when the page data was read;
/// the browser only measures the time elapsed since then. An island: it ticks in the browser.
#[island]
pub fn Countdown(end_ms: i64, server_now: i64) -> impl IntoView {
    let lang = use_lang();
    let now = RwSignal::new(server_now);
    #[cfg(feature = "hydrate")]
    {
        let started = js_sys::Date::now();
        let handle = set_interval_with_handle(
            move || now.set(server_now + (js_sys::Date::now() - started) as i64),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <div class="countdown" role="timer" aria-live="off">
            {move || {
                let t = lang.get().texts();
                match format::countdown(now.get(), end_ms) {
                    None => Either::Left(view! { <span class="countdown__ended">{t.ended}</span> }),
                    Some([d, h, m, s]) => {
                        let units = [(d, t.days), (h, t.hours), (m, t.minutes), (s, t.seconds)];
                        Either::Right(view! {
                            <span class="countdown__label">{t.ends_in}</span>
                            <span class="countdown__units">
                                {units
                                    .into_iter()
                                    .map(|(n, unit)| {
                                        view! {
                                            <span class="countdown__unit">
                                                <b>{format!("{n:02}")}</b>
                                                <small>{unit}</small>
                                            </span>
                                        }
                                    })
                                    .collect_view()}
                            </span>
                        })
                    }
                }
            }}
        </div>
    }
}
