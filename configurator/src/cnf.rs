//! Compiles a catalog to clauses (CNF).
//!
//! Variables `0..n` are the options in catalog order. Every rule and every group constraint is
//! guarded by an activation literal of its own (`act -> constraint`), so the clause set alone is
//! always satisfiable and the solver can switch constraints on and off through assumptions: an
//! unsatisfiable call's assumption core names the rules and groups it used. The literal
//! [`Encoding::all`] implies every activation literal, for the common case of "all
//! constraints on" with a single assumption.
//!
//! Rules are encoded with Tseitin variables for nested subformulas; a rule's top level is
//! flattened into clauses where its shape allows (conjunctions, disjunctions, implications).
//! At-most-one constraints are pairwise for small groups and a sequential counter for large ones.

use std::ops::Not;

use crate::catalog::Cardinality;
use crate::index::CatalogIndex;
use crate::rule::Formula;

/// A literal: a variable, positive or negated (`!lit` is its negation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lit(u32);

impl Lit {
    /// The literal of `var` that is true when the variable is `value`.
    #[inline]
    pub fn new(var: u32, value: bool) -> Lit {
        Lit(var << 1 | u32::from(!value))
    }

    /// The literal "option `i` is on" (or off).
    pub(crate) fn option(i: usize, on: bool) -> Lit {
        // Option counts are bounded by u32 variables; see `encode`.
        Lit::new(i as u32, on)
    }

    /// Its variable (0-based).
    #[inline]
    pub fn var(self) -> u32 {
        self.0 >> 1
    }

    /// True for the positive literal of its variable.
    #[inline]
    pub fn is_positive(self) -> bool {
        self.0 & 1 == 0
    }
}

impl Not for Lit {
    type Output = Lit;

    #[inline]
    fn not(self) -> Lit {
        Lit(self.0 ^ 1)
    }
}

/// Clauses over `vars` variables.
#[derive(Clone, Debug, Default)]
pub struct Cnf {
    /// Number of variables: every literal's variable is below it.
    pub vars: u32,
    /// The clauses (disjunctions of literals).
    pub clauses: Vec<Vec<Lit>>,
    /// Variables that only switch constraints on (activation literals). They are always
    /// assumed or free, so the solver need not branch on them: a free one can always be set
    /// to false, which satisfies every clause it occurs in.
    pub switches: Vec<u32>,
}

/// What a constraint comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The rule with this index.
    Rule(usize),
    /// The cardinality of the group with this index.
    Group(usize),
}

/// A constraint and its activation literal.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Constraint {
    pub(crate) source: Source,
    pub(crate) act: Lit,
}

/// How the constraints of the compiled catalog are switched on.
#[derive(Clone, Debug)]
pub(crate) struct Encoding {
    /// Implies every constraint.
    pub(crate) all: Lit,
    /// Rules in catalog order, then groups with a cardinality constraint, in catalog order.
    pub(crate) constraints: Vec<Constraint>,
}

/// Groups up to this size get pairwise at-most-one clauses; larger ones a sequential counter.
const PAIRWISE_MAX: usize = 6;

/// Compiles the rules and groups of `index`.
pub(crate) fn encode(index: &CatalogIndex) -> (Cnf, Encoding) {
    let mut enc = Encoder::new(index.len() as u32);
    let all = enc.switch();
    let mut constraints = Vec::new();
    for (r, rule) in index.rules.iter().enumerate() {
        let act = enc.switch();
        enc.require(Some(act), rule);
        constraints.push(Constraint {
            source: Source::Rule(r),
            act,
        });
    }
    for (g, group) in index.groups.iter().enumerate() {
        let options: Vec<Lit> = group
            .options
            .clone()
            .map(|i| Lit::option(i, true))
            .collect();
        let act = match group.cardinality {
            Cardinality::Any => continue,
            Cardinality::AtMostOne => enc.switch(),
            Cardinality::ExactlyOne => {
                let act = enc.switch();
                enc.clause(Some(act), &options);
                act
            }
        };
        enc.at_most_one(act, &options);
        constraints.push(Constraint {
            source: Source::Group(g),
            act,
        });
    }
    for constraint in &constraints {
        enc.cnf.clauses.push(vec![!all, constraint.act]);
    }
    (enc.cnf, Encoding { all, constraints })
}

/// Builds clauses: constraints, optionally guarded by an activation literal, with Tseitin
/// variables for nested subformulas. Shared by catalogs and feature models (UVL, in the
/// `feature-model` crate).
pub struct Encoder {
    cnf: Cnf,
    /// A variable fixed to true, made on first use.
    truth: Option<Lit>,
}

impl Encoder {
    /// An encoder whose first `vars` variables are the given ones (options, features).
    pub fn new(vars: u32) -> Encoder {
        Encoder {
            cnf: Cnf {
                vars,
                ..Cnf::default()
            },
            truth: None,
        }
    }

    /// The clauses built so far.
    pub fn into_cnf(self) -> Cnf {
        self.cnf
    }

    /// Adds a clause as it is.
    pub fn push(&mut self, clause: Vec<Lit>) {
        self.cnf.clauses.push(clause);
    }

    /// A fresh variable (not an activation switch: the solver branches on it).
    pub fn fresh_var(&mut self) -> Lit {
        self.fresh()
    }

    /// A literal equivalent to `f`: every variable it adds is a function of `f`'s variables.
    pub fn define(&mut self, f: &Formula) -> Lit {
        self.lit(f)
    }

    /// Adds clauses for `f`.
    pub fn add(&mut self, f: &Formula) {
        self.require(None, f);
    }

    /// Adds clauses for `act -> f`.
    pub fn add_guarded(&mut self, act: Lit, f: &Formula) {
        self.require(Some(act), f);
    }

