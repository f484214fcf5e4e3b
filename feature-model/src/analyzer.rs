//! Propagation, explanation and analysis of a [`FeatureModel`] with one incremental SAT
//! solver that keeps its learnt clauses across queries.
//!
//! A propagation under select/deselect assumptions runs in four passes, each settling what
//! it can so that the next has less to do:
//!
//! 1. **unit propagation** from the assumptions over the clauses plus the core and dead
//!    features (computed once per model and added as units): every literal it derives is fixed;
//! 2. **witness filtering** with a pool of models kept from earlier queries: a kept model that
//!    agrees with the current assumptions is a valid configuration, so every value it shows
//!    is possible (a click that narrows the choices keeps many witnesses valid);
//! 3. **local repair** of the last model: per feature still seen with a single value, the
//!    model is changed to show the other value and every clause this falsifies is repaired
//!    greedily by changing another variable that unit propagation leaves open (bounded work).
//!    A repair that ends with all clauses satisfied is a model of the choices: no SAT call;
//! 4. **SAT calls** for the features a repair cannot flip, assuming the other value (in
//!    batches that unit propagation accepts): a model marks that value and whatever else it
//!    shows as possible (and joins the pool); unsatisfiability proves the feature fixed, and
//!    the fixed value is unit-propagated at once, which often fixes further features.
//!
//! Every decided feature also gets a [`ReasonKind`] in the same pass, from the choices and
//! the core and dead features: no SAT call. Only [`Analyzer::explain`] searches for the
//! minimal choices behind an implied state.

use configurator::sat::{self, Cnf, Lit, Sat, Values};
use configurator::OptionState;

use crate::count::count;
use crate::up::Up;
use crate::FeatureModel;

/// Models kept for witness filtering.
const POOL: usize = 64;

/// The most variables one local repair may change before giving up.
const REPAIR_LIMIT: usize = 2000;

fn code(l: Lit) -> usize {
    (l.var() as usize) << 1 | usize::from(!l.is_positive())
}

/// A feature model ready for queries. Queries take `&mut self` because they drive the solver.
pub struct Analyzer {
    model: FeatureModel,
    cnf: Cnf,
    sat: Sat,
    up: Up,
    /// The trail mark of the model's own consequences (core and dead included).
    base: usize,
    consistent: bool,
    /// Per feature: `Some(value)` for core (`true`) and dead (`false`) features.
    fixed: Vec<Option<bool>>,
    /// Witness models over the features, most recent at `pool_next - 1` (ring buffer).
    pool: Vec<Vec<bool>>,
    pool_next: usize,
    /// Clause indices (into `cnf.clauses`) by literal code: the clauses that contain it.
    occurs: Vec<Vec<u32>>,
    /// A full model (all variables) of the last query, the start of repairs; empty when none.
    current: Vec<bool>,
    /// Per variable: the repair that last changed it (see [`Analyzer::repair`]).
    stamp: Vec<u32>,
    epoch: u32,
    /// The literals the last successful repair made true.
    changed: Vec<Lit>,
    /// Statistics of the last propagation.
    last_calls: u64,
    /// The choices of the last explanation and their states: explaining many features under
    /// the same choices (`configurator propagate --reasons`) propagates once, not per feature.
    kept_states: Option<(Vec<Lit>, Vec<OptionState>)>,
}

/// The result of [`Analyzer::propagate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Propagation {
    /// Whether some configuration satisfies the model and the choices.
    pub satisfiable: bool,
    /// The state of every feature (when unsatisfiable: selected ones `Selected`, others
    /// `Excluded`).
    pub states: Vec<OptionState>,
    /// When unsatisfiable: a subset-minimal set of the choices that clash, as DIMACS literals.
    pub conflict: Vec<i32>,
    /// SAT solver calls this propagation made.
    pub sat_calls: u64,
    /// Per feature: the reason category of a decided state (see [`Propagation::reason`]).
    reasons: Vec<Option<ReasonKind>>,
}

