//! A rule with option ids replaced by option indices: the form the engine compiles.

use std::collections::HashMap;

use super::expr::Expr;

/// Like [`Expr`], over option indices (catalog order) or, in a feature model, variable
/// indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// `true` or `false`.
    Const(bool),
    /// The variable with this index is on.
    Var(usize),
    /// Negation.
    Not(Box<Formula>),
    /// Conjunction (`true` when empty).
    And(Vec<Formula>),
    /// Disjunction (`false` when empty).
    Or(Vec<Formula>),
    /// Implication.
    Implies(Box<Formula>, Box<Formula>),
    /// Equivalence.
    Iff(Box<Formula>, Box<Formula>),
}

impl Formula {
    /// Resolves the ids of `expr`; on failure returns the first unknown id.
    pub(crate) fn resolve(expr: &Expr, ids: &HashMap<String, usize>) -> Result<Formula, String> {
        let all = |es: &[Expr]| {
            es.iter()
                .map(|e| Formula::resolve(e, ids))
                .collect::<Result<Vec<_>, _>>()
        };
        let boxed = |e: &Expr| Formula::resolve(e, ids).map(Box::new);
        Ok(match expr {
            Expr::Const(value) => Formula::Const(*value),
            Expr::Var(id) => Formula::Var(*ids.get(id).ok_or_else(|| id.clone())?),
            Expr::Not(e) => Formula::Not(boxed(e)?),
            Expr::And(es) => Formula::And(all(es)?),
            Expr::Or(es) => Formula::Or(all(es)?),
            Expr::Implies(a, b) => Formula::Implies(boxed(a)?, boxed(b)?),
            Expr::Iff(a, b) => Formula::Iff(boxed(a)?, boxed(b)?),
        })
    }

    /// The value under an assignment of all options.
    pub(crate) fn eval(&self, on: &[bool]) -> bool {
        match self {
            Formula::Const(value) => *value,
            Formula::Var(i) => on.get(*i).copied().unwrap_or(false),
            Formula::Not(f) => !f.eval(on),
            Formula::And(fs) => fs.iter().all(|f| f.eval(on)),
            Formula::Or(fs) => fs.iter().any(|f| f.eval(on)),
            Formula::Implies(a, b) => !a.eval(on) || b.eval(on),
            Formula::Iff(a, b) => a.eval(on) == b.eval(on),
        }
    }
}
