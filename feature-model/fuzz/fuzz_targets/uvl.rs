#![no_main]
//! The UVL parser never panics, and what it accepts loads into an analyzer.

use feature_model::{parse_uvl, Analyzer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(uvl) = parse_uvl(text) {
            if uvl.model.features() <= 64 {
                let mut analyzer = Analyzer::new(uvl.model);
                let _ = analyzer.propagate(&[0], &[]);
            }
        }
    }
});
