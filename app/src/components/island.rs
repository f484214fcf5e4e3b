//! Small pieces the islands share.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

/// `false` where the island was rendered (the server, and the first render in the browser, so
/// hydration matches), `true` once it runs in the browser: effects run only there. Pages mark
/// themselves interactive with it (`data-hydrated`), and times switch to the browser's zone.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// Returns a function that reads what an island shows from the server again: `load` runs and
/// its answer, when it is not an error, replaces `into` (an error leaves what is shown).
pub fn reread<T, F, Fut>(load: F, into: RwSignal<T>) -> impl Fn() + Clone + 'static
where
    T: Send + Sync + 'static,
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    move || {
        let next = load();
        leptos::task::spawn_local(async move {
            if let Ok(value) = next.await {
                into.set(value);
            }
        });
    }
}
