//! The feature-model layer on the real models of `shared/data/feature-models/`: parsers, core
//! and dead features and propagations against an independent check (a fresh batsat solver,
//! one call per literal, no witnesses, no unit propagation of our own).

use std::path::PathBuf;

use batsat::{lbool, SolverInterface};
use configurator::OptionState;
use feature_model::{parse_dimacs, parse_uvl, Analyzer, FeatureModel};

const MODELS: [&str; 6] = [
    "automotive01",
    "berkeleydb",
    "e_shop",
    "erp_system",
    "pc-richmond",
    "printer",
];

fn dir() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/feature-models/"
    ));
    assert!(
        dir.is_dir(),
        "the shared feature models are missing: expected them in {} (shared/ beside the repository)",
        dir.display()
    );
    dir
}

fn read(file: &str) -> String {
    let path = dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dimacs(name: &str) -> FeatureModel {
    parse_dimacs(&read(&format!("{name}.dimacs"))).unwrap_or_else(|e| panic!("{name}.dimacs: {e}"))
}

fn uvl(name: &str) -> FeatureModel {
    parse_uvl(&read(&format!("{name}.uvl")))
        .unwrap_or_else(|e| panic!("{name}.uvl: {e}"))
        .model
}

/// Per feature: `Some(value)` when fixed under `assumptions` (DIMACS literals), by one call
/// of a fresh solver per literal not yet seen in a model; `None` overall when unsatisfiable.
fn naive(model: &FeatureModel, assumptions: &[i32]) -> Option<Vec<Option<bool>>> {
    let mut solver = batsat::BasicSolver::default();
    let vars: Vec<batsat::Var> = (0..model.vars).map(|_| solver.new_var_default()).collect();
    let lit = |l: i32| batsat::Lit::new(vars[l.unsigned_abs() as usize - 1], l > 0);
    for c in &model.clauses {
        let mut c: Vec<batsat::Lit> = c.iter().map(|&l| lit(l)).collect();
        solver.add_clause_reuse(&mut c);
    }
    let mut assumed: Vec<batsat::Lit> = assumptions.iter().map(|&l| lit(l)).collect();
    if solver.solve_limited(&assumed) != lbool::TRUE {
        return None;
    }
    let n = model.features();
    // seen[f] = (seen on, seen off) in some model.
    let mut seen = vec![(false, false); n];
    let mark = |solver: &batsat::BasicSolver, seen: &mut Vec<(bool, bool)>| {
        for (f, s) in seen.iter_mut().enumerate() {
            if solver.value_var(vars[f]) == lbool::TRUE {
                s.0 = true;
            } else {
                s.1 = true;
            }
        }
    };
    mark(&solver, &mut seen);
    let mut out = Vec::new();
    for f in 0..n {
        let mut fixed = None;
        for on in [true, false] {
            if (on && seen[f].0) || (!on && seen[f].1) {
                continue;
            }
            assumed.push(batsat::Lit::new(vars[f], on));
            if solver.solve_limited(&assumed) == lbool::FALSE {
                fixed = Some(!on);
            } else {
                mark(&solver, &mut seen);
            }
            assumed.pop();
        }
        out.push(fixed);
    }
    Some(out)
}

fn names(model: &FeatureModel, fs: &[usize]) -> Vec<String> {
    let mut v: Vec<String> = fs.iter().map(|&i| model.names[i].clone()).collect();
    v.sort();
    v
}

#[test]
fn core_and_dead_match_an_independent_check_on_every_model() {
    for name in MODELS {
        for (kind, model) in [("dimacs", dimacs(name)), ("uvl", uvl(name))] {
            let analyzer = Analyzer::new(model.clone());
            let expected = naive(&model, &[]).expect("consistent");
            let core: Vec<usize> = (0..model.features())
                .filter(|&i| expected[i] == Some(true))
                .collect();
            let dead: Vec<usize> = (0..model.features())
                .filter(|&i| expected[i] == Some(false))
                .collect();
            assert_eq!(analyzer.core(), core, "{name}.{kind} core");
            assert_eq!(analyzer.dead(), dead, "{name}.{kind} dead");
            if name == "automotive01" {
                assert_eq!((core.len(), dead.len()), (100, 195), "{name}.{kind}");
            }
        }
        if name != "pc-richmond" {
            // The UVL and DIMACS files are the same model (pc-richmond's differ: 364 vs 377
            // features).
            let (d, u) = (Analyzer::new(dimacs(name)), Analyzer::new(uvl(name)));
            assert_eq!(
                names(d.model(), &d.core()),
                names(u.model(), &u.core()),
                "{name}"
            );
            assert_eq!(
                names(d.model(), &d.dead()),
                names(u.model(), &u.dead()),
                "{name}"
            );
        }
    }
}

/// splitmix64
fn rng(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn check_states(
    model: &FeatureModel,
    select: &[usize],
    deselect: &[usize],
    states: &[OptionState],
) {
    let assumptions: Vec<i32> = select
        .iter()
        .map(|&i| i as i32 + 1)
        .chain(deselect.iter().map(|&i| -(i as i32 + 1)))
        .collect();
    let expected = naive(model, &assumptions).expect("satisfiable");
    for (i, s) in states.iter().enumerate() {
        let ok = match expected[i] {
            Some(true) => matches!(s, OptionState::Forced | OptionState::Selected),
            Some(false) => *s == OptionState::Excluded,
            None => *s == OptionState::Selectable,
        };
        assert!(
            ok,
            "{}: {s:?}, expected {:?} (select {select:?}, deselect {deselect:?})",
            model.names[i], expected[i]
        );
    }
    for &i in select {
        assert_eq!(states[i], OptionState::Selected);
    }
}

/// Random click sequences (selectable options only, selected or deselected) agree with the
/// independent check after every click, and an unsatisfiable click is reported.
#[test]
fn random_propagations_agree_with_an_independent_check() {
    for (name, sequences, clicks) in [
        ("berkeleydb", 6, 12),
        ("e_shop", 6, 12),
        ("printer", 6, 12),
        ("pc-richmond", 3, 8),
        ("automotive01", 1, 3),
    ] {
        let model = dimacs(name);
        let mut analyzer = Analyzer::new(model.clone());
        let mut seed = 7;
        for _ in 0..sequences {
            let (mut select, mut deselect) = (Vec::new(), Vec::new());
            for _ in 0..clicks {
                let p = analyzer.propagate(&select, &deselect);
                assert!(p.satisfiable, "{name}");
                let selectable: Vec<usize> = (0..model.features())
                    .filter(|&i| p.states[i] == OptionState::Selectable)
                    .collect();
                let Some(&f) = selectable.get(rng(&mut seed) as usize % selectable.len().max(1))
                else {
                    break;
                };
                if rng(&mut seed) & 1 == 0 {
                    select.push(f);
                } else {
                    deselect.push(f);
                }
                let p = analyzer.propagate(&select, &deselect);
                check_states(&model, &select, &deselect, &p.states);
            }
            // Selecting an excluded feature is reported as unsatisfiable, with a conflict.
            let p = analyzer.propagate(&select, &deselect);
            if let Some(x) = (0..model.features()).find(|&i| {
                p.states[i] == OptionState::Excluded
                    && !deselect.contains(&i)
                    && !analyzer.dead().contains(&i)
            }) {
                select.push(x);
                let p = analyzer.propagate(&select, &deselect);
                assert!(!p.satisfiable, "{name}");
                assert!(
                    p.conflict.contains(&(x as i32 + 1)),
                    "{name}: {:?}",
                    p.conflict
                );
            }
        }
    }
}

#[test]
fn explanations_are_minimal_sets_of_choices() {
    let model = dimacs("automotive01");
    let mut analyzer = Analyzer::new(model.clone());
    let p = analyzer.propagate(&[], &[]);
    let mut seed = 3;
    let selectable: Vec<usize> = (0..model.features())
        .filter(|&i| p.states[i] == OptionState::Selectable)
        .collect();
    let select = vec![selectable[rng(&mut seed) as usize % selectable.len()]];
    let p = analyzer.propagate(&select, &[]);
    let forced: Vec<usize> = (0..model.features())
        .filter(|&i| p.states[i] == OptionState::Forced && !analyzer.core().contains(&i))
        .take(3)
        .collect();
    for f in forced {
        let e = analyzer.explain(&select, &[], f);
        assert_eq!(e.state, OptionState::Forced);
        assert_eq!(e.choices, vec![select[0] as i32 + 1]);
    }
    // Core features are explained by the model alone.
    let core = analyzer.core()[0];
    assert!(analyzer.explain(&select, &[], core).choices.is_empty());
}

#[test]
fn analysis_counts_small_models() {
    // Counts agree between the two files of the same model.
    for name in ["berkeleydb", "e_shop", "printer"] {
        let d = Analyzer::new(dimacs(name)).analyze(100_000);
        let u = Analyzer::new(uvl(name)).analyze(100_000);
        assert!(d.configurations.is_some(), "{name}");
        assert_eq!(d.configurations, u.configurations, "{name}");
    }
    assert_eq!(
        Analyzer::new(dimacs("berkeleydb"))
            .analyze(100_000)
            .configurations,
        Some(32)
    );
}

/// Mutations of the real files (a byte deleted, duplicated or replaced by a syntax
/// character) never panic either parser, and errors point into the text.
#[test]
fn mutated_real_files_never_panic_the_parsers() {
    let mut seed = 11;
    for file in ["berkeleydb.uvl", "pc-richmond.uvl", "berkeleydb.dimacs"] {
        let text = read(file);
        let lines = text.lines().count();
        for _ in 0..150 {
            let mut bytes = text.clone().into_bytes();
            let at = rng(&mut seed) as usize % bytes.len();
            let symbols = b"{}()[]\"!&|=<>.*\t\n -0123";
            match rng(&mut seed) % 3 {
                0 => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, bytes[at]),
                _ => bytes[at] = symbols[rng(&mut seed) as usize % symbols.len()],
            }
            let Ok(mutated) = String::from_utf8(bytes) else {
                continue;
            };
            let result = if file.ends_with(".uvl") {
                parse_uvl(&mutated).map(|u| u.model)
            } else {
                parse_dimacs(&mutated)
            };
            if let Err(e) = result {
                assert!(
                    e.line >= 1 && e.line <= lines + 1 && e.column >= 1,
                    "{file}: {e}"
                );
            }
        }
    }
}