impl Propagation {
    /// Why `feature` has its state, as a category known without SAT calls: `None` for a
    /// selectable feature, for every feature when the choices are unsatisfiable (the
    /// [`conflict`](Propagation::conflict) is the reason) and for an index out of range.
    /// [`Analyzer::explain`] gives the choices behind an [`Implied`](ReasonKind::Implied) one.
    pub fn reason(&self, feature: usize) -> Option<ReasonKind> {
        self.reasons.get(feature).copied().flatten()
    }
}

/// Why a decided feature (selected, forced or excluded) has its state: [`Propagation::reason`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// The user selected or deselected it (this takes precedence over the others).
    Chosen,
    /// Core: on in every configuration of the model, whatever the choices.
    Core,
    /// Dead: on in no configuration of the model.
    Dead,
    /// Forced or excluded by the choices: a nonempty subset-minimal set of them implies the
    /// state, given by [`Analyzer::explain`] (one extra query per feature).
    Implied,
}

/// Why a feature has its state: [`Analyzer::explain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The feature's state under the choices.
    pub state: OptionState,
    /// A subset-minimal set of the choices (DIMACS literals) that, with the model, imply the
    /// state; empty when the model alone does (core and dead features) or the feature is free.
    pub choices: Vec<i32>,
}

/// The result of [`Analyzer::analyze_constraints`]: indices into
/// [`FeatureModel::constraints`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstraintAnalysis {
    /// Constraints implied by the rest of the model (the tree and all other constraints).
    /// Each is judged alone: of two equal constraints both are listed, yet only one can go.
    pub redundant: Vec<usize>,
    /// Constraints that take part in a contradiction: a subset-minimal set of constraints
    /// that makes the model inconsistent, or (for a consistent model) that makes a feature
    /// dead which the tree alone allows.
    pub contradicting: Vec<usize>,
}

/// The result of [`Analyzer::analyze`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// Whether the model has a configuration at all.
    pub consistent: bool,
    /// Features in every configuration.
    pub core: Vec<usize>,
    /// Features in no configuration.
    pub dead: Vec<usize>,
    /// Optional features that are in every configuration that has their parent (dead and
    /// core-parent cases included; only for models with a feature tree).
    pub false_optional: Vec<usize>,
    /// The number of configurations over the features, when counted within the budget.
    pub configurations: Option<u128>,
}

impl Analyzer {
    /// Loads `model` into a solver and computes its core and dead features.
    pub fn new(model: FeatureModel) -> Analyzer {
        let cnf = model.cnf();
        let sat = Sat::random_polarity(&cnf);
        let up = Up::new(cnf.vars, &cnf.clauses);
        let n = model.features();
        let mut analyzer = Analyzer {
            model,
            cnf,
            sat,
            base: up.mark(),
            consistent: up.ok(),
            up,
            fixed: vec![None; n],
            pool: Vec::new(),
            pool_next: 0,
            occurs: Vec::new(),
            current: Vec::new(),
            stamp: Vec::new(),
            epoch: 0,
            changed: Vec::new(),
            last_calls: 0,
            kept_states: None,
        };
        let mut occurs = vec![Vec::new(); 2 * analyzer.cnf.vars as usize];
        for (i, clause) in analyzer.cnf.clauses.iter().enumerate() {
            for &l in clause {
                occurs[code(l)].push(i as u32);
            }
        }
        analyzer.occurs = occurs;
        analyzer.stamp = vec![0; analyzer.cnf.vars as usize];
        if !analyzer.consistent {
            return analyzer;
        }
        match analyzer.values(&[]) {
            None => analyzer.consistent = false,
            Some(values) => {
                for (i, v) in values.iter().enumerate() {
                    if v.fixed() {
                        let l = Lit::new(i as u32, v.on);
                        analyzer.fixed[i] = Some(v.on);
                        analyzer.sat.add_clause(&[l]);
                        analyzer.up.assign(l);
                    }
                }
                analyzer.up.propagate();
                analyzer.base = analyzer.up.mark();
            }
        }
        analyzer
    }

