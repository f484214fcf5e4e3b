//! The engine: a compiled catalog with an incremental SAT solver, answering checks, clicks,
//! resolutions, completions and quotes.

use std::collections::HashSet;
use std::fmt;

use crate::catalog::{Cardinality, Catalog, SalesMode};
use crate::check::{Check, Choice, Click, OptionState, OptionStatus, Reason};
use crate::cnf::{self, Encoding, Lit, Source};
use crate::complete::complete;
use crate::error::CatalogError;
use crate::explain::{Explainer, Explanation};
use crate::index::CatalogIndex;
use crate::pricing::Quote;
use crate::propagate::{propagate, Values};
use crate::resolve::smallest_drop;
use crate::solver::Sat;

/// A compiled catalog: its rules and groups as clauses in one incremental SAT solver, which
/// every query reuses (the user's choices and the constraints are passed as assumptions).
///
/// Queries take `&mut self` because they drive the solver; they never fail and never panic:
/// unknown option ids in choices are reported in [`Check::unknown`] and otherwise ignored.
pub struct Engine {
    catalog: Catalog,
    index: CatalogIndex,
    encoding: Encoding,
    sat: Sat,
    /// The option values under the catalog alone.
    catalog_values: Vec<Values>,
}

/// The known choices of a query as literals.
struct Session {
    /// Distinct choice literals, ordered by their last occurrence: oldest first.
    lits: Vec<Lit>,
    /// Options with a [`Choice::Select`].
    selected: Vec<bool>,
    /// Chosen ids the catalog does not have, in order, without repeats.
    unknown: Vec<String>,
}

impl Engine {
    /// Validates and compiles `catalog`; fails on the errors of [`Catalog::validate`] and with
    /// [`CatalogError::Inconsistent`] when no configuration satisfies all rules and groups.
    pub fn new(catalog: Catalog) -> Result<Engine, CatalogError> {
        let index = CatalogIndex::build(&catalog)?;
        let (cnf, encoding) = cnf::encode(&index);
        let mut sat = Sat::new(&cnf);
        let catalog_values = propagate(&mut sat, &mut vec![encoding.all], index.len())
            .ok_or(CatalogError::Inconsistent)?;
        Ok(Engine {
            catalog,
            index,
            encoding,
            sat,
            catalog_values,
        })
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The state of every option under `choices`, with reasons.
    ///
    /// Exact: an option is forced (excluded) exactly when it is on (off) in every valid
    /// completion of the choices, so every selectable option can be chosen and the
    /// configuration still completed. When the choices clash, [`Check::conflict`] names a
    /// subset-minimal set of them; selected options stay selected and every other option is
    /// excluded with the conflict as its reason.
    pub fn check(&mut self, choices: &[Choice]) -> Check {
        let session = self.session(choices);
        let mut assumptions = self.assumptions(&session);
        let values = propagate(&mut self.sat, &mut assumptions, self.index.len());
        let valid = values.is_some();
        let conflict = match values {
            Some(_) => Vec::new(),
            None => {
                let explanation = self.explainer().conflict(&session.lits);
                self.reasons(&session.lits, &explanation)
            }
        };

        let mut options = Vec::with_capacity(self.index.len());
        for i in 0..self.index.len() {
            let (state, reasons) = match &values {
                _ if session.selected[i] => (OptionState::Selected, Vec::new()),
                None => (OptionState::Excluded, conflict.clone()),
                Some(values) if !values[i].fixed() => (OptionState::Selectable, Vec::new()),
                Some(values) => {
                    let on = values[i].on;
                    let explanation = self.explainer().fixed(&session.lits, i, on);
                    let state = if on {
                        OptionState::Forced
                    } else {
                        OptionState::Excluded
                    };
                    (state, self.reasons(&session.lits, &explanation))
                }
            };
            options.push(OptionStatus {
                id: self.index.option_ids[i].clone(),
                state,
                reasons,
            });
        }

        let on: Vec<bool> = options
            .iter()
            .map(|o| matches!(o.state, OptionState::Selected | OptionState::Forced))
            .collect();
        let open_groups = self
            .index
            .groups
            .iter()
            .zip(&self.catalog.groups)
            .filter(|(group, _)| {
                group.cardinality == Cardinality::ExactlyOne
                    && !group.options.clone().any(|i| on[i])
            })
            .map(|(_, group)| group.id.clone())
            .collect();
        let sales_mode = if on[self.index.purchase] {
            Some(SalesMode::Purchase)
        } else if on[self.index.lease] {
            Some(SalesMode::Lease)
        } else {
            None
        };
        Check {
            valid,
            complete: valid && self.index.satisfied_by(&on),
            options,
            unknown: session.unknown,
            conflict,
            open_groups,
            sales_mode,
        }
    }

    /// The choices after clicking `option`.
    ///
    /// Clicking an option selected by a choice removes that choice. Otherwise the click
    /// replaces the other selections of the option's group (when the group is exactly-one or
    /// at-most-one) and a deselection of the option itself, and appends
    /// `Choice::Select(option)`; when that clashes with earlier choices the result offers the
    /// fewest of them to drop (see [`Engine::resolve`]). [`Click::Impossible`] when no valid
    /// configuration has the option, or the catalog has no such option.
    pub fn click(&mut self, choices: &[Choice], option: &str) -> Click {
        let Some(i) = self.index.option(option) else {
            return Click::Impossible;
        };
        let wanted = Choice::Select(option.to_owned());
        if choices.contains(&wanted) {
            let rest = choices.iter().filter(|&c| c != &wanted).cloned().collect();
            return Click::Updated(rest);
        }
        let group = &self.index.groups[self.index.group_of[i]];
        let replaces = |choice: &Choice| match choice {
            Choice::Select(id) => {
                group.cardinality.is_exclusive()
                    && self
                        .index
                        .option(id)
                        .is_some_and(|j| j != i && group.options.contains(&j))
            }
            Choice::Deselect(id) => id == option,
        };
        let rest: Vec<Choice> = choices.iter().filter(|&c| !replaces(c)).cloned().collect();
        match self.drop_for(&rest, &wanted) {
            None => Click::Impossible,
            Some((drop, result)) if drop.is_empty() => Click::Updated(result),
            Some((drop, result)) => Click::NeedsResolution { drop, result },
        }
    }

    /// The choices with `wanted` appended after dropping the fewest earlier choices that clash
    /// with it (ties: dropping older choices, keeping the more recent ones). Choices equal to
    /// `wanted` are moved to the end; unknown ids are kept. `None` when no valid configuration
    /// satisfies `wanted`, or it names an unknown option.
    pub fn resolve(&mut self, choices: &[Choice], wanted: &Choice) -> Option<Vec<Choice>> {
        self.drop_for(choices, wanted).map(|(_, result)| result)
    }

    /// `choices` followed by selections that make the configuration complete and valid.
    ///
    /// Each open exactly-one group gets its default when that is selectable, else its first
    /// selectable option; optional options stay off where possible (an option is selected
    /// only when the configuration cannot do without it). Choices that clash are returned
    /// unchanged.
    pub fn complete(&mut self, choices: &[Choice]) -> Vec<Choice> {
        let session = self.session(choices);
        let base = self.assumptions(&session);
        let mut result = choices.to_vec();
        if let Some(picks) = complete(&mut self.sat, &self.index, &base) {
            result.extend(
                picks
                    .into_iter()
                    .map(|i| Choice::Select(self.index.option_ids[i].clone())),
            );
        }
        result
    }

    /// The price of the options that are on in `check` (selected or forced), in its sales
    /// mode; `None` while the sales mode is undecided or the check is not valid.
    pub fn quote(&mut self, check: &Check) -> Option<Quote> {
        if !check.valid {
            return None;
        }
        let mode = check.sales_mode?;
        Some(self.catalog.quote(&check.chosen(), mode))
    }

    /// Number of SAT solver calls made so far (for benchmarks and tuning).
    pub fn solver_calls(&self) -> u64 {
        self.sat.calls()
    }

    fn choice_lit(&self, choice: &Choice) -> Option<Lit> {
        let i = self.index.option(choice.option())?;
        Some(Lit::option(i, choice.is_select()))
    }

    fn session(&self, choices: &[Choice]) -> Session {
        let mut seen = HashSet::new();
        let mut lits = Vec::new();
        let mut selected = vec![false; self.index.len()];
        for choice in choices.iter().rev() {
            if let Some(lit) = self.choice_lit(choice) {
                if seen.insert(lit) {
                    lits.push(lit);
                }
                if lit.is_positive() {
                    selected[lit.var() as usize] = true;
                }
            }
        }
        lits.reverse();
        let mut unknown: Vec<String> = Vec::new();
        for choice in choices {
            let id = choice.option();
            if self.index.option(id).is_none() && !unknown.iter().any(|u| u == id) {
                unknown.push(id.to_owned());
            }
        }
        Session {
            lits,
            selected,
            unknown,
        }
    }

    /// Every constraint on, and the session's choices.
    fn assumptions(&self, session: &Session) -> Vec<Lit> {
        let mut assumptions = Vec::with_capacity(session.lits.len() + 1);
        assumptions.push(self.encoding.all);
        assumptions.extend_from_slice(&session.lits);
        assumptions
    }

    fn explainer(&mut self) -> Explainer<'_> {
        Explainer {
            sat: &mut self.sat,
            index: &self.index,
            encoding: &self.encoding,
            catalog: &self.catalog_values,
        }
    }

