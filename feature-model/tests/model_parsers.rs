//! The UVL and DIMACS parsers: error positions, the Boolean semantics of UVL, and property
//! tests that round-trip generated models.

use configurator::OptionState;
use feature_model::{
    parse_dimacs, parse_uvl, write_dimacs, Analyzer, FeatureModel, ModelError, ReasonKind,
};
use proptest::prelude::*;

fn error(r: Result<impl std::fmt::Debug, ModelError>) -> (usize, usize, String) {
    let e = r.expect_err("a parse error");
    (e.line, e.column, e.expected)
}

#[test]
fn dimacs_names_and_errors() {
    let m = parse_dimacs("c 1 a\nc 2 two words\np cnf 3 2\n1 -2 0\n2 3\n0\n").unwrap();
    assert_eq!(m.names, ["a", "two words", "x3"]);
    assert_eq!(m.clauses, [vec![1, -2], vec![2, 3]]);
    assert_eq!(parse_dimacs(&write_dimacs(&m)).unwrap(), m);
    let (line, column, expected) = error(parse_dimacs("p cnf 2 1\n1 x 0\n"));
    assert_eq!((line, column), (2, 3));
    assert!(expected.contains("literal"), "{expected}");
    let (line, column, _) = error(parse_dimacs("p cnf 2 1\n1 3 0\n"));
    assert_eq!((line, column), (2, 3));
    let (line, column, expected) = error(parse_dimacs("c only\n1 2 0\n"));
    assert_eq!((line, column), (2, 1));
    assert!(expected.contains("p cnf"), "{expected}");
    let (line, column, _) = error(parse_dimacs("p cnf 2 1\n1 2\n"));
    assert_eq!((line, column), (2, 1));
    let (line, column, expected) = error(parse_dimacs("p dnf 2 1\n"));
    assert_eq!((line, column, expected.as_str()), (1, 3, "`cnf`"));
}

const CAR: &str = r#"namespace Car

features
    Car {abstract true}
        mandatory
            Engine
                alternative
                    Petrol
                    "Electric motor" {price 3, note "a } in a string"}
        optional
            Towbar
            Roof
                [1..2]
                    Glass
                    Rack
                    Box
        or
            Radio
            Nav

constraints
    Towbar => Petrol // no towbar on the electric one
    Nav & !Radio | Box <=> Rack
"#;

#[test]
fn uvl_semantics() {
    let uvl = parse_uvl(CAR).unwrap();
    let m = &uvl.model;
    assert_eq!(uvl.warnings.len(), 1, "{:?}", uvl.warnings);
    assert_eq!(m.names[..4], ["Car", "Engine", "Petrol", "Electric motor"]);
    let f = |n: &str| m.feature(n).unwrap();
    assert_eq!(m.parents[f("Glass")], Some(f("Roof")));
    assert!(m.optional[f("Roof")] && !m.optional[f("Engine")]);
    // Brute force over the 11 features against the formula written by hand.
    let n = m.features();
    let mut a = Analyzer::new(m.clone());
    for bits in 0u32..1 << n {
        let on = |name: &str| bits >> f(name) & 1 == 1;
        let card = [on("Glass"), on("Rack"), on("Box")]
            .iter()
            .filter(|&&b| b)
            .count();
        let expected = on("Car")
            && on("Engine")
            && (on("Petrol") != on("Electric motor"))
            && (on("Petrol") || on("Electric motor") || !on("Engine"))
            && (!on("Roof") || (1..=2).contains(&card))
            && (on("Roof") || card == 0)
            && (on("Radio") || on("Nav"))
            && (!on("Towbar") || on("Petrol"))
            && (((on("Nav") && !on("Radio")) || on("Box")) == on("Rack"));
        let select: Vec<usize> = (0..n).filter(|&i| bits >> i & 1 == 1).collect();
        let deselect: Vec<usize> = (0..n).filter(|&i| bits >> i & 1 == 0).collect();
        assert_eq!(
            a.propagate(&select, &deselect).satisfiable,
            expected,
            "{select:?}"
        );
    }
    assert_eq!(a.analyze(10_000).configurations, Some(brute_count(m)));
}