    /// The model.
    pub fn model(&self) -> &FeatureModel {
        &self.model
    }

    /// Whether the model has a configuration.
    pub fn consistent(&self) -> bool {
        self.consistent
    }

    /// Core features (in every configuration), ascending.
    pub fn core(&self) -> Vec<usize> {
        self.fixed_to(true)
    }

    /// Dead features (in no configuration), ascending.
    pub fn dead(&self) -> Vec<usize> {
        self.fixed_to(false)
    }

    fn fixed_to(&self, value: bool) -> Vec<usize> {
        if !self.consistent {
            return Vec::new();
        }
        (0..self.fixed.len())
            .filter(|&i| self.fixed[i] == Some(value))
            .collect()
    }

    /// The state of every feature when `select` are on and `deselect` off (feature indices).
    /// Exact and backtrack-free: a feature is forced (excluded) exactly when it is on (off) in
    /// every configuration that extends the choices.
    pub fn propagate(&mut self, select: &[usize], deselect: &[usize]) -> Propagation {
        let assumptions = choice_lits(select, deselect);
        let calls = self.sat.calls();
        let values = if self.consistent {
            self.values(&assumptions)
        } else {
            None
        };
        let n = self.model.features();
        let mut states = vec![OptionState::Excluded; n];
        let satisfiable = values.is_some();
        if let Some(values) = &values {
            for (i, v) in values.iter().enumerate() {
                states[i] = match (v.on, v.off) {
                    (true, true) => OptionState::Selectable,
                    (true, false) => OptionState::Forced,
                    _ => OptionState::Excluded,
                };
            }
        }
        for &i in select {
            states[i] = OptionState::Selected;
        }
        let (conflict, reasons) = if satisfiable {
            (Vec::new(), self.reason_kinds(&states, select, deselect))
        } else {
            (self.minimal_core(&assumptions, None), vec![None; n])
        };
        self.last_calls = self.sat.calls() - calls;
        Propagation {
            satisfiable,
            states,
            conflict: crate::to_dimacs(&conflict),
            sat_calls: self.last_calls,
            reasons,
        }
    }

    /// The reason categories of satisfiable `states`: one pass over the features, no solver
    /// (core and dead features are known since [`Analyzer::new`]).
    fn reason_kinds(
        &self,
        states: &[OptionState],
        select: &[usize],
        deselect: &[usize],
    ) -> Vec<Option<ReasonKind>> {
        let mut reasons: Vec<Option<ReasonKind>> = states
            .iter()
            .zip(&self.fixed)
            .map(|(&state, &fixed)| match (state, fixed) {
                (OptionState::Selectable, _) => None,
                (_, Some(true)) => Some(ReasonKind::Core),
                (_, Some(false)) => Some(ReasonKind::Dead),
                // Not fixed by the model alone, so some choice is needed.
                (_, None) => Some(ReasonKind::Implied),
            })
            .collect();
        for &i in select.iter().chain(deselect) {
            reasons[i] = Some(ReasonKind::Chosen);
        }
        reasons
    }

    /// The state of `feature` under the choices and a subset-minimal set of choices implying
    /// it (see [`Explanation`]). Explaining several features under the same choices in a row
    /// propagates once: the states are kept between calls.
    pub fn explain(&mut self, select: &[usize], deselect: &[usize], feature: usize) -> Explanation {
        let assumptions = choice_lits(select, deselect);
        let state = match &self.kept_states {
            Some((choices, states)) if *choices == assumptions => states[feature],
            _ => {
                let states = self.propagate(select, deselect).states;
                let state = states[feature];
                self.kept_states = Some((assumptions.clone(), states));
                state
            }
        };
        let value = match state {
            OptionState::Selected => {
                return self.explained(state, vec![Lit::new(feature as u32, true)])
            }
            OptionState::Forced => true,
            OptionState::Excluded => false,
            OptionState::Selectable => return self.explained(state, Vec::new()),
        };
        if assumptions.contains(&Lit::new(feature as u32, value)) {
            return self.explained(state, vec![Lit::new(feature as u32, value)]);
        }
        if self.fixed[feature].is_some() {
            return self.explained(state, Vec::new());
        }
        let core = self.minimal_core(&assumptions, Some(Lit::new(feature as u32, !value)));
        self.explained(state, core)
    }