    /// An explanation as reasons: choices, then rules, then groups.
    fn reasons(&self, choices: &[Lit], explanation: &Explanation) -> Vec<Reason> {
        let chosen = explanation.choices.iter().map(|&c| {
            let lit = choices[c];
            Reason::Chosen {
                option: self.index.option_ids[lit.var() as usize].clone(),
                selected: lit.is_positive(),
            }
        });
        let constraints =
            explanation
                .constraints
                .iter()
                .map(|&k| match self.encoding.constraints[k].source {
                    Source::Rule(r) => Reason::Rule {
                        rule: self.catalog.rules[r].id.clone(),
                    },
                    Source::Group(g) => Reason::Group {
                        group: self.catalog.groups[g].id.clone(),
                    },
                });
        chosen.chain(constraints).collect()
    }

    /// The fewest choices of `choices` to drop for `wanted`, and the resulting choice list.
    fn drop_for(
        &mut self,
        choices: &[Choice],
        wanted: &Choice,
    ) -> Option<(Vec<Choice>, Vec<Choice>)> {
        let wanted_lit = self.choice_lit(wanted)?;
        let rest: Vec<Choice> = choices.iter().filter(|&c| c != wanted).cloned().collect();
        let session = self.session(&rest);
        let hard = [self.encoding.all, wanted_lit];
        let dropped = smallest_drop(&mut self.sat, &hard, &session.lits)?;
        let dropped: Vec<Lit> = dropped.into_iter().map(|k| session.lits[k]).collect();
        let (drop, mut result): (Vec<Choice>, Vec<Choice>) = rest
            .into_iter()
            .partition(|c| self.choice_lit(c).is_some_and(|l| dropped.contains(&l)));
        result.push(wanted.clone());
        Some((drop, result))
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("car_line", &self.catalog.car_line)
            .field("version", &self.catalog.version)
            .field("options", &self.index.len())
            .field("rules", &self.index.rules.len())
            .finish()
    }
}