fn brute_count(m: &FeatureModel) -> u128 {
    let n = m.features();
    let mut a = Analyzer::new(m.clone());
    (0u32..1 << n)
        .filter(|bits| {
            let select: Vec<usize> = (0..n).filter(|&i| bits >> i & 1 == 1).collect();
            let deselect: Vec<usize> = (0..n).filter(|&i| bits >> i & 1 == 0).collect();
            a.propagate(&select, &deselect).satisfiable
        })
        .count() as u128
}

#[test]
fn uvl_errors_give_line_column_and_expected() {
    let cases: [(&str, usize, usize, &str); 7] = [
        (
            "features\n\tA\n\t\tmandatory\n\t\t\tB &\n",
            4,
            6,
            "attribute block",
        ),
        ("features\n\tA\n\t\tsometimes\n\t\t\tB\n", 3, 3, "a group"),
        (
            "features\n\tA\n\t\toptional\n\t\t\tB\nconstraints\n\tA => (B | C)\n",
            6,
            12,
            "a declared feature",
        ),
        (
            "features\n\tA\n\t\toptional\n\t\t\tB\nconstraints\n\tA => (B | A\n",
            6,
            13,
            "`)`",
        ),
        (
            "features\n\tA\n\t\t[1..]\n\t\t\tB\n",
            3,
            7,
            "a number or `*`",
        ),
        (
            "namespace X\nimports\n\tY as Z\nfeatures\n\tA\n",
            2,
            1,
            "imports are not supported",
        ),
        ("features\n\tA {abstract\n", 2, 4, "`}`"),
    ];
    for (text, line, column, expected) in cases {
        let (l, c, e) = error(parse_uvl(text));
        assert_eq!((l, c), (line, column), "{text:?}: {e}");
        assert!(e.contains(expected), "{text:?}: {e}");
    }
}

#[derive(Clone, Debug)]
enum Kind {
    Mandatory,
    Optional,
    Or,
    Alternative,
    Card(u64, u64),
}

#[derive(Clone, Debug)]
enum E {
    Var(usize),
    Not(Box<E>),
    Bin(&'static str, Box<E>, Box<E>),
}

fn expr(n: usize) -> impl Strategy<Value = E> {
    let leaf = (0..n).prop_map(E::Var);
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| E::Not(Box::new(e))),
            (
                prop::sample::select(vec!["&", "|", "=>", "<=>"]),
                inner.clone(),
                inner
            )
                .prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
        ]
    })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Mandatory),
        Just(Kind::Optional),
        Just(Kind::Or),
        Just(Kind::Alternative),
        (0u64..3, 0u64..3).prop_map(|(a, b)| Kind::Card(a.min(b), a.max(b))),
    ]
}

/// A generated model: per feature after the root, its parent and group slot (0 or 1); a
/// group kind per (feature, slot); constraints.
#[derive(Clone, Debug)]
struct Generated {
    n: usize,
    parent: Vec<(usize, usize)>,
    kinds: Vec<Kind>,
    constraints: Vec<E>,
}

fn generated() -> impl Strategy<Value = Generated> {
    (2usize..8).prop_flat_map(|n| {
        (
            (1..n).map(|i| (0..i, 0usize..2)).collect::<Vec<_>>(),
            prop::collection::vec(kind(), 2 * n),
            prop::collection::vec(expr(n), 0..3),
        )
            .prop_map(move |(parent, kinds, constraints)| Generated {
                n,
                parent,
                kinds,
                constraints,
            })
    })
}

fn name(i: usize) -> String {
    if i % 3 == 2 {
        format!("\"f {i}\"")
    } else {
        format!("f{i}")
    }
}

fn print_expr(e: &E) -> String {
    match e {
        E::Var(i) => name(*i),
        E::Not(e) => format!("!{}", print_expr(e)),
        E::Bin(op, a, b) => format!("({} {op} {})", print_expr(a), print_expr(b)),
    }
}

impl Generated {
    fn children(&self, p: usize, slot: usize) -> Vec<usize> {
        (1..self.n)
            .filter(|&i| self.parent[i - 1] == (p, slot))
            .collect()
    }

