//! Explanations: which choices, rules and groups make an option forced or excluded, or make
//! the choices clash.
//!
//! An explanation is subset-minimal in two steps: first the choices (with every constraint
//! on), then the constraints (with only those choices). The solver's assumption core gives a
//! first set; deletion-based minimisation tries to leave out each member in turn, shrinking to
//! the new core whenever the rest still suffices. Cheap cases skip the solver: a deselected or
//! group-replaced option, and cores that are minimal by construction.

use crate::cnf::{Encoding, Lit, Source};
use crate::index::CatalogIndex;
use crate::propagate::Values;
use crate::solver::Sat;

/// A subset-minimal explanation: indices into the choice literals and into
/// [`Encoding::constraints`], both ascending.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Explanation {
    pub(crate) choices: Vec<usize>,
    pub(crate) constraints: Vec<usize>,
}

/// Everything an explanation needs besides the question.
pub(crate) struct Explainer<'a> {
    pub(crate) sat: &'a mut Sat,
    pub(crate) index: &'a CatalogIndex,
    pub(crate) encoding: &'a Encoding,
    /// The option values under the catalog alone (no choices).
    pub(crate) catalog: &'a [Values],
}

impl Explainer<'_> {
    /// Why option `option` is `on` (forced) or off (excluded) under `choices` (ordered oldest
    /// first; the explanation prefers the more recent ones). Empty if it is not fixed after all.
    pub(crate) fn fixed(&mut self, choices: &[Lit], option: usize, on: bool) -> Explanation {
        let by_catalog = self.catalog[option].fixed();
        if !by_catalog && !on {
            if let Some(explanation) = self.excluded_directly(choices, option) {
                return explanation;
            }
        }
        self.minimal(choices, Some(Lit::option(option, !on)), by_catalog)
            .unwrap_or_default()
    }

    /// Why `choices` clash. Empty if they do not.
    pub(crate) fn conflict(&mut self, choices: &[Lit]) -> Explanation {
        self.minimal(choices, None, false).unwrap_or_default()
    }

    /// The obvious reasons for an exclusion: the option was deselected, or another option of
    /// its exclusive group was selected. Both are minimal when the catalog alone does not
    /// exclude the option.
    fn excluded_directly(&self, choices: &[Lit], option: usize) -> Option<Explanation> {
        if let Some(c) = choices
            .iter()
            .rposition(|&l| l == Lit::option(option, false))
        {
            return Some(Explanation {
                choices: vec![c],
                constraints: Vec::new(),
            });
        }
        let g = self.index.group_of[option];
        let group = &self.index.groups[g];
        if !group.cardinality.is_exclusive() {
            return None;
        }
        let c = choices.iter().rposition(|&l| {
            l.is_positive()
                && l.var() as usize != option
                && group.options.contains(&(l.var() as usize))
        })?;
        let k = self
            .encoding
            .constraints
            .iter()
            .position(|constraint| constraint.source == Source::Group(g))?;
        Some(Explanation {
            choices: vec![c],
            constraints: vec![k],
        })
    }

    /// The general case: `goal` (or nothing) with `choices` and every constraint is
    /// unsatisfiable; find a minimal explanation. `by_catalog`: the constraints alone suffice,
    /// so no choice is needed. `None` if the premise is satisfiable after all.
    fn minimal(
        &mut self,
        choices: &[Lit],
        goal: Option<Lit>,
        by_catalog: bool,
    ) -> Option<Explanation> {
        let acts: Vec<Lit> = self.encoding.constraints.iter().map(|c| c.act).collect();
        let mut hard: Vec<Lit> = goal.into_iter().collect();
        let goals = hard.len();
        hard.extend_from_slice(&acts);
        let soft = if by_catalog { &[][..] } else { choices };

        // Choices, with every constraint on.
        let (core, hard_core) = solve_for_core(self.sat, &hard, soft)?;
        let (chosen, hard_core) = if core.len() <= 1 {
            // Minimal already: when not `by_catalog`, no explanation without choices exists.
            (core, hard_core)
        } else {
            shrink(self.sat, &hard, soft, core, hard_core)
        };

        // Constraints, with only those choices. The last core used these constraints.
        let used: Vec<usize> = hard_core
            .into_iter()
            .filter_map(|h| h.checked_sub(goals))
            .collect();
        let mut premise: Vec<Lit> = goal.into_iter().collect();
        premise.extend(chosen.iter().map(|&c| soft[c]));
        let constraints = if contradictory(&premise) {
            Vec::new()
        } else if used.len() <= 1 {
            // Without any constraint a consistent set of literals is satisfiable.
            used
        } else {
            shrink(self.sat, &premise, &acts, used, Vec::new()).0
        };
        Some(Explanation {
            choices: chosen,
            constraints,
        })
    }
}

