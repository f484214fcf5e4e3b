//! A thin wrapper around the incremental SAT solver (batsat), in terms of [`Lit`].

use batsat::{lbool, Callbacks, SolverInterface, SolverOpts};

use crate::cnf::{Cnf, Lit};

/// Callbacks that do nothing. (batsat's own `Basic` callbacks hold a closure that is not
/// `Send`, which would keep the engine on one thread.)
struct Silent;

impl Callbacks for Silent {}

/// An incremental SAT solver loaded with a fixed clause set, queried under assumptions.
pub struct Sat {
    solver: batsat::Solver<Silent>,
    /// The solver's variables, by our variable index.
    vars: Vec<batsat::Var>,
    /// Reused buffer for the literals of a call.
    buffer: Vec<batsat::Lit>,
    calls: u64,
}

impl Sat {
    /// A solver for `cnf`.
    pub fn new(cnf: &Cnf) -> Sat {
        Sat::with_options(cnf, SolverOpts::default())
    }

    /// A solver for `cnf` that branches with random polarities, so that successive models
    /// differ widely: each one then settles more variables as "seen both ways" (witness
    /// filtering on large feature models).
    pub fn random_polarity(cnf: &Cnf) -> Sat {
        let options = SolverOpts {
            rnd_pol: true,
            ..SolverOpts::default()
        };
        Sat::with_options(cnf, options)
    }

    fn with_options(cnf: &Cnf, options: SolverOpts) -> Sat {
        let mut solver = batsat::Solver::new(options, Silent);
        let mut decision = vec![true; cnf.vars as usize];
        for &v in &cnf.switches {
            decision[v as usize] = false;
        }
        let vars = decision
            .into_iter()
            .map(|d| solver.new_var(lbool::UNDEF, d))
            .collect();
        let mut sat = Sat {
            solver,
            vars,
            buffer: Vec::new(),
            calls: 0,
        };
        let mut buffer = Vec::new();
        for clause in &cnf.clauses {
            buffer.clear();
            buffer.extend(clause.iter().map(|&lit| sat.lit(lit)));
            // `false` means the clauses alone are unsatisfiable; every later call then answers
            // unsatisfiable with an empty core, which callers treat as such.
            sat.solver.add_clause_reuse(&mut buffer);
        }
        sat
    }

    /// Adds a clause for good (e.g. a unit found to hold in every model).
    pub fn add_clause(&mut self, clause: &[Lit]) {
        let mut buffer: Vec<batsat::Lit> = clause.iter().map(|&lit| self.lit(lit)).collect();
        self.solver.add_clause_reuse(&mut buffer);
    }

    fn lit(&self, lit: Lit) -> batsat::Lit {
        batsat::Lit::new(self.vars[lit.var() as usize], lit.is_positive())
    }

    /// Whether the clauses and `assumptions` are satisfiable together. Afterwards
    /// [`Sat::value`] reads the model (when satisfiable) and [`Sat::failed`] the core (when not).
    pub fn solve(&mut self, assumptions: &[Lit]) -> bool {
        self.calls += 1;
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        buffer.extend(assumptions.iter().map(|&lit| self.lit(lit)));
        let sat = self.solver.solve_limited(&buffer) == lbool::TRUE;
        self.buffer = buffer;
        sat
    }

    /// The value of `lit` in the model of the last satisfiable call.
    pub fn value(&self, lit: Lit) -> bool {
        self.solver.value_lit(self.lit(lit)) == lbool::TRUE
    }

    /// Whether the assumption `lit` is in the core of the last unsatisfiable call.
    pub fn failed(&self, lit: Lit) -> bool {
        // The core holds the negations of the failed assumptions.
        self.solver.unsat_core_contains_lit(!self.lit(lit))
    }

    /// Number of solver calls so far.
    pub fn calls(&self) -> u64 {
        self.calls
    }
}

#[cfg(test)]
mod tests {
    use super::Sat;
    use crate::cnf::{Cnf, Lit};

    #[test]
    fn models_and_cores() {
        let (a, b, c) = (Lit::new(0, true), Lit::new(1, true), Lit::new(2, true));
        // a -> b, b -> !c
        let cnf = Cnf {
            vars: 3,
            clauses: vec![vec![!a, b], vec![!b, !c]],
            switches: Vec::new(),
        };
        let mut sat = Sat::new(&cnf);
        assert!(sat.solve(&[a]));
        assert!(sat.value(b) && !sat.value(c));
        assert!(!sat.solve(&[a, !b, c]));
        assert!(sat.failed(a) && sat.failed(!b));
        assert!(!sat.solve(&[c, a]));
        assert!(sat.failed(a) && sat.failed(c));
        // Contradictory assumptions on one variable.
        assert!(!sat.solve(&[b, !b]));
        assert!(sat.failed(b) && sat.failed(!b));
        assert!(sat.solve(&[]));
        assert_eq!(sat.calls(), 5);
    }
}
