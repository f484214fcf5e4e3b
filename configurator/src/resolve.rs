//! The smallest set of earlier choices to drop so that a wanted choice fits.
//!
//! This is a minimum correction set, found by implicit hitting sets: every unsatisfiable core
//! of kept choices must lose at least one member, so the candidate is the first set (by size,
//! then preferring older choices) that hits every core found so far. If dropping it leaves a
//! satisfiable set, it is the answer; otherwise the new core joins the list. Candidates of one
//! size are visited in colexicographic order, which is the order of the bit masks: a set whose
//! most recent member is older comes first, so ties keep the more recent choices.

use crate::cnf::Lit;
use crate::solver::Sat;

/// Visited candidates before giving up optimality (for very long choice lists).
const CANDIDATE_BUDGET: usize = 200_000;

/// Indices into `soft` (ordered oldest first) to drop so that `hard` and the rest of `soft`
/// are satisfiable: as few as possible, ties keeping the later members. Ascending.
/// `None` if `hard` alone is unsatisfiable.
pub(crate) fn smallest_drop(sat: &mut Sat, hard: &[Lit], soft: &[Lit]) -> Option<Vec<usize>> {
    if !sat.solve(hard) {
        return None;
    }
    let mut cores: Vec<Vec<usize>> = Vec::new();
    let mut drop: Vec<usize> = Vec::new();
    let mut budget = CANDIDATE_BUDGET;
    loop {
        let kept: Vec<Lit> = hard
            .iter()
            .copied()
            .chain(
                (0..soft.len())
                    .rev()
                    .filter(|i| drop.binary_search(i).is_err())
                    .map(|i| soft[i]),
            )
            .collect();
        if sat.solve(&kept) {
            return Some(drop);
        }
        let core: Vec<usize> = (0..soft.len())
            .filter(|&i| drop.binary_search(&i).is_err() && sat.failed(soft[i]))
            .collect();
        if core.is_empty() {
            // Cannot happen (`hard` alone is satisfiable); fall back rather than loop.
            return Some(greedy_drop(sat, hard, soft));
        }
        cores.push(core);
        match first_hitting_set(&cores, &mut budget) {
            Some(candidate) => drop = candidate,
            None => return Some(greedy_drop(sat, hard, soft)),
        }
    }
}

/// The first set, by size and then colexicographically, that meets every core; `None` when
/// the budget runs out.
fn first_hitting_set(cores: &[Vec<usize>], budget: &mut usize) -> Option<Vec<usize>> {
    let mut universe: Vec<usize> = cores.iter().flatten().copied().collect();
    universe.sort_unstable();
    universe.dedup();
    let mut member = vec![false; universe.last().map_or(0, |&m| m + 1)];
    for size in 1..=universe.len() {
        let mut combination: Vec<usize> = (0..size).collect();
        loop {
            *budget = budget.checked_sub(1)?;
            for &k in &combination {
                member[universe[k]] = true;
            }
            let hits = cores.iter().all(|core| core.iter().any(|&i| member[i]));
            for &k in &combination {
                member[universe[k]] = false;
            }
            if hits {
                return Some(combination.iter().map(|&k| universe[k]).collect());
            }
            if !next_colex(&mut combination, universe.len()) {
                break;
            }
        }
    }
    None
}

/// Advances `c` (ascending indices below `n`) to the next combination in colex order.
fn next_colex(c: &mut [usize], n: usize) -> bool {
    for j in 0..c.len() {
        let limit = c.get(j + 1).copied().unwrap_or(n);
        if c[j] + 1 < limit {
            c[j] += 1;
            for (k, slot) in c[..j].iter_mut().enumerate() {
                *slot = k;
            }
            return true;
        }
    }
    false
}

/// A minimal (not necessarily smallest) drop set: keeps choices from the most recent back
/// while they still fit.
fn greedy_drop(sat: &mut Sat, hard: &[Lit], soft: &[Lit]) -> Vec<usize> {
    let mut kept: Vec<Lit> = hard.to_vec();
    let mut drop = Vec::new();
    for i in (0..soft.len()).rev() {
        kept.push(soft[i]);
        if !sat.solve(&kept) {
            kept.pop();
            drop.push(i);
        }
    }
    drop.reverse();
    drop
}

#[cfg(test)]
mod tests {
    use super::{first_hitting_set, next_colex, smallest_drop};
    use crate::cnf::{Cnf, Lit};
    use crate::solver::Sat;

    #[test]
    fn colex_order_is_bit_mask_order() {
        let mut c = vec![0, 1];
        let mut seen = vec![c.clone()];
        while next_colex(&mut c, 4) {
            seen.push(c.clone());
        }
        assert_eq!(
            seen,
            [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]].map(|p| p.to_vec())
        );
    }

    #[test]
    fn hitting_sets_prefer_small_then_old() {
        let mut budget = 1000;
        assert_eq!(
            first_hitting_set(&[vec![1, 4], vec![2, 4]], &mut budget),
            Some(vec![4])
        );
        assert_eq!(
            first_hitting_set(&[vec![1, 4], vec![2, 5]], &mut budget),
            Some(vec![1, 2])
        );
        let mut tiny = 1;
        assert_eq!(first_hitting_set(&[vec![1], vec![2]], &mut tiny), None);
    }

    #[test]
    fn smallest_drop_keeps_recent_choices() {
        // Exactly one of a, b, c; choices a, b, c, wanted: nothing else.
        let [a, b, c] = [0, 1, 2].map(|v| Lit::new(v, true));
        let cnf = Cnf {
            vars: 3,
            clauses: vec![vec![a, b, c], vec![!a, !b], vec![!a, !c], vec![!b, !c]],
            switches: Vec::new(),
        };
        let mut sat = Sat::new(&cnf);
        assert_eq!(smallest_drop(&mut sat, &[], &[a, b, c]), Some(vec![0, 1]));
        assert_eq!(smallest_drop(&mut sat, &[a], &[b, c]), Some(vec![0, 1]));
        assert_eq!(smallest_drop(&mut sat, &[], &[!a, !b]), Some(vec![]));
        assert_eq!(smallest_drop(&mut sat, &[!a, !b, !c], &[]), None);
    }
}