/// Whether `lits` holds a literal and its negation.
fn contradictory(lits: &[Lit]) -> bool {
    lits.iter().any(|&l| lits.contains(&!l))
}

/// Solves `hard` with all of `soft` (later members assumed first, so the core tends to use
/// them); if unsatisfiable, the core as indices into `soft` and into `hard`.
fn solve_for_core(sat: &mut Sat, hard: &[Lit], soft: &[Lit]) -> Option<(Vec<usize>, Vec<usize>)> {
    let assumptions: Vec<Lit> = hard.iter().chain(soft.iter().rev()).copied().collect();
    if sat.solve(&assumptions) {
        return None;
    }
    Some((failed(sat, soft), failed(sat, hard)))
}

fn failed(sat: &Sat, lits: &[Lit]) -> Vec<usize> {
    (0..lits.len()).filter(|&i| sat.failed(lits[i])).collect()
}

/// Shrinks `core` (indices into `soft` such that `hard` with them is unsatisfiable) to a
/// subset-minimal one by deletion, trying earlier members first. Returns it with the members
/// of `hard` that the last unsatisfiable call used (`hard_core` if none was made).
pub(crate) fn shrink(
    sat: &mut Sat,
    hard: &[Lit],
    soft: &[Lit],
    mut core: Vec<usize>,
    mut hard_core: Vec<usize>,
) -> (Vec<usize>, Vec<usize>) {
    let mut assumptions = Vec::with_capacity(hard.len() + core.len());
    let mut next = 0;
    while next < core.len() {
        assumptions.clear();
        assumptions.extend_from_slice(hard);
        let rest = core.iter().enumerate().filter(|&(k, _)| k != next);
        assumptions.extend(rest.rev().map(|(_, &i)| soft[i]));
        if sat.solve(&assumptions) {
            // Needed: keep it.
            next += 1;
        } else {
            // Not needed; the new core may leave out still more.
            let removed = core.remove(next);
            core.retain(|&i| i != removed && sat.failed(soft[i]));
            hard_core = failed(sat, hard);
        }
    }
    (core, hard_core)
}

/// A subset-minimal set of indices into `soft` such that `hard` with them is unsatisfiable,
/// ascending, preferring later members. `None` if `hard` and all of `soft` are satisfiable.
#[cfg(test)]
fn minimal_core(sat: &mut Sat, hard: &[Lit], soft: &[Lit]) -> Option<Vec<usize>> {
    let (core, hard_core) = solve_for_core(sat, hard, soft)?;
    Some(shrink(sat, hard, soft, core, hard_core).0)
}

#[cfg(test)]
mod tests {
    use super::minimal_core;
    use crate::cnf::{Cnf, Lit};
    use crate::solver::Sat;

    #[test]
    fn deletion_prefers_later_members() {
        // a -> x, b -> x, c unrelated; hard: !x.
        let [a, b, c, x] = [0, 1, 2, 3].map(|v| Lit::new(v, true));
        let cnf = Cnf {
            vars: 4,
            clauses: vec![vec![!a, x], vec![!b, x]],
            switches: Vec::new(),
        };
        let mut sat = Sat::new(&cnf);
        assert_eq!(minimal_core(&mut sat, &[!x], &[a, b, c]), Some(vec![1]));
        assert_eq!(minimal_core(&mut sat, &[!x], &[c]), None);
        assert_eq!(minimal_core(&mut sat, &[x, !x], &[a]), Some(vec![]));
        assert_eq!(minimal_core(&mut sat, &[!x], &[b, a]), Some(vec![1]));
    }
}
