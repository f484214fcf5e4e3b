//! Completing a configuration: pick an option in every open exactly-one group, then keep
//! every optional option off where possible.

use crate::catalog::Cardinality;
use crate::cnf::Lit;
use crate::index::CatalogIndex;
use crate::solver::Sat;

/// The options to select, in order, so that `base` (every constraint and the user's choices)
/// becomes a complete configuration; `None` if `base` is unsatisfiable.
///
/// 1. For each exactly-one group (catalog order) in which no option is selected or forced:
///    its default if that is still possible, else its first possible option.
/// 2. For each remaining option (catalog order): off if still possible; if not, and the option
///    is not forced by the choices made so far, it is selected.
///
/// Afterwards every option is selected, forced or can be off together with all others that
/// are off, so the closed-world assignment (selected and forced options on) is valid.
pub(crate) fn complete(sat: &mut Sat, index: &CatalogIndex, base: &[Lit]) -> Option<Vec<usize>> {
    let mut chosen: Vec<Lit> = base.to_vec();
    if !sat.solve(&chosen) {
        return None;
    }
    // A model of `chosen`, kept up to date.
    let mut model = read_model(sat, index.len());
    let mut picks = Vec::new();
    let mut selected = vec![false; index.len()];
    for lit in base {
        if let Some(s) = selected.get_mut(lit.var() as usize) {
            *s |= lit.is_positive();
        }
    }

    for group in &index.groups {
        if group.cardinality != Cardinality::ExactlyOne {
            continue;
        }
        // The model has exactly one option of the group on; the group is open unless that
        // option is fixed (selected or forced).
        let Some(on) = group.options.clone().find(|&i| model[i]) else {
            continue;
        };
        chosen.push(Lit::option(on, false));
        let open = sat.solve(&chosen);
        chosen.pop();
        if !open {
            continue;
        }
        let candidates = group.default.into_iter().chain(group.options.clone());
        for candidate in candidates {
            chosen.push(Lit::option(candidate, true));
            if model[candidate] || sat.solve(&chosen) {
                if !model[candidate] {
                    model = read_model(sat, index.len());
                }
                picks.push(candidate);
                selected[candidate] = true;
                break;
            }
            chosen.pop();
        }
    }

    // `chosen` now holds `base` and the picks; `settled` adds the offs (and forced ons) of
    // phase 2, which are not returned as choices.
    let mut settled = chosen.clone();
    for i in 0..index.len() {
        if selected[i] {
            continue;
        }
        if !model[i] {
            settled.push(Lit::option(i, false));
            continue;
        }
        settled.push(Lit::option(i, false));
        if sat.solve(&settled) {
            model = read_model(sat, index.len());
            continue;
        }
        settled.pop();
        settled.push(Lit::option(i, true));
        // Must be on: forced by the choices, or needed only because of the offs above.
        chosen.push(Lit::option(i, false));
        let forced = !sat.solve(&chosen);
        chosen.pop();
        if !forced {
            chosen.push(Lit::option(i, true));
            picks.push(i);
        }
    }
    Some(picks)
}

fn read_model(sat: &Sat, options: usize) -> Vec<bool> {
    (0..options)
        .map(|i| sat.value(Lit::option(i, true)))
        .collect()
}
