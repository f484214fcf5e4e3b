//! Exact counting of the solutions of a CNF: DPLL with unit propagation, connected components
//! and a component cache, within a budget of search nodes.

use std::collections::HashMap;

use configurator::sat::Cnf;

use crate::to_dimacs;

/// The number of solutions over all `cnf.vars` variables, or `None` when the count exceeds
/// `u128` or the search more than `budget` nodes.
pub(crate) fn count(cnf: &Cnf, _features: usize, budget: u64) -> Option<u128> {
    let clauses: Vec<Vec<i32>> = cnf.clauses.iter().map(|c| to_dimacs(c)).collect();
    let mut counter = Counter {
        budget,
        cache: HashMap::new(),
    };
    let (clauses, assigned) = simplify(clauses, &[])?;
    let mut vars: Vec<u32> = clauses.iter().flatten().map(|l| l.unsigned_abs()).collect();
    vars.sort_unstable();
    vars.dedup();
    let free = cnf.vars as usize - assigned - vars.len();
    let n = counter.count(clauses)?;
    n.checked_mul(pow2(free)?)
}

fn pow2(n: usize) -> Option<u128> {
    1u128
        .checked_shl(u32::try_from(n).ok()?)
        .filter(|_| n < 128)
}

struct Counter {
    budget: u64,
    cache: HashMap<Vec<Vec<i32>>, u128>,
}

/// Applies `units` and unit propagation; returns the remaining clauses (sorted, without
/// satisfied clauses and false literals) and how many variables were assigned; `None` on a
/// conflict.
fn simplify(mut clauses: Vec<Vec<i32>>, units: &[i32]) -> Option<(Vec<Vec<i32>>, usize)> {
    let mut assigned: HashMap<u32, bool> = HashMap::new();
    let mut queue: Vec<i32> = units.to_vec();
    loop {
        for &u in &queue {
            match assigned.insert(u.unsigned_abs(), u > 0) {
                Some(v) if v != (u > 0) => return None,
                _ => {}
            }
        }
        queue.clear();
        let mut out = Vec::with_capacity(clauses.len());
        for c in clauses {
            let mut satisfied = false;
            let mut rest = Vec::with_capacity(c.len());
            for &l in &c {
                match assigned.get(&l.unsigned_abs()) {
                    Some(&v) if v == (l > 0) => {
                        satisfied = true;
                        break;
                    }
                    Some(_) => {}
                    None => rest.push(l),
                }
            }
            if satisfied {
                continue;
            }
            match rest.len() {
                0 => return None,
                1 => queue.push(rest[0]),
                _ => {}
            }
            out.push(rest);
        }
        clauses = out;
        if queue.is_empty() {
            break;
        }
    }
    for c in &mut clauses {
        c.sort_unstable();
        c.dedup();
    }
    clauses.retain(|c| !c.windows(2).any(|w| w[0] == -w[1]));
    clauses.sort_unstable();
    clauses.dedup();
    Some((clauses, assigned.len()))
}

impl Counter {
    /// Solutions of `clauses` over the variables occurring in them.
    fn count(&mut self, clauses: Vec<Vec<i32>>) -> Option<u128> {
        if clauses.is_empty() {
            return Some(1);
        }
        if let Some(&n) = self.cache.get(&clauses) {
            return Some(n);
        }
        self.budget = self.budget.checked_sub(1)?;
        let components = components(&clauses);
        let n = if components.len() > 1 {
            let mut n: u128 = 1;
            for c in components {
                n = n.checked_mul(self.count(c)?)?;
            }
            n
        } else {
            let vars = variables(&clauses);
            // Branch on the most frequent variable.
            let mut occurrences: HashMap<u32, usize> = HashMap::new();
            for l in clauses.iter().flatten() {
                *occurrences.entry(l.unsigned_abs()).or_default() += 1;
            }
            let v = occurrences
                .iter()
                .max_by_key(|&(v, n)| (*n, std::cmp::Reverse(*v)))
                .map(|(v, _)| *v as i32)?;
            let mut n: u128 = 0;
            for lit in [v, -v] {
                if let Some((rest, assigned)) = simplify(clauses.clone(), &[lit]) {
                    let gone = vars.len() - variables(&rest).len() - assigned;
                    n = n.checked_add(self.count(rest)?.checked_mul(pow2(gone)?)?)?;
                }
            }
            n
        };
        self.cache.insert(clauses, n);
        Some(n)
    }
}

fn variables(clauses: &[Vec<i32>]) -> Vec<u32> {
    let mut vars: Vec<u32> = clauses.iter().flatten().map(|l| l.unsigned_abs()).collect();
    vars.sort_unstable();
    vars.dedup();
    vars
}

/// Splits clauses into groups that share no variable (each sorted).
fn components(clauses: &[Vec<i32>]) -> Vec<Vec<Vec<i32>>> {
    let vars = variables(clauses);
    let index: HashMap<u32, usize> = vars.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut parent: Vec<usize> = (0..vars.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for c in clauses {
        let a = find(&mut parent, index[&c[0].unsigned_abs()]);
        for l in &c[1..] {
            let b = find(&mut parent, index[&l.unsigned_abs()]);
            parent[b] = a;
        }
    }
    let mut groups: HashMap<usize, Vec<Vec<i32>>> = HashMap::new();
    for c in clauses {
        let r = find(&mut parent, index[&c[0].unsigned_abs()]);
        groups.entry(r).or_default().push(c.clone());
    }
    let mut out: Vec<Vec<Vec<i32>>> = groups.into_values().collect();
    out.sort();
    out
}
