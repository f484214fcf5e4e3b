//! One click (check + quote) on the demo catalog, compiled to wasm32-unknown-unknown — the
//! browser's target — and timed from JavaScript by `scripts/bench-wasm.mjs`, because the
//! engine itself has no clock. Raw exports, no wasm-bindgen: nothing but the engine is timed.
//!
//! `cargo build --manifest-path configurator/wasm-bench/Cargo.toml --target wasm32-unknown-unknown --release`

use std::cell::RefCell;

use configurator::{Catalog, Choice, Engine};

const CATALOG: &str = include_str!("../../../seed/catalogs/xiaoman.toml");

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// The click sequences measured: the same "typical" choices as the native criterion bench.
fn choices(step: u32) -> Vec<Choice> {
    let typical = [
        "lease",
        "matte_grey",
        "interior_comfort",
        "glass_roof",
        "winter_pack",
    ];
    typical
        .iter()
        .take(1 + (step as usize % typical.len()))
        .map(|id| Choice::Select((*id).to_string()))
        .collect()
}

/// Compiles the demo catalog; answers 1 on success.
#[no_mangle]
pub extern "C" fn setup() -> u32 {
    let Ok(catalog) = Catalog::from_toml(CATALOG) else {
        return 0;
    };
    let Ok(engine) = Engine::new(catalog) else {
        return 0;
    };
    ENGINE.with(|e| *e.borrow_mut() = Some(engine));
    1
}

/// Runs `n` clicks with the full typical selection; answers the number of options selected or
/// forced in the last one (so the work cannot be optimised away).
#[no_mangle]
pub extern "C" fn clicks(n: u32, vary: u32) -> u32 {
    ENGINE.with(|e| {
        let mut engine = e.borrow_mut();
        let Some(engine) = engine.as_mut() else {
            return 0;
        };
        let mut last = 0;
        for i in 0..n {
            let choices = choices(if vary == 1 { i } else { 4 });
            let check = engine.check(&choices);
            let _ = engine.quote(&check);
            last = check.chosen().len() as u32;
        }
        last
    })
}

