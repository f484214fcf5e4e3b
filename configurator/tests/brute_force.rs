//! The engine against brute-force enumeration of every assignment, on random small catalogs
//! (a sales-mode group plus 1–3 groups, at most 10 options, up to 4 random rules).

use std::collections::HashSet;

use configurator::{
    Cardinality, Catalog, CatalogError, CatalogOption, Check, Choice, Click, Engine, Expr, Group,
    GroupDisplay, Localized, OptionState, Prices, Reason, Rule, SalesMode,
};
use proptest::prelude::*;

// ----------------------------------------------------------------------------- the model

/// A random catalog and everything the brute force needs to know about it.
#[derive(Clone, Debug)]
struct World {
    catalog: Catalog,
    ids: Vec<String>,
    /// Per group: cardinality and option index range.
    groups: Vec<(String, Cardinality, std::ops::Range<usize>)>,
    rules: Vec<(String, Expr)>,
}

/// Constraints switched on, by catalog index.
struct Active {
    rules: Vec<bool>,
    groups: Vec<bool>,
}

impl World {
    fn n(&self) -> usize {
        self.ids.len()
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|i| i == id)
    }

    fn all(&self) -> Active {
        Active {
            rules: vec![true; self.rules.len()],
            groups: vec![true; self.groups.len()],
        }
    }

    fn on(&self, assignment: u32, i: usize) -> bool {
        assignment >> i & 1 == 1
    }

    fn satisfies(&self, assignment: u32, active: &Active) -> bool {
        let groups = self
            .groups
            .iter()
            .zip(&active.groups)
            .all(|((_, card, range), &on)| {
                let count = range.clone().filter(|&i| self.on(assignment, i)).count();
                !on || match card {
                    Cardinality::ExactlyOne => count == 1,
                    Cardinality::AtMostOne => count <= 1,
                    Cardinality::Any => true,
                }
            });
        groups
            && self.rules.iter().zip(&active.rules).all(|((_, e), &on)| {
                !on || e.eval(&|id: &str| self.index(id).is_some_and(|i| self.on(assignment, i)))
            })
    }

    /// Assignments satisfying the literals and the active constraints.
    fn completions<'a>(
        &'a self,
        lits: &'a [(usize, bool)],
        active: &'a Active,
    ) -> impl Iterator<Item = u32> + 'a {
        (0..1u32 << self.n()).filter(move |&a| {
            lits.iter().all(|&(i, on)| self.on(a, i) == on) && self.satisfies(a, active)
        })
    }

    fn satisfiable(&self, lits: &[(usize, bool)], active: &Active) -> bool {
        self.completions(lits, active).next().is_some()
    }

    fn lits(&self, choices: &[Choice]) -> Vec<(usize, bool)> {
        choices
            .iter()
            .filter_map(|c| Some((self.index(c.option())?, c.is_select())))
            .collect()
    }

    /// Splits reasons into choice literals and active constraints.
    fn split(&self, reasons: &[Reason]) -> (Vec<(usize, bool)>, Active) {
        let mut lits = Vec::new();
        let mut active = Active {
            rules: vec![false; self.rules.len()],
            groups: vec![false; self.groups.len()],
        };
        for reason in reasons {
            match reason {
                Reason::Chosen { option, selected } => {
                    lits.push((self.index(option).expect("known option"), *selected));
                }
                Reason::Rule { rule } => {
                    let r = self.rules.iter().position(|(id, _)| id == rule);
                    active.rules[r.expect("known rule")] = true;
                }
                Reason::Group { group } => {
                    let g = self.groups.iter().position(|(id, _, _)| id == group);
                    active.groups[g.expect("known group")] = true;
                }
            }
        }
        (lits, active)
    }

    /// Asserts that `reasons` (with `extra` literals) are unsatisfiable, and subset-minimal:
    /// choices with all constraints, constraints with those choices.
    fn assert_minimal_unsat(&self, reasons: &[Reason], extra: &[(usize, bool)], what: &str) {
        let (lits, active) = self.split(reasons);
        let with = |lits: &[(usize, bool)]| [lits, extra].concat();
        assert!(
            !self.satisfiable(&with(&lits), &active),
            "{what}: {reasons:?} insufficient"
        );
        for k in 0..lits.len() {
            let mut fewer = lits.clone();
            fewer.remove(k);
            assert!(
                self.satisfiable(&with(&fewer), &self.all()),
                "{what}: {reasons:?} not minimal, choice {k} is redundant"
            );
        }
        for r in 0..self.rules.len() {
            if active.rules[r] {
                let mut fewer = Active {
                    rules: active.rules.clone(),
                    groups: active.groups.clone(),
                };
                fewer.rules[r] = false;
                assert!(
                    self.satisfiable(&with(&lits), &fewer),
                    "{what}: {reasons:?} rule redundant"
                );
            }
        }
        for g in 0..self.groups.len() {
            if active.groups[g] {
                let mut fewer = Active {
                    rules: active.rules.clone(),
                    groups: active.groups.clone(),
                };
                fewer.groups[g] = false;
                assert!(
                    self.satisfiable(&with(&lits), &fewer),
                    "{what}: {reasons:?} group redundant"
                );
            }
        }
    }

    /// Distinct choice literals of `choices`, ordered by last occurrence.
    fn items(&self, choices: &[Choice]) -> Vec<(usize, bool)> {
        let mut items: Vec<(usize, bool)> = Vec::new();
        for lit in self.lits(choices) {
            items.retain(|&l| l != lit);
            items.push(lit);
        }
        items
    }

    /// The drop set the engine must find: fewest items, ties by bit mask (older first).
    fn expected_drop(&self, items: &[(usize, bool)], wanted: (usize, bool)) -> Vec<(usize, bool)> {
        let mut masks: Vec<u32> = (0..1u32 << items.len()).collect();
        masks.sort_by_key(|&m| (m.count_ones(), m));
        let all = self.all();
        for mask in masks {
            let mut kept: Vec<(usize, bool)> = (0..items.len())
                .filter(|&k| mask >> k & 1 == 0)
                .map(|k| items[k])
                .collect();
            kept.push(wanted);
            if self.satisfiable(&kept, &all) {
                return (0..items.len())
                    .filter(|&k| mask >> k & 1 == 1)
                    .map(|k| items[k])
                    .collect();
            }
        }
        unreachable!("dropping everything fits a possible choice")
    }
}