    fn fresh(&mut self) -> Lit {
        let lit = Lit::new(self.cnf.vars, true);
        self.cnf.vars += 1;
        lit
    }

    /// A fresh activation literal.
    fn switch(&mut self) -> Lit {
        let lit = self.fresh();
        self.cnf.switches.push(lit.var());
        lit
    }

    fn truth(&mut self) -> Lit {
        match self.truth {
            Some(t) => t,
            None => {
                let t = self.fresh();
                self.cnf.clauses.push(vec![t]);
                self.truth = Some(t);
                t
            }
        }
    }

    /// Adds `act -> (lits[0] | lits[1] | ...)`, or the plain clause without `act`.
    fn clause(&mut self, act: Option<Lit>, lits: &[Lit]) {
        let mut clause = Vec::with_capacity(lits.len() + 1);
        clause.extend(act.map(|a| !a));
        clause.extend_from_slice(lits);
        self.cnf.clauses.push(clause);
    }

    /// Adds `act -> at most one of lits`.
    fn at_most_one(&mut self, act: Lit, lits: &[Lit]) {
        if lits.len() <= PAIRWISE_MAX {
            for (i, &a) in lits.iter().enumerate() {
                for &b in &lits[i + 1..] {
                    self.clause(Some(act), &[!a, !b]);
                }
            }
            return;
        }
        // Sequential counter (Sinz 2005): s_i is "one of lits[..=i] is on".
        let mut previous: Option<Lit> = None;
        for (i, &x) in lits.iter().enumerate() {
            if let Some(s) = previous {
                self.clause(Some(act), &[!x, !s]);
            }
            if i + 1 < lits.len() {
                let s = self.fresh();
                self.clause(Some(act), &[!x, s]);
                if let Some(p) = previous {
                    self.clause(Some(act), &[!p, s]);
                }
                previous = Some(s);
            }
        }
    }

    /// Adds clauses for `act -> f` (for `f` when there is no `act`).
    fn require(&mut self, act: Option<Lit>, f: &Formula) {
        match f {
            Formula::Const(true) => {}
            Formula::And(fs) => fs.iter().for_each(|f| self.require(act, f)),
            Formula::Not(g) => self.require_not(act, g),
            _ => {
                let mut lits = Vec::new();
                self.disjuncts(f, true, &mut lits);
                self.clause(act, &lits);
            }
        }
    }

    /// Adds clauses for `act -> !f` (for `!f` when there is no `act`).
    fn require_not(&mut self, act: Option<Lit>, f: &Formula) {
        match f {
            Formula::Const(false) => {}
            Formula::Or(fs) => fs.iter().for_each(|f| self.require_not(act, f)),
            Formula::Not(g) => self.require(act, g),
            Formula::Implies(a, b) => {
                self.require(act, a);
                self.require_not(act, b);
            }
            _ => {
                let mut lits = Vec::new();
                self.disjuncts(f, false, &mut lits);
                self.clause(act, &lits);
            }
        }
    }

    /// Appends literals whose disjunction is equivalent to `f` (or to `!f` when `!positive`).
    fn disjuncts(&mut self, f: &Formula, positive: bool, out: &mut Vec<Lit>) {
        match (f, positive) {
            (Formula::Not(g), _) => self.disjuncts(g, !positive, out),
            (Formula::Const(value), _) if *value != positive => {}
            (Formula::Or(fs), true) | (Formula::And(fs), false) => {
                fs.iter().for_each(|f| self.disjuncts(f, positive, out));
            }
            (Formula::Implies(a, b), true) => {
                self.disjuncts(a, false, out);
                self.disjuncts(b, true, out);
            }
            _ => {
                let lit = self.lit(f);
                out.push(if positive { lit } else { !lit });
            }
        }
    }

    /// A literal equivalent to `f` (Tseitin).
    fn lit(&mut self, f: &Formula) -> Lit {
        match f {
            Formula::Const(value) => {
                let t = self.truth();
                if *value {
                    t
                } else {
                    !t
                }
            }
            Formula::Var(i) => Lit::option(*i, true),
            Formula::Not(g) => !self.lit(g),
            Formula::And(fs) => {
                let lits: Vec<Lit> = fs.iter().map(|f| self.lit(f)).collect();
                self.and(&lits)
            }
            Formula::Or(fs) => {
                let negated: Vec<Lit> = fs.iter().map(|f| !self.lit(f)).collect();
                !self.and(&negated)
            }
            Formula::Implies(a, b) => {
                let a = self.lit(a);
                let b = !self.lit(b);
                !self.and(&[a, b])
            }
            Formula::Iff(a, b) => {
                let (a, b) = (self.lit(a), self.lit(b));
                let y = self.fresh();
                self.cnf.clauses.extend([
                    vec![!y, !a, b],
                    vec![!y, a, !b],
                    vec![y, a, b],
                    vec![y, !a, !b],
                ]);
                y
            }
        }
    }

    /// A literal equivalent to the conjunction of `lits`.
    fn and(&mut self, lits: &[Lit]) -> Lit {
        match lits {
            [] => self.truth(),
            [single] => *single,
            _ => {
                let y = self.fresh();
                let mut long = Vec::with_capacity(lits.len() + 1);
                long.push(y);
                for &l in lits {
                    self.cnf.clauses.push(vec![!y, l]);
                    long.push(!l);
                }
                self.cnf.clauses.push(long);
                y
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lit;

    #[test]
    fn literals() {
        let l = Lit::new(7, true);
        assert_eq!(l.var(), 7);
        assert!(l.is_positive());
        assert!(!(!l).is_positive());
        assert_eq!(!!l, l);
        assert_eq!(Lit::option(3, false), !Lit::option(3, true));
    }
}
