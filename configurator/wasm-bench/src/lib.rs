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


// Feature models (issue 3): the same random click sequence as `configurator bench`, one click
// per call, timed by `configurator/wasm-bench/fm-bench.mjs`.

use configurator::OptionState;
use feature_model::{parse_dimacs, parse_uvl, Analyzer};

/// A feature model being clicked through, with the user's choices so far.
struct Session {
    analyzer: Analyzer,
    select: Vec<usize>,
    deselect: Vec<usize>,
    selectable: Vec<usize>,
    rng: u64,
}

thread_local! {
    /// The model text, written by JavaScript into the buffer [`fm_input`] hands out.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// A buffer of `len` bytes for the model text; answers its address in linear memory.
#[no_mangle]
pub extern "C" fn fm_input(len: u32) -> *mut u8 {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        *i = vec![0; len as usize];
        i.as_mut_ptr()
    })
}

/// Parses the model in the input buffer (UVL when `uvl` is 1, else DIMACS), loads it and runs
/// the first propagation; answers the number of features (0 when it does not parse).
#[no_mangle]
pub extern "C" fn fm_setup(uvl: u32, seed: u32) -> u32 {
    let text = INPUT.with(|i| String::from_utf8_lossy(&i.borrow()).into_owned());
    let model = if uvl == 1 {
        parse_uvl(&text).map(|u| u.model)
    } else {
        parse_dimacs(&text)
    };
    let Ok(model) = model else {
        return 0;
    };
    let features = model.features() as u32;
    let mut session = Session {
        analyzer: Analyzer::new(model),
        select: Vec::new(),
        deselect: Vec::new(),
        selectable: Vec::new(),
        rng: u64::from(seed),
    };
    session.propagate();
    SESSION.with(|s| *s.borrow_mut() = Some(session));
    features
}

/// One click as a user makes it: select or deselect a random selectable feature (or start
/// over when the configuration is complete), then propagate. Answers the selectable count.
#[no_mangle]
pub extern "C" fn fm_click() -> u32 {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let Some(s) = s.as_mut() else {
            return 0;
        };
        if s.selectable.is_empty() {
            s.select.clear();
            s.deselect.clear();
        } else {
            let pick = (s.next() % s.selectable.len() as u64) as usize;
            let f = s.selectable[pick];
            if s.next() & 1 == 0 {
                s.select.push(f);
            } else {
                s.deselect.push(f);
            }
        }
        s.propagate();
        s.selectable.len() as u32
    })
}

impl Session {
    fn propagate(&mut self) {
        let p = self.analyzer.propagate(&self.select, &self.deselect);
        self.selectable = (0..p.states.len())
            .filter(|&i| p.states[i] == OptionState::Selectable)
            .collect();
    }

    /// splitmix64, as in `configurator bench`.
    fn next(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
