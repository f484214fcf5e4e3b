//! What islands ask of the browser beyond their own DOM: opening another page and reloading
//! this one. Pages are rendered by the server, so moving on is a real page load. On the
//! server (where islands render once) these do nothing.

/// Opens `path` (a local path) as a new page load.
pub fn go(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Renders the current page again on the server (after a change of language, say).
pub fn reload() {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().reload();
    }
}
