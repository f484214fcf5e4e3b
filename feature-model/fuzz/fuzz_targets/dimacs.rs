#![no_main]
//! The DIMACS parser never panics, and what it accepts round-trips and loads.

use feature_model::{parse_dimacs, write_dimacs, Analyzer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(model) = parse_dimacs(text) {
            let again = parse_dimacs(&write_dimacs(&model)).expect("written DIMACS parses");
            assert_eq!(again.clauses, model.clauses);
            if model.vars <= 64 {
                let _ = Analyzer::new(model).propagate(&[], &[]);
            }
        }
    }
});