    fn explained(&self, state: OptionState, choices: Vec<Lit>) -> Explanation {
        Explanation {
            state,
            choices: crate::to_dimacs(&choices),
        }
    }

    /// Core, dead and false-optional features and, within `count_budget` search nodes, the
    /// number of configurations.
    pub fn analyze(&mut self, count_budget: u64) -> Analysis {
        let mut false_optional = Vec::new();
        if self.consistent {
            for f in 0..self.model.features() {
                let Some(Some(p)) = self.model.parents.get(f).copied() else {
                    continue;
                };
                if !self.model.optional.get(f).copied().unwrap_or(false)
                    || self.fixed[f] == Some(false)
                    || self.fixed[p] == Some(false)
                {
                    continue;
                }
                let forced = self.fixed[f] == Some(true)
                    || !self
                        .sat
                        .solve(&[Lit::new(p as u32, true), Lit::new(f as u32, false)]);
                if forced {
                    false_optional.push(f);
                }
            }
        }
        let configurations = if !self.model.aux_determined {
            None
        } else if self.consistent {
            count(&self.cnf, self.model.features(), count_budget)
        } else {
            Some(0)
        };
        Analysis {
            consistent: self.consistent,
            core: self.core(),
            dead: self.dead(),
            false_optional,
            configurations,
        }
    }

    /// SAT calls of the last propagation.
    pub fn last_sat_calls(&self) -> u64 {
        self.last_calls
    }

    /// Redundant and contradicting cross-tree constraints (see [`ConstraintAnalysis`]). One SAT
    /// call per constraint, plus core minimisation per dead feature: costly for models with
    /// tens of thousands of constraints.
    pub fn analyze_constraints(&mut self) -> ConstraintAnalysis {
        let acts: Vec<Lit> = self
            .model
            .constraints
            .iter()
            .map(|&l| crate::from_dimacs(l))
            .collect();
        if acts.is_empty() {
            return ConstraintAnalysis::default();
        }
        // The clauses without the units that switch the constraints on; per constraint, a
        // literal `neg` that implies the constraint is false (one of its clauses is).
        let mut cnf = Cnf {
            vars: self.cnf.vars,
            clauses: Vec::new(),
            switches: Vec::new(),
        };
        let position: std::collections::HashMap<Lit, usize> =
            acts.iter().enumerate().map(|(i, &a)| (!a, i)).collect();
        let mut negations: Vec<Vec<Lit>> = vec![Vec::new(); acts.len()];
        for clause in &self.cnf.clauses {
            if clause.len() == 1 && position.contains_key(&!clause[0]) {
                continue;
            }
            cnf.clauses.push(clause.clone());
            if let Some(&c) = clause.iter().find_map(|l| position.get(l)) {
                // A top-level clause of constraint `c`: a selector falsifies it.
                let s = Lit::new(cnf.vars, true);
                cnf.vars += 1;
                for &l in clause {
                    if l != !acts[c] {
                        cnf.clauses.push(vec![!s, !l]);
                    }
                }
                negations[c].push(s);
            }
        }
        let mut negs = Vec::with_capacity(acts.len());
        for selectors in negations {
            let neg = Lit::new(cnf.vars, true);
            cnf.vars += 1;
            let mut clause = vec![!neg];
            clause.extend(selectors);
            cnf.clauses.push(clause);
            negs.push(neg);
        }
        let mut sat = Sat::new(&cnf);
        let mut result = ConstraintAnalysis::default();
        let mut contradicting = std::collections::BTreeSet::new();
        if !sat.solve(&acts) {
            for a in minimal_subset(&mut sat, &acts, &[]) {
                contradicting.insert(acts.iter().position(|&x| x == a).unwrap_or(0));
            }
            result.contradicting = contradicting.into_iter().collect();
            return result;
        }
        let mut assumptions = Vec::with_capacity(acts.len() + 1);
        for (c, &neg) in negs.iter().enumerate() {
            assumptions.clear();
            assumptions.extend(
                acts.iter()
                    .enumerate()
                    .map(|(i, &a)| if i == c { !a } else { a }),
            );
            assumptions.push(neg);
            if !sat.solve(&assumptions) {
                result.redundant.push(c);
            }
        }
        for d in self.dead() {
            let dead = Lit::new(d as u32, true);
            for a in minimal_subset(&mut sat, &acts, &[dead]) {
                contradicting.insert(acts.iter().position(|&x| x == a).unwrap_or(0));
            }
        }
        result.contradicting = contradicting.into_iter().collect();
        result
    }