    fn print(&self) -> String {
        let mut out = String::from("namespace Gen\nfeatures\n");
        self.print_feature(0, 1, &mut out);
        if !self.constraints.is_empty() {
            out.push_str("constraints\n");
            for c in &self.constraints {
                out.push_str(&format!("    {}\n", print_expr(c)));
            }
        }
        out
    }

    fn print_feature(&self, f: usize, depth: usize, out: &mut String) {
        let attrs = if f % 4 == 1 { " {abstract true}" } else { "" };
        out.push_str(&format!("{}{}{attrs}\n", "    ".repeat(depth), name(f)));
        for slot in 0..2 {
            let children = self.children(f, slot);
            if children.is_empty() {
                continue;
            }
            let keyword = match &self.kinds[2 * f + slot] {
                Kind::Mandatory => "mandatory".to_string(),
                Kind::Optional => "optional".to_string(),
                Kind::Or => "or".to_string(),
                Kind::Alternative => "alternative".to_string(),
                Kind::Card(a, b) if a == b => format!("[{a}]"),
                Kind::Card(a, b) => format!("[{a}..{b}]"),
            };
            out.push_str(&format!("{}{keyword}\n", "    ".repeat(depth + 1)));
            for c in children {
                self.print_feature(c, depth + 2, out);
            }
        }
    }

    fn eval(e: &E, on: &[bool]) -> bool {
        match e {
            E::Var(i) => on[*i],
            E::Not(e) => !Self::eval(e, on),
            E::Bin(op, a, b) => {
                let (a, b) = (Self::eval(a, on), Self::eval(b, on));
                match *op {
                    "&" => a && b,
                    "|" => a || b,
                    "=>" => !a || b,
                    _ => a == b,
                }
            }
        }
    }

