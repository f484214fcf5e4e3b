//! What the engine takes and answers: choices, option states with reasons, click outcomes.

use serde::{Deserialize, Serialize};

use crate::catalog::SalesMode;

/// One thing the user did: selected or deselected an option.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// The option must be on. Serialized as `{"select": id}`.
    Select(String),
    /// The option must be off. Serialized as `{"deselect": id}`.
    Deselect(String),
}

impl Choice {
    /// The option the choice is about.
    pub fn option(&self) -> &str {
        match self {
            Choice::Select(id) | Choice::Deselect(id) => id,
        }
    }

    /// Whether the choice turns its option on.
    pub fn is_select(&self) -> bool {
        matches!(self, Choice::Select(_))
    }
}

/// The state of an option under the user's choices.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionState {
    /// Can be chosen (or left off) and the configuration can still be completed.
    Selectable,
    /// Chosen by a [`Choice::Select`].
    Selected,
    /// On in every valid completion of the choices.
    Forced,
    /// Off in every valid completion of the choices (including deselected options).
    Excluded,
}

/// One part of an explanation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Reason {
    /// A choice of the user: `{"kind": "chosen", "option": id, "selected": bool}`.
    Chosen {
        /// The option chosen.
        option: String,
        /// `true` for a select, `false` for a deselect.
        selected: bool,
    },
    /// A catalog rule: `{"kind": "rule", "rule": id}`.
    Rule {
        /// The rule's id.
        rule: String,
    },
    /// A group's cardinality: `{"kind": "group", "group": id}`.
    Group {
        /// The group's id.
        group: String,
    },
}

/// An option's state and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionStatus {
    /// The option's id.
    pub id: String,
    /// Its state.
    pub state: OptionState,
    /// For forced and excluded options: a subset-minimal set of the user's choices and the
    /// rules and groups that, together, force or exclude it (choices first, then rules, then
    /// groups, each in order). Empty otherwise.
    pub reasons: Vec<Reason>,
}

/// The verdict on a list of choices.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Whether some valid configuration satisfies the choices.
    pub valid: bool,
    /// Whether the selected and forced options, and no others, form a valid configuration.
    pub complete: bool,
    /// Every option of the catalog, in catalog order.
    pub options: Vec<OptionStatus>,
    /// Chosen ids the catalog does not have (ignored by the check).
    pub unknown: Vec<String>,
    /// When not valid: a subset-minimal set of clashing choices, with the rules and groups
    /// they clash through.
    pub conflict: Vec<Reason>,
    /// The exactly-one groups with no option selected or forced.
    pub open_groups: Vec<String>,
    /// The sales mode, when its option is selected or forced.
    pub sales_mode: Option<SalesMode>,
}

impl Check {
    /// The ids of the options that are on: selected or forced, in catalog order.
    pub fn chosen(&self) -> Vec<&str> {
        self.options
            .iter()
            .filter(|o| matches!(o.state, OptionState::Selected | OptionState::Forced))
            .map(|o| o.id.as_str())
            .collect()
    }

    /// The status of the option with this id.
    pub fn status(&self, id: &str) -> Option<&OptionStatus> {
        self.options.iter().find(|o| o.id == id)
    }

    /// The state of the option with this id.
    pub fn state(&self, id: &str) -> Option<OptionState> {
        self.status(id).map(|o| o.state)
    }
}

/// What clicking an option leads to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Click {
    /// The click fits: the new list of choices.
    Updated(Vec<Choice>),
    /// The click clashes with earlier choices.
    NeedsResolution {
        /// The fewest earlier choices to drop (ties: the older ones).
        drop: Vec<Choice>,
        /// The choices after dropping them, ending with the click.
        result: Vec<Choice>,
    },
    /// No valid configuration has the option at all.
    Impossible,
}