    /// The possible values of every feature under `assumptions`, or `None` when unsatisfiable.
    fn values(&mut self, assumptions: &[Lit]) -> Option<Vec<Values>> {
        let n = self.model.features();
        let ok = assumptions.iter().all(|&a| self.up.assign(a)) && self.up.propagate();
        if !ok {
            self.up.backtrack(self.base);
            return None;
        }
        let mut values = vec![Values::default(); n];
        let mut pending = Vec::new();
        for (i, v) in values.iter_mut().enumerate() {
            match self.up.value(Lit::new(i as u32, true)) {
                Some(true) => v.on = true,
                Some(false) => v.off = true,
                None => pending.push(i),
            }
        }
        let mut witnessed = false;
        for m in &self.pool {
            if assumptions
                .iter()
                .all(|a| m[a.var() as usize] == a.is_positive())
            {
                witnessed = true;
                mark(m, &mut values, &mut pending);
            }
        }
        if !self.current.is_empty()
            && !assumptions
                .iter()
                .all(|a| self.current[a.var() as usize] == a.is_positive())
        {
            // Repairs start from a model of the current choices only.
            self.current.clear();
        }
        if !self.current.is_empty() {
            let n = self.model.features();
            mark(&self.current[..n], &mut values, &mut pending);
            witnessed = true;
        }
        let mut assumptions = assumptions.to_vec();
        if !witnessed {
            if !self.sat.solve(&assumptions) {
                self.up.backtrack(self.base);
                return None;
            }
            self.record(&mut values, &mut pending);
        }
        // Pending features before `next` are proven fixed. Each SAT call assumes a batch of
        // flips (other values of pending features) that unit propagation accepts together;
        // a model witnesses them all at once. An unsatisfiable batch is halved; a single flip
        // that is unsatisfiable proves its feature fixed.
        let mut next = 0;
        let mut limit = usize::MAX;
        let mut batch = Vec::new();
        let mut repaired = false;
        loop {
            while pending
                .get(next)
                .is_some_and(|&i| self.up.value(Lit::new(i as u32, true)).is_some())
            {
                // Fixed by propagating an earlier proof.
                next += 1;
            }
            let Some(&first) = pending.get(next) else {
                break;
            };
            let fixed = Lit::new(first as u32, values[first].on);
            if self.repair(&[!fixed]) {
                // A model found without the solver: mark the values it changed.
                for &l in self.changed.iter().chain([!fixed].iter()) {
                    let v = l.var() as usize;
                    if let Some(value) = values.get_mut(v) {
                        if l.is_positive() {
                            value.on = true;
                        } else {
                            value.off = true;
                        }
                    }
                }
                while pending
                    .get(next)
                    .is_some_and(|&i| values[i].on && values[i].off)
                {
                    next += 1;
                }
                repaired = true;
                continue;
            }
            let mark = self.up.mark();
            self.up.assign(!fixed);
            if !self.up.propagate() {
                // Unit propagation proves `first` fixed.
                self.up.backtrack(mark);
                self.prove(fixed, &mut assumptions);
                next += 1;
                continue;
            }
            self.up.backtrack(mark);
            if repaired {
                // Values marked by repairs: drop the features seen both ways (some of them
                // before `next`, which keeps pointing at the first one not yet settled).
                let (mut k, mut before) = (0, 0);
                pending.retain(|&i| {
                    let keep = !(values[i].on && values[i].off);
                    if keep && k < next {
                        before += 1;
                    }
                    k += 1;
                    keep
                });
                next = before;
                repaired = false;
            }
            batch.clear();
            batch.push(!fixed);
            let mark = self.up.mark();
            self.up.assign(!fixed);
            self.up.propagate();
            for &i in &pending[next + 1..] {
                if batch.len() >= limit {
                    break;
                }
                let flip = Lit::new(i as u32, !values[i].on);
                if self.up.value(flip).is_none() {
                    let m = self.up.mark();
                    self.up.assign(flip);
                    if self.up.propagate() {
                        batch.push(flip);
                    } else {
                        self.up.backtrack(m);
                    }
                }
            }
            self.up.backtrack(mark);
            let n = assumptions.len();
            assumptions.extend_from_slice(&batch);
            let found = self.sat.solve(&assumptions);
            assumptions.truncate(n);
            if found {
                self.record(&mut values, &mut pending);
                limit = usize::MAX;
            } else if batch.len() == 1 {
                self.prove(fixed, &mut assumptions);
                next += 1;
                limit = usize::MAX;
            } else {
                limit = batch.len() / 2;
            }
        }
        self.up.backtrack(self.base);
        Some(values)
    }

