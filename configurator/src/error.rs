//! Why a catalog is rejected.

use thiserror::Error;

use crate::rule::ParseError;

/// A catalog that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CatalogError {
    /// A rule's expression does not parse.
    #[error("rule `{rule}`: {error}")]
    Parse {
        /// The rule's id.
        rule: String,
        /// Where and why parsing failed.
        error: ParseError,
    },
    /// A rule refers to an option the catalog does not have.
    #[error("rule `{rule}` refers to the unknown option `{option}`")]
    UnknownOption {
        /// The rule's id.
        rule: String,
        /// The unknown option id.
        option: String,
    },
    /// Two options, two groups or two rules share an id.
    #[error("the id `{0}` is used twice")]
    DuplicateId(String),
    /// An option id is not `[a-z0-9_]+` or is a keyword of the rule syntax.
    #[error(
        "the option id `{0}` is not valid: use lower-case letters, digits and `_`, \
         and none of `true`, `false`, `requires`, `excludes`"
    )]
    BadId(String),
    /// A group's default is not one of its options.
    #[error("the default `{option}` of group `{group}` is not one of its options")]
    BadDefault {
        /// The group's id.
        group: String,
        /// The default option id.
        option: String,
    },
    /// The catalog needs exactly one exactly-one group holding one purchase and one lease
    /// option (and nothing else).
    #[error("sales modes: {0}")]
    SalesModes(String),
    /// The rules and groups admit no valid configuration at all.
    #[error("the rules and groups admit no valid configuration")]
    Inconsistent,
    /// The catalog's TOML text is malformed.
    #[error("TOML: {0}")]
    Toml(String),
}
