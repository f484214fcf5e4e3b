//! `configurator`: feature-model analysis, propagation, explanation and benchmarks, as JSON.
//!
//! ```text
//! configurator analyze MODEL [--count-budget N]
//! configurator propagate MODEL [--select a,b] [--deselect c] [--reasons]
//! configurator explain MODEL [--select a,b] [--deselect c] --option X
//! configurator bench MODEL [--clicks N] [--seed S] [--no-baseline]
//! ```
//!
//! MODEL is a `.uvl`, `.dimacs` (or `.cnf`) file or a product catalog `.toml`.
//!
//! `propagate` gives `{"satisfiable", "options": {name: state}, "ms", ...}`. With `--reasons`
//! it adds `"reasons": {name: {"kind", "because"}}` for every decided option (none when the
//! choices are unsatisfiable): `kind` is `chosen` (selected or deselected by the user),
//! `core` (in every configuration), `dead` (in none) or `implied` (forced or excluded by the
//! choices). `because` is the subset-minimal set of choices behind an `implied` option, as
//! `explain` gives it, and empty for the other kinds. The kinds cost nothing; `because` costs
//! one explanation (SAT calls) per implied option, so `ms` covers the propagation alone.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use configurator::{Catalog, OptionState};
use feature_model::{
    parse_dimacs, parse_uvl, Analyzer, Baseline, FeatureModel, Propagation, ReasonKind,
};
use serde_json::{json, Map, Value};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", json!({ "error": e }));
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage: configurator (analyze|propagate|explain|bench) MODEL [--select a,b] [--deselect c] [--option X] [--reasons] [--clicks N] [--seed S] [--count-budget N] [--constraint-limit N] [--no-baseline]";

struct Args {
    command: String,
    model: String,
    flags: HashMap<String, String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let (Some(command), Some(model)) = (args.first(), args.get(1)) else {
        return Err(USAGE.into());
    };
    let mut flags = HashMap::new();
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let Some(name) = flag.strip_prefix("--") else {
            return Err(format!("unexpected argument `{flag}`; {USAGE}"));
        };
        if name == "no-baseline" || name == "reasons" {
            flags.insert(name.to_string(), String::new());
            continue;
        }
        let value = rest.next().ok_or(format!("`{flag}` needs a value"))?;
        flags.insert(name.to_string(), value.clone());
    }
    Ok(Args {
        command: command.clone(),
        model: model.clone(),
        flags,
    })
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn load(path: &str) -> Result<(FeatureModel, Vec<String>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    if path.ends_with(".uvl") {
        let uvl = parse_uvl(&text).map_err(|e| format!("{path}: {e}"))?;
        Ok((uvl.model, uvl.warnings))
    } else if path.ends_with(".toml") {
        let catalog = Catalog::from_toml(&text).map_err(|e| format!("{path}: {e}"))?;
        let model = FeatureModel::from_catalog(&catalog).map_err(|e| format!("{path}: {e}"))?;
        Ok((model, Vec::new()))
    } else {
        let model = parse_dimacs(&text).map_err(|e| format!("{path}: {e}"))?;
        Ok((model, Vec::new()))
    }
}

fn names(model: &FeatureModel, list: Option<&String>) -> Result<Vec<usize>, String> {
    let index = model.index();
    list.map(|s| s.split(',').filter(|n| !n.is_empty()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|n| {
            index
                .get(n)
                .copied()
                .ok_or(format!("unknown feature `{n}`"))
        })
        .collect()
}

fn state_name(s: OptionState) -> &'static str {
    match s {
        OptionState::Selectable => "selectable",
        OptionState::Selected => "selected",
        OptionState::Forced => "forced",
        OptionState::Excluded => "excluded",
    }
}

fn literals(model: &FeatureModel, lits: &[i32]) -> Vec<Value> {
    lits.iter()
        .map(|&l| {
            let name = &model.names[l.unsigned_abs() as usize - 1];
            if l > 0 {
                json!({ "select": name })
            } else {
                json!({ "deselect": name })
            }
        })
        .collect()
}

fn kind_name(k: ReasonKind) -> &'static str {
    match k {
        ReasonKind::Chosen => "chosen",
        ReasonKind::Core => "core",
        ReasonKind::Dead => "dead",
        ReasonKind::Implied => "implied",
    }
}

/// `{name: {"kind", "because"}}` for the decided options of `p`; one explanation per
/// implied option (the others need none).
fn reasons(
    model: &FeatureModel,
    analyzer: &mut Analyzer,
    p: &Propagation,
    select: &[usize],
    deselect: &[usize],
) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, name) in model.names.iter().enumerate() {
        let Some(kind) = p.reason(i) else {
            continue;
        };
        let because = match kind {
            ReasonKind::Implied => analyzer.explain(select, deselect, i).choices,
            _ => Vec::new(),
        };
        out.insert(
            name.clone(),
            json!({ "kind": kind_name(kind), "because": literals(model, &because) }),
        );
    }
    out
}