    /// Adds a literal proven to hold in every configuration under the current assumptions.
    fn prove(&mut self, fixed: Lit, assumptions: &mut Vec<Lit>) {
        assumptions.push(fixed);
        self.up.assign(fixed);
        self.up.propagate();
    }

    /// Tries to turn the model `current` into one where the `targets` hold, by greedy local
    /// repair: every clause a change falsifies is satisfied again by changing one of its
    /// other variables, never one assigned by unit propagation (fixed under the choices) or
    /// changed before in this repair. Success leaves a model of the clauses in `current` that
    /// agrees with unit propagation (so with the choices); failure leaves `current` as it was.
    /// Work is bounded by [`REPAIR_LIMIT`] changes.
    fn repair(&mut self, targets: &[Lit]) -> bool {
        if self.current.is_empty() {
            return false;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        let mut changed = std::mem::take(&mut self.changed);
        changed.clear();
        let mut queue: Vec<Lit> = Vec::new();
        for &t in targets {
            let v = t.var() as usize;
            self.stamp[v] = epoch;
            if self.current[v] != t.is_positive() {
                self.current[v] = t.is_positive();
                changed.push(t);
                queue.push(t);
            }
        }
        let mut ok = true;
        'repair: while let Some(l) = queue.pop() {
            for &ci in &self.occurs[code(!l)] {
                let clause = &self.cnf.clauses[ci as usize];
                if clause
                    .iter()
                    .any(|&x| self.current[x.var() as usize] == x.is_positive())
                {
                    continue;
                }
                let pick = clause
                    .iter()
                    .copied()
                    .find(|&x| self.stamp[x.var() as usize] != epoch && self.up.value(x).is_none());
                let Some(x) = pick else {
                    ok = false;
                    break 'repair;
                };
                if changed.len() >= REPAIR_LIMIT {
                    ok = false;
                    break 'repair;
                }
                self.stamp[x.var() as usize] = epoch;
                self.current[x.var() as usize] = x.is_positive();
                changed.push(x);
                queue.push(x);
            }
        }
        if !ok {
            for &l in &changed {
                self.current[l.var() as usize] = !l.is_positive();
            }
        }
        self.changed = changed;
        ok
    }