    /// Whether `on` (by generated feature index) is a valid configuration.
    fn valid(&self, on: &[bool]) -> bool {
        if !on[0] {
            return false;
        }
        for i in 1..self.n {
            if on[i] && !on[self.parent[i - 1].0] {
                return false;
            }
        }
        for f in 0..self.n {
            for slot in 0..2 {
                let children = self.children(f, slot);
                if children.is_empty() || !on[f] {
                    continue;
                }
                let k = children.iter().filter(|&&c| on[c]).count() as u64;
                let ok = match &self.kinds[2 * f + slot] {
                    Kind::Mandatory => k == children.len() as u64,
                    Kind::Optional => true,
                    Kind::Or => k >= 1,
                    Kind::Alternative => k == 1,
                    Kind::Card(a, b) => (*a..=*b).contains(&k),
                };
                if !ok {
                    return false;
                }
            }
        }
        self.constraints.iter().all(|c| Self::eval(c, on))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Generated UVL parses to a model whose configurations are exactly the generated ones,
    /// and the model survives a DIMACS round trip unchanged.
    #[test]
    fn generated_uvl_round_trips(g in generated()) {
        let text = g.print();
        let uvl = parse_uvl(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let m = uvl.model;
        prop_assert_eq!(m.features(), g.n);
        // Parsed feature order is depth-first; map generated indices to parsed ones.
        let index: Vec<usize> = (0..g.n)
            .map(|i| m.feature(name(i).trim_matches('"')).expect("declared"))
            .collect();
        let mut analyzer = Analyzer::new(m.clone());
        let mut valid = 0u128;
        for bits in 0u32..1 << g.n {
            let on: Vec<bool> = (0..g.n).map(|i| bits >> i & 1 == 1).collect();
            let select: Vec<usize> = (0..g.n).filter(|&i| on[i]).map(|i| index[i]).collect();
            let deselect: Vec<usize> = (0..g.n).filter(|&i| !on[i]).map(|i| index[i]).collect();
            prop_assert_eq!(analyzer.propagate(&select, &deselect).satisfiable, g.valid(&on), "{:?}\n{}", on, text);
            valid += u128::from(g.valid(&on));
        }
        prop_assert_eq!(analyzer.analyze(100_000).configurations, Some(valid), "{}", text);
        let again = parse_dimacs(&write_dimacs(&m)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Auxiliary variables come back as features named `x<n>`.
        prop_assert_eq!(&again.names[..m.features()], &m.names[..]);
        prop_assert_eq!(&again.clauses, &m.clauses);
        prop_assert_eq!(again.vars, m.vars);
    }

    /// Random CNF written as DIMACS parses back to the same clauses and names.
    #[test]
    fn generated_dimacs_round_trips(
        vars in 1u32..20,
        clauses in prop::collection::vec(prop::collection::vec((0u32..20, any::<bool>()), 1..5), 0..30),
        named in prop::collection::vec(any::<bool>(), 20),
    ) {
        let m = FeatureModel {
            names: (0..vars).map(|i| if named[i as usize] { format!("feature {i}") } else { format!("x{}", i + 1) }).collect(),
            vars,
            clauses: clauses
                .iter()
                .map(|c| c.iter().map(|&(v, p)| { let l = (v % vars) as i32 + 1; if p { l } else { -l } }).collect())
                .collect(),
            parents: vec![None; vars as usize],
            optional: vec![false; vars as usize],
            aux_determined: true,
            constraints: Vec::new(),
        };
        let again = parse_dimacs(&write_dimacs(&m)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, m);
    }

    /// Arbitrary text never panics either parser.
    #[test]
    fn parsers_never_panic(text in "[a-z\"{}()\\[\\]!&|=<>.*0-9 \t\n-]{0,200}") {
        let _ = parse_uvl(&text);
        let _ = parse_dimacs(&text);
        let _ = parse_uvl(&format!("features\n\tA\n\t\toptional\n\t\t\tB\nconstraints\n\t{text}\n"));
    }
}

/// Checks the reason kinds of one propagation against brute force over the `n` features
/// (`valid` judges a full assignment, in model order): `chosen` for the choices, `core` and
/// `dead` exactly for the other features the model alone fixes, `implied` for the rest of the
/// decided ones, with an explanation whose choices imply the state and are subset-minimal.
fn check_reasons(
    analyzer: &mut Analyzer,
    n: usize,
    valid: impl Fn(&[bool]) -> bool,
    choices: &[(usize, bool)],
) -> Result<(), TestCaseError> {
    let configs: Vec<Vec<bool>> = (0u32..1 << n)
        .map(|bits| (0..n).map(|i| bits >> i & 1 == 1).collect::<Vec<bool>>())
        .filter(|on| valid(on))
        .collect();
    // Whether every configuration that agrees with `lits` has `f` at `value`.
    let implies = |lits: &[(usize, bool)], f: usize, value: bool| {
        configs
            .iter()
            .filter(|on| lits.iter().all(|&(i, v)| on[i] == v))
            .all(|on| on[f] == value)
    };
    let select: Vec<usize> = choices.iter().filter(|c| c.1).map(|c| c.0).collect();
    let deselect: Vec<usize> = choices.iter().filter(|c| !c.1).map(|c| c.0).collect();
    let p = analyzer.propagate(&select, &deselect);
    let satisfiable = configs
        .iter()
        .any(|on| choices.iter().all(|&(i, v)| on[i] == v));
    prop_assert_eq!(p.satisfiable, satisfiable);
    for f in 0..n {
        let reason = p.reason(f);
        if !satisfiable {
            prop_assert_eq!(reason, None);
            continue;
        }
        let expected = if choices.iter().any(|c| c.0 == f) {
            Some(ReasonKind::Chosen)
        } else if p.states[f] == OptionState::Selectable {
            prop_assert!(!implies(choices, f, true) && !implies(choices, f, false));
            None
        } else if implies(&[], f, true) {
            Some(ReasonKind::Core)
        } else if implies(&[], f, false) {
            Some(ReasonKind::Dead)
        } else {
            Some(ReasonKind::Implied)
        };
        prop_assert_eq!(reason, expected, "feature {} ({:?})", f, p.states[f]);
        if reason != Some(ReasonKind::Implied) {
            continue;
        }
        let e = analyzer.explain(&select, &deselect, f);
        prop_assert_eq!(e.state, p.states[f]);
        let value = e.state == OptionState::Forced;
        let because: Vec<(usize, bool)> = e
            .choices
            .iter()
            .map(|&l| (l.unsigned_abs() as usize - 1, l > 0))
            .collect();
        prop_assert!(!because.is_empty(), "implied without choices: {}", f);
        prop_assert!(because.iter().all(|c| choices.contains(c)), "{:?}", because);
        prop_assert!(
            implies(&because, f, value),
            "{:?} do not imply {}",
            because,
            f
        );
        for k in 0..because.len() {
            let mut fewer = because.clone();
            fewer.remove(k);
            prop_assert!(
                !implies(&fewer, f, value),
                "{:?} is not minimal for {}",
                because,
                f
            );
        }
    }
    Ok(())
}

fn raw_choices() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((0usize..20, any::<bool>()), 0..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Reason kinds and the explanations of implied features on generated UVL models.
    #[test]
    fn generated_uvl_reasons_match_brute_force(g in generated(), raw in raw_choices()) {
        let text = g.print();
        let m = parse_uvl(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?.model;
        // Parsed index of each generated feature.
        let index: Vec<usize> = (0..g.n)
            .map(|i| m.feature(name(i).trim_matches('"')).expect("declared"))
            .collect();
        let valid = |on: &[bool]| {
            let generated: Vec<bool> = index.iter().map(|&p| on[p]).collect();
            g.valid(&generated)
        };
        let choices: Vec<(usize, bool)> = raw.iter().map(|&(i, v)| (i % g.n, v)).collect();
        let mut analyzer = Analyzer::new(m);
        check_reasons(&mut analyzer, g.n, valid, &choices)?;
        // Again with the same analyzer and no choices (kept witnesses and states reused).
        check_reasons(&mut analyzer, g.n, valid, &[])?;
    }

    /// The same on random CNF (every variable a feature; the model may be inconsistent).
    #[test]
    fn random_cnf_reasons_match_brute_force(
        vars in 1u32..9,
        clauses in prop::collection::vec(prop::collection::vec((0u32..9, any::<bool>()), 1..4), 0..12),
        raw in raw_choices(),
    ) {
        let m = FeatureModel {
            names: (0..vars).map(|i| format!("x{}", i + 1)).collect(),
            vars,
            clauses: clauses
                .iter()
                .map(|c| c.iter().map(|&(v, p)| { let l = (v % vars) as i32 + 1; if p { l } else { -l } }).collect())
                .collect(),
            parents: vec![None; vars as usize],
            optional: vec![false; vars as usize],
            aux_determined: true,
            constraints: Vec::new(),
        };
        let n = vars as usize;
        let choices: Vec<(usize, bool)> = raw.iter().map(|&(i, v)| (i % n, v)).collect();
        let mut analyzer = Analyzer::new(m.clone());
        check_reasons(&mut analyzer, n, |on| m.satisfied_by(on), &choices)?;
    }
}

#[test]
fn redundant_and_contradicting_constraints() {
    let text =
        "features\n\tA\n\t\toptional\n\t\t\tB\n\t\t\tC\n\t\t\tD\n\t\t\tE\n\t\t\tF\n\t\t\tG\n\
                constraints\n\tB => C\n\tC => D\n\tB => D\n\tE => !F\n\tF => E\n\tG | !G\n";
    let uvl = parse_uvl(text).unwrap();
    assert_eq!(uvl.model.constraints.len(), 6);
    let mut a = Analyzer::new(uvl.model);
    let c = a.analyze_constraints();
    // `B => D` follows from the first two; `G | !G` always holds.
    assert_eq!(c.redundant, [2, 5]);
    // `E => !F` and `F => E` together make F dead.
    assert_eq!(c.contradicting, [3, 4]);
    // An inconsistent model: a minimal clashing set.
    let text = "features\n\tA\n\t\tmandatory\n\t\t\tB\n\t\toptional\n\t\t\tC\nconstraints\n\tC\n\tB => !A\n";
    let mut a = Analyzer::new(parse_uvl(text).unwrap().model);
    assert!(!a.consistent());
    assert_eq!(a.analyze_constraints().contradicting, [1]);
}