fn run(args: &[String]) -> Result<Value, String> {
    let args = parse_args(args)?;
    let t = Instant::now();
    let (model, warnings) = load(&args.model)?;
    let parse_ms = ms(t);
    let number = |name: &str, default: u64| -> Result<u64, String> {
        args.flags.get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("--{name}: not a number: {v}"))
        })
    };
    let select = names(&model, args.flags.get("select"))?;
    let deselect = names(&model, args.flags.get("deselect"))?;
    let t = Instant::now();
    let mut analyzer = Analyzer::new(model.clone());
    let load_ms = ms(t);
    match args.command.as_str() {
        "analyze" => {
            let t = Instant::now();
            let a = analyzer.analyze(number("count-budget", 200_000)?);
            let analyze_ms = ms(t);
            let t = Instant::now();
            let limit = number("constraint-limit", 10_000)?;
            let constraints = if model.constraints.len() as u64 <= limit {
                let c = analyzer.analyze_constraints();
                json!({ "count": model.constraints.len(), "redundant": c.redundant, "contradicting": c.contradicting })
            } else {
                json!({ "count": model.constraints.len(), "skipped": format!("more than --constraint-limit {limit}") })
            };
            let constraints_ms = ms(t);
            let by_name =
                |v: &[usize]| -> Vec<&str> { v.iter().map(|&i| model.names[i].as_str()).collect() };
            Ok(json!({
                "features": model.features(),
                "variables": model.vars,
                "clauses": model.clauses.len(),
                "consistent": a.consistent,
                "core_count": a.core.len(),
                "dead_count": a.dead.len(),
                "false_optional_count": a.false_optional.len(),
                "configurations": a.configurations.map(|n| n.to_string()),
                "core": by_name(&a.core),
                "dead": by_name(&a.dead),
                "false_optional": by_name(&a.false_optional),
                "constraints": constraints,
                "warnings": warnings,
                "ms": { "parse": parse_ms, "core_dead": load_ms, "analyze": analyze_ms, "constraints": constraints_ms },
            }))
        }
        "propagate" => {
            let t = Instant::now();
            let p = analyzer.propagate(&select, &deselect);
            let propagate_ms = ms(t);
            let mut options = Map::new();
            for (i, s) in p.states.iter().enumerate() {
                options.insert(model.names[i].clone(), json!(state_name(*s)));
            }
            let mut out = json!({
                "satisfiable": p.satisfiable,
                "conflict": literals(&model, &p.conflict),
                "options": options,
                "sat_calls": p.sat_calls,
                "ms": propagate_ms,
                "load_ms": parse_ms + load_ms,
            });
            if args.flags.contains_key("reasons") {
                let reasons = reasons(&model, &mut analyzer, &p, &select, &deselect);
                out["reasons"] = Value::Object(reasons);
            }
            Ok(out)
        }
        "explain" => {
            let option = args.flags.get("option").ok_or("explain needs --option")?;
            let f = model
                .feature(option)
                .ok_or(format!("unknown feature `{option}`"))?;
            let t = Instant::now();
            let e = analyzer.explain(&select, &deselect, f);
            let explain_ms = ms(t);
            let model_alone = e.choices.is_empty()
                && matches!(e.state, OptionState::Forced | OptionState::Excluded);
            Ok(json!({
                "option": option,
                "state": state_name(e.state),
                "because": literals(&model, &e.choices),
                "by_model_alone": model_alone,
                "ms": explain_ms,
            }))
        }
        "bench" => bench(
            &model,
            analyzer,
            number("clicks", 100)?,
            number("seed", 1)?,
            load_ms,
            !args.flags.contains_key("no-baseline"),
        ),
        other => Err(format!("unknown command `{other}`; {USAGE}")),
    }
}

/// splitmix64
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn percentiles(mut v: Vec<f64>) -> Value {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    if v.is_empty() {
        return Value::Null;
    }
    json!({ "p50": at(0.5), "p90": at(0.9), "max": v[v.len() - 1], "mean": v.iter().sum::<f64>() / v.len() as f64 })
}

fn bench(
    model: &FeatureModel,
    mut analyzer: Analyzer,
    clicks: u64,
    seed: u64,
    load_ms: f64,
    with_baseline: bool,
) -> Result<Value, String> {
    let mut rng = Rng(seed);
    let t = Instant::now();
    let mut baseline = with_baseline.then(|| Baseline::new(model));
    let baseline_load_ms = ms(t);
    let (mut select, mut deselect) = (Vec::new(), Vec::new());
    let mut times = Vec::new();
    let mut base_times = Vec::new();
    let mut calls = Vec::new();
    let mut mismatches = 0;
    let mut restarts = 0;
    let mut p = analyzer.propagate(&select, &deselect);
    for _ in 0..clicks {
        let selectable: Vec<usize> = (0..model.features())
            .filter(|&i| p.states[i] == OptionState::Selectable)
            .collect();
        if selectable.is_empty() {
            // Complete: start a new configuration.
            restarts += 1;
            select.clear();
            deselect.clear();
        } else {
            let f = selectable[rng.below(selectable.len())];
            if rng.next() & 1 == 0 {
                select.push(f);
            } else {
                deselect.push(f);
            }
        }
        let t = Instant::now();
        p = analyzer.propagate(&select, &deselect);
        times.push(ms(t));
        calls.push(p.sat_calls as f64);
        if !p.satisfiable {
            return Err(
                "a click on a selectable option made the choices unsatisfiable (bug)".into(),
            );
        }
        let Some(baseline) = baseline.as_mut() else {
            continue;
        };
        let t = Instant::now();
        let b = baseline.values(&select, &deselect);
        base_times.push(ms(t));
        let b = b.ok_or("baseline: unsatisfiable")?;
        for (i, s) in p.states.iter().enumerate() {
            let expected = match b[i] {
                Some(true) => matches!(s, OptionState::Forced | OptionState::Selected),
                Some(false) => *s == OptionState::Excluded,
                None => *s == OptionState::Selectable,
            };
            if !expected {
                mismatches += 1;
            }
        }
    }
    Ok(json!({
        "features": model.features(),
        "clauses": model.clauses.len(),
        "clicks": clicks,
        "seed": seed,
        "restarts": restarts,
        "load_ms": load_ms,
        "click_ms": percentiles(times),
        "sat_calls_per_click": percentiles(calls),
        "baseline_load_ms": with_baseline.then_some(baseline_load_ms),
        "baseline_click_ms": percentiles(base_times),
        "mismatches_vs_baseline": with_baseline.then_some(mismatches),
    }))
}