    /// Reads the solver's model into `current` and the pool, and marks its values.
    fn record(&mut self, values: &mut [Values], pending: &mut Vec<usize>) {
        let vars = self.cnf.vars as usize;
        self.current.clear();
        self.current
            .extend((0..vars).map(|i| self.sat.value(Lit::new(i as u32, true))));
        self.record_current(values, pending);
    }

    /// Puts `current` into the pool and marks its values.
    fn record_current(&mut self, values: &mut [Values], pending: &mut Vec<usize>) {
        let n = self.model.features();
        let mut m = if self.pool.len() < POOL {
            Vec::with_capacity(n)
        } else {
            std::mem::take(&mut self.pool[self.pool_next])
        };
        m.clear();
        m.extend_from_slice(&self.current[..n]);
        mark(&m, values, pending);
        if self.pool.len() < POOL {
            self.pool.push(m);
        } else {
            self.pool[self.pool_next] = m;
        }
        self.pool_next = (self.pool_next + 1) % POOL;
    }

    /// A subset-minimal subset of `assumptions` that is unsatisfiable (with `extra` when
    /// given), by the solver's core then deletion.
    fn minimal_core(&mut self, assumptions: &[Lit], extra: Option<Lit>) -> Vec<Lit> {
        let mut query: Vec<Lit> = assumptions.to_vec();
        query.extend(extra);
        if self.sat.solve(&query) {
            return Vec::new();
        }
        let mut core: Vec<Lit> = assumptions
            .iter()
            .copied()
            .filter(|&a| self.sat.failed(a))
            .collect();
        let mut i = 0;
        while i < core.len() {
            let mut trial: Vec<Lit> = core[..i].iter().chain(&core[i + 1..]).copied().collect();
            trial.extend(extra);
            if self.sat.solve(&trial) {
                i += 1;
            } else {
                core = trial[..core.len() - 1].to_vec();
                core.retain(|&a| self.sat.failed(a));
            }
        }
        core
    }
}

/// A subset-minimal subset of `candidates` that is unsatisfiable together with `fixed` (empty
/// when `fixed` alone is, or when all of them are satisfiable).
fn minimal_subset(sat: &mut Sat, candidates: &[Lit], fixed: &[Lit]) -> Vec<Lit> {
    let mut query: Vec<Lit> = fixed.to_vec();
    query.extend_from_slice(candidates);
    if sat.solve(&query) {
        return Vec::new();
    }
    let mut core: Vec<Lit> = candidates
        .iter()
        .copied()
        .filter(|&a| sat.failed(a))
        .collect();
    let mut i = 0;
    while i < core.len() {
        query.clear();
        query.extend_from_slice(fixed);
        query.extend(core[..i].iter().chain(&core[i + 1..]));
        if sat.solve(&query) {
            i += 1;
        } else {
            core.remove(i);
            core.retain(|&a| sat.failed(a));
        }
    }
    core
}

fn choice_lits(select: &[usize], deselect: &[usize]) -> Vec<Lit> {
    select
        .iter()
        .map(|&i| Lit::new(i as u32, true))
        .chain(deselect.iter().map(|&i| Lit::new(i as u32, false)))
        .collect()
}

/// Marks the values of the pending features in model `m` as possible and drops the features
/// seen with both values.
fn mark(m: &[bool], values: &mut [Values], pending: &mut Vec<usize>) {
    pending.retain(|&i| {
        let v = &mut values[i];
        if m[i] {
            v.on = true;
        } else {
            v.off = true;
        }
        !(v.on && v.off)
    });
}