// ----------------------------------------------------------------------------- generators

fn text(s: &str) -> Localized {
    Localized::new(s, s)
}

fn option(id: String, sales_mode: Option<SalesMode>) -> CatalogOption {
    CatalogOption {
        name: text(&id),
        id,
        description: None,
        swatch: None,
        price: Prices::default(),
        lease_terms: None,
        sales_mode,
    }
}

/// An expression over placeholder variables `0..10`, mapped to options later.
fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        8 => (0..10usize).prop_map(|v| Expr::Var(v.to_string())),
        1 => any::<bool>().prop_map(Expr::Const),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Expr::Implies(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Iff(Box::new(a), Box::new(b))),
        ]
    })
}

fn rename(e: &Expr, ids: &[String]) -> Expr {
    let all = |es: &[Expr]| es.iter().map(|e| rename(e, ids)).collect();
    match e {
        Expr::Const(b) => Expr::Const(*b),
        Expr::Var(v) => Expr::Var(ids[v.parse::<usize>().unwrap() % ids.len()].clone()),
        Expr::Not(a) => Expr::Not(Box::new(rename(a, ids))),
        Expr::And(es) => Expr::And(all(es)),
        Expr::Or(es) => Expr::Or(all(es)),
        Expr::Implies(a, b) => Expr::Implies(Box::new(rename(a, ids)), Box::new(rename(b, ids))),
        Expr::Iff(a, b) => Expr::Iff(Box::new(rename(a, ids)), Box::new(rename(b, ids))),
    }
}

