//! Which values each option can still take: exact, by SAT with witness filtering.
//!
//! Every model the solver returns is a valid completion, so each option's value in it is
//! possible: one model settles many options at once. Only an option seen with a single value
//! so far gets a call of its own, assuming its other value; a model marks that value (and
//! whatever else it shows), unsatisfiability proves the option fixed.
//!
//! The list of pending options shrinks as models come in, so the work per model is
//! proportional to what is still open, not to the catalog size.

use crate::cnf::Lit;
use crate::solver::Sat;

/// The values an option takes across the valid completions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Values {
    /// Some completion has the option on.
    pub on: bool,
    /// Some completion has the option off.
    pub off: bool,
}

impl Values {
    /// Whether only one value is possible.
    #[inline]
    pub fn fixed(self) -> bool {
        self.on != self.off
    }
}

/// The possible values of options `0..options` under `assumptions`, or `None` when the
/// assumptions are unsatisfiable. `assumptions` is restored before returning.
pub fn propagate(sat: &mut Sat, assumptions: &mut Vec<Lit>, options: usize) -> Option<Vec<Values>> {
    if !sat.solve(assumptions) {
        return None;
    }
    let mut values = vec![Values::default(); options];
    // Options seen with one value only, in catalog order.
    let mut pending: Vec<usize> = (0..options).collect();
    record(sat, &mut values, &mut pending);
    // Options before `next` in `pending` are proven fixed.
    let mut next = 0;
    while let Some(&i) = pending.get(next) {
        assumptions.push(Lit::option(i, !values[i].on));
        let found = sat.solve(assumptions);
        assumptions.pop();
        if found {
            record(sat, &mut values, &mut pending);
        } else {
            next += 1;
        }
    }
    Some(values)
}

/// Marks the values of the pending options in the solver's current model as possible, and
/// drops the options seen with both values from `pending`.
fn record(sat: &Sat, values: &mut [Values], pending: &mut Vec<usize>) {
    pending.retain(|&i| {
        let v = &mut values[i];
        if sat.value(Lit::option(i, true)) {
            v.on = true;
        } else {
            v.off = true;
        }
        !(v.on && v.off)
    });
}