/// The prototype propagation, kept as a baseline for benchmarks: one solver per model, one
/// SAT call per feature seen with a single value (witness filtering within the call), no unit
/// propagation, no kept witnesses, no precomputed core and dead features.
pub struct Baseline {
    sat: Sat,
    features: usize,
}

impl Baseline {
    /// Loads `model` into a solver.
    pub fn new(model: &FeatureModel) -> Baseline {
        Baseline {
            sat: Sat::new(&model.cnf()),
            features: model.features(),
        }
    }

    /// `None` when the choices are unsatisfiable; otherwise `Some(value)` per fixed feature.
    pub fn values(&mut self, select: &[usize], deselect: &[usize]) -> Option<Vec<Option<bool>>> {
        let mut assumptions = choice_lits(select, deselect);
        let values = sat::propagate(&mut self.sat, &mut assumptions, self.features)?;
        Some(
            values
                .iter()
                .map(|v| if v.fixed() { Some(v.on) } else { None })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_uvl;

    /// `Car` and `Engine` are core, `Turbo` is dead (a constraint with the root), `Sport`
    /// forces `Eco`, which excludes `Towbar`; `Radio` is free.
    const CAR: &str = "features
    Car
        mandatory
            Engine
        optional
            Sport
            Eco
            Towbar
            Turbo
            Radio
constraints
    Turbo => !Car
    Sport => Eco
    Towbar => !Eco
";

    #[test]
    fn reason_kinds_on_a_hand_written_model() {
        let model = parse_uvl(CAR).unwrap().model;
        let f = |name: &str| model.feature(name).unwrap();
        let (sport, eco, towbar, radio) = (f("Sport"), f("Eco"), f("Towbar"), f("Radio"));
        let mut a = Analyzer::new(model.clone());
        let p = a.propagate(&[], &[]);
        assert_eq!(p.reason(f("Car")), Some(ReasonKind::Core));
        assert_eq!(p.reason(f("Engine")), Some(ReasonKind::Core));
        assert_eq!(p.states[f("Turbo")], OptionState::Excluded);
        assert_eq!(p.reason(f("Turbo")), Some(ReasonKind::Dead));
        for i in [sport, eco, towbar, radio] {
            assert_eq!(p.reason(i), None, "{}", model.names[i]);
        }
        assert_eq!(p.reason(model.features()), None);

        let p = a.propagate(&[sport], &[radio]);
        assert!(p.satisfiable);
        assert_eq!(p.reason(sport), Some(ReasonKind::Chosen));
        assert_eq!(p.reason(radio), Some(ReasonKind::Chosen));
        assert_eq!(p.reason(f("Engine")), Some(ReasonKind::Core));
        assert_eq!(p.reason(f("Turbo")), Some(ReasonKind::Dead));
        assert_eq!(
            (p.states[eco], p.reason(eco)),
            (OptionState::Forced, Some(ReasonKind::Implied))
        );
        assert_eq!(
            (p.states[towbar], p.reason(towbar)),
            (OptionState::Excluded, Some(ReasonKind::Implied))
        );
        // The choices behind the implied ones: the selection of `Sport`, not `Radio`'s.
        let sport_on = sport as i32 + 1;
        for i in [eco, towbar] {
            assert_eq!(a.explain(&[sport], &[radio], i).choices, [sport_on]);
        }
        // Kept states are per choices: other choices are propagated afresh.
        assert_eq!(
            a.explain(&[], &[], eco),
            Explanation {
                state: OptionState::Selectable,
                choices: Vec::new()
            }
        );
        // A chosen core feature is `Chosen`; unsatisfiable choices have no kinds.
        assert_eq!(
            a.propagate(&[f("Engine")], &[]).reason(f("Engine")),
            Some(ReasonKind::Chosen)
        );
        let p = a.propagate(&[f("Turbo")], &[]);
        assert!(!p.satisfiable);
        assert!((0..model.features()).all(|i| p.reason(i).is_none()));
    }
}