fn cardinality() -> impl Strategy<Value = Cardinality> {
    prop_oneof![
        Just(Cardinality::ExactlyOne),
        Just(Cardinality::AtMostOne),
        Just(Cardinality::Any)
    ]
}

fn world() -> impl Strategy<Value = World> {
    // Sizes up to 7 exercise the sequential-counter encoding of large groups; the total is
    // capped at 8 options besides the two sales modes.
    let size = prop_oneof![4 => 1..=3usize, 1 => 4..=7usize];
    let group = (cardinality(), size, prop::option::of(0..3usize));
    (
        prop::collection::vec(group, 1..=3),
        prop::collection::vec(expr(), 0..=4),
    )
        .prop_map(|(specs, exprs)| {
            let mut ids = vec!["buy".to_owned(), "rent".to_owned()];
            let mut groups = vec![("mode".to_owned(), Cardinality::ExactlyOne, 0..2)];
            let mut catalog_groups = vec![Group {
                id: "mode".into(),
                name: text("mode"),
                cardinality: Cardinality::ExactlyOne,
                display: GroupDisplay::Cards,
                default: None,
                options: vec![
                    option("buy".into(), Some(SalesMode::Purchase)),
                    option("rent".into(), Some(SalesMode::Lease)),
                ],
            }];
            for (g, (cardinality, size, default)) in specs.into_iter().enumerate() {
                let start = ids.len();
                let size = size.min(10 - start);
                if size == 0 {
                    break;
                }
                let options: Vec<CatalogOption> = (0..size)
                    .map(|k| option(format!("o{}", start - 2 + k), None))
                    .collect();
                ids.extend(options.iter().map(|o| o.id.clone()));
                let id = format!("g{g}");
                groups.push((id.clone(), cardinality, start..ids.len()));
                catalog_groups.push(Group {
                    name: text(&id),
                    id,
                    cardinality,
                    display: GroupDisplay::List,
                    default: default.filter(|&d| d < size).map(|d| options[d].id.clone()),
                    options,
                });
            }
            let rules: Vec<(String, Expr)> = exprs
                .iter()
                .enumerate()
                .map(|(r, e)| (format!("r{r}"), rename(e, &ids)))
                .collect();
            let catalog = Catalog {
                car_line: "random".into(),
                version: 1,
                name: text("random"),
                base_price: Prices::default(),
                groups: catalog_groups,
                rules: rules
                    .iter()
                    .map(|(id, e)| Rule {
                        id: id.clone(),
                        expr: e.to_string(),
                        text: text(id),
                    })
                    .collect(),
            };
            World {
                catalog,
                ids,
                groups,
                rules,
            }
        })
}

/// Choices as (option slot, select?) pairs, mapped onto the world's options.
fn raw_choices() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((0..10usize, prop::bool::weighted(0.75)), 0..=6)
}

fn choices(world: &World, raw: &[(usize, bool)]) -> Vec<Choice> {
    raw.iter()
        .map(|&(slot, select)| {
            let id = world.ids[slot % world.n()].clone();
            if select {
                Choice::Select(id)
            } else {
                Choice::Deselect(id)
            }
        })
        .collect()
}

/// The engine, or `None` for an inconsistent catalog (checked against brute force).
fn engine(world: &World) -> Option<Engine> {
    match Engine::new(world.catalog.clone()) {
        Ok(engine) => {
            assert!(world.satisfiable(&[], &world.all()));
            Some(engine)
        }
        Err(CatalogError::Inconsistent) => {
            assert!(!world.satisfiable(&[], &world.all()));
            None
        }
        Err(other) => panic!("unexpected {other}"),
    }
}

// ----------------------------------------------------------------------------- properties

