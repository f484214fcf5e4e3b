//! The browser entry point. Pages are rendered on the server; this hydrates their islands
//! (the interactive parts), so the configurator engine runs locally on every click.

// Links the app, whose islands are exported to the page's script by `#[wasm_bindgen]`.
extern crate app;

/// Called by the script cargo-leptos injects into the page, before it hydrates each island
/// (lazy islands load their code first; see `app`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
