//! The browser entry point. The pages are rendered on the server; this hydrates them so the
//! configurator engine runs locally on every click.

/// Called by the script cargo-leptos injects into the page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (see app::routes::lazy) load their code before they hydrate.
    leptos::mount::hydrate_lazy(app::App);
}