fn assert_check(world: &World, choices: &[Choice], check: &Check) {
    let all = world.all();
    let lits = world.lits(choices);
    let valid = world.satisfiable(&lits, &all);
    assert_eq!(check.valid, valid);
    assert_eq!(check.options.len(), world.n());
    if !valid {
        world.assert_minimal_unsat(&check.conflict, &[], "conflict");
    } else {
        assert!(check.conflict.is_empty());
    }
    for (i, status) in check.options.iter().enumerate() {
        assert_eq!(status.id, world.ids[i]);
        let selected = choices.contains(&Choice::Select(world.ids[i].clone()));
        if selected {
            assert_eq!(status.state, OptionState::Selected);
            assert!(status.reasons.is_empty());
            continue;
        }
        if !valid {
            assert_eq!(status.state, OptionState::Excluded);
            assert_eq!(status.reasons, check.conflict);
            continue;
        }
        let can_be = |on: bool| world.satisfiable(&[lits.clone(), vec![(i, on)]].concat(), &all);
        let expected = match (can_be(true), can_be(false)) {
            (true, true) => OptionState::Selectable,
            (true, false) => OptionState::Forced,
            (false, true) => OptionState::Excluded,
            (false, false) => unreachable!("valid"),
        };
        assert_eq!(status.state, expected, "option {}", status.id);
        match expected {
            OptionState::Forced => {
                world.assert_minimal_unsat(&status.reasons, &[(i, false)], &status.id)
            }
            OptionState::Excluded => {
                world.assert_minimal_unsat(&status.reasons, &[(i, true)], &status.id)
            }
            _ => assert!(status.reasons.is_empty()),
        }
        for reason in &status.reasons {
            if let Reason::Chosen { option, selected } = reason {
                let choice = if *selected {
                    Choice::Select(option.clone())
                } else {
                    Choice::Deselect(option.clone())
                };
                assert!(choices.contains(&choice), "{reason:?} was not chosen");
            }
        }
    }
    let on: u32 = check
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| matches!(o.state, OptionState::Selected | OptionState::Forced))
        .map(|(i, _)| 1 << i)
        .sum();
    assert_eq!(check.complete, valid && world.satisfies(on, &all));
    let open: Vec<String> = world
        .groups
        .iter()
        .filter(|(_, card, range)| {
            *card == Cardinality::ExactlyOne && !range.clone().any(|i| world.on(on, i))
        })
        .map(|(id, _, _)| id.clone())
        .collect();
    assert_eq!(check.open_groups, open);
    let mode = if world.on(on, 0) {
        Some(SalesMode::Purchase)
    } else if world.on(on, 1) {
        Some(SalesMode::Lease)
    } else {
        None
    };
    assert_eq!(check.sales_mode, mode);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn check_matches_brute_force(
        world in world(),
        raws in prop::collection::vec(raw_choices(), 1..=3),
        pick in any::<prop::sample::Index>(),
    ) {
        let Some(mut engine) = engine(&world) else { return Ok(()) };
        // One engine answers several queries: its solver state must not leak between them.
        for raw in raws.iter().chain([&Vec::new()]) {
            let choices = choices(&world, raw);
            let check = engine.check(&choices);
            assert_check(&world, &choices, &check);

            // Backtrack-free: any selectable option can be chosen and the result completed.
            let selectable: Vec<&str> = check
                .options
                .iter()
                .filter(|o| o.state == OptionState::Selectable)
                .map(|o| o.id.as_str())
                .collect();
            if !selectable.is_empty() {
                let mut more = choices.clone();
                more.push(Choice::Select(pick.get(&selectable).to_string()));
                let completed = engine.complete(&more);
                let check = engine.check(&completed);
                prop_assert!(check.valid && check.complete);
            }
        }
    }

    #[test]
    fn click_drops_the_fewest_choices(world in world(), raw in raw_choices(), slot in 0..10usize) {
        let Some(mut engine) = engine(&world) else { return Ok(()) };
        let choices = choices(&world, &raw);
        let i = slot % world.n();
        let id = world.ids[i].clone();
        let wanted = Choice::Select(id.clone());
        let click = engine.click(&choices, &id);
        if choices.contains(&wanted) {
            let rest: Vec<Choice> = choices.iter().filter(|&c| c != &wanted).cloned().collect();
            prop_assert_eq!(click, Click::Updated(rest));
            return Ok(());
        }
        if !world.satisfiable(&[(i, true)], &world.all()) {
            prop_assert_eq!(click, Click::Impossible);
            return Ok(());
        }
        let (_, card, range) = world.groups.iter().find(|(_, _, r)| r.contains(&i)).unwrap();
        let rest: Vec<Choice> = choices
            .iter()
            .filter(|c| match c {
                Choice::Select(o) => {
                    let j = world.index(o).unwrap();
                    !(*card != Cardinality::Any && j != i && range.contains(&j))
                }
                Choice::Deselect(o) => o != &id,
            })
            .cloned()
            .collect();
        let items = world.items(&rest);
        let expected: HashSet<(usize, bool)> =
            world.expected_drop(&items, (i, true)).into_iter().collect();
        let result = match click {
            Click::Updated(result) => {
                prop_assert!(expected.is_empty());
                result
            }
            Click::NeedsResolution { drop, result } => {
                let dropped: HashSet<(usize, bool)> = world.lits(&drop).into_iter().collect();
                prop_assert_eq!(&dropped, &expected);
                result
            }
            Click::Impossible => panic!("possible option"),
        };
        let kept: Vec<Choice> = rest
            .iter()
            .filter(|c| !world.lits(&[(*c).clone()]).iter().any(|l| expected.contains(l)))
            .cloned()
            .chain([wanted])
            .collect();
        prop_assert_eq!(&result, &kept);
        prop_assert!(engine.check(&result).valid);
    }

    #[test]
    fn resolve_drops_the_fewest_choices(
        world in world(), raw in raw_choices(), slot in 0..10usize, select in any::<bool>()
    ) {
        let Some(mut engine) = engine(&world) else { return Ok(()) };
        let choices = choices(&world, &raw);
        let i = slot % world.n();
        let wanted = if select {
            Choice::Select(world.ids[i].clone())
        } else {
            Choice::Deselect(world.ids[i].clone())
        };
        let resolved = engine.resolve(&choices, &wanted);
        if !world.satisfiable(&[(i, select)], &world.all()) {
            prop_assert_eq!(resolved, None);
            return Ok(());
        }
        let result = resolved.expect("possible choice");
        let rest: Vec<Choice> = choices.iter().filter(|&c| c != &wanted).cloned().collect();
        let items = world.items(&rest);
        let expected = world.expected_drop(&items, (i, select));
        let kept: Vec<Choice> = rest
            .iter()
            .filter(|c| !world.lits(&[(*c).clone()]).iter().any(|l| expected.contains(l)))
            .cloned()
            .chain([wanted])
            .collect();
        prop_assert_eq!(&result, &kept);
        prop_assert!(engine.check(&result).valid);
    }

    #[test]
    fn complete_gives_a_complete_valid_configuration(world in world(), raw in raw_choices()) {
        let Some(mut engine) = engine(&world) else { return Ok(()) };
        let choices = choices(&world, &raw);
        let completed = engine.complete(&choices);
        prop_assert_eq!(&completed[..choices.len()], choices.as_slice());
        let valid = world.satisfiable(&world.lits(&choices), &world.all());
        if valid {
            let check = engine.check(&completed);
            prop_assert!(check.valid && check.complete, "{:?}", check);
            prop_assert!(check.open_groups.is_empty());
            for extra in &completed[choices.len()..] {
                prop_assert!(extra.is_select());
            }
        } else {
            prop_assert_eq!(completed, choices);
        }
    }
}
