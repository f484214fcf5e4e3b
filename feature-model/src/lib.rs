//! Feature models independent of car catalogs: CNF over numbered variables, the first of which
//! are named features, with parsers for DIMACS CNF and UVL and an [`Analyzer`] that answers
//! propagation, explanation and analysis queries with one incremental SAT solver.
//!
//! Literals are DIMACS-style: variable `v` (0-based) is `v + 1` when on and `-(v + 1)` when off.
//!
//! Built on the configurator engine's SAT layer ([`configurator::sat`]: solver, clause encoder,
//! propagation by witness filtering); feature states are the engine's
//! [`OptionState`](configurator::OptionState)s. The app does not depend on this crate: it
//! serves the analysis of models at OEM scale, through the `configurator` command-line tool
//! (crate `configurator-cli`), the wasm benchmark and the fuzz targets (`fuzz/`).
//!
//! ```
//! use configurator::OptionState;
//! use feature_model::{parse_uvl, Analyzer};
//!
//! let uvl = parse_uvl("features\n    Car\n        optional\n            Sport\n            Eco\nconstraints\n    Sport => Eco\n").unwrap();
//! let sport = uvl.model.feature("Sport").unwrap();
//! let eco = uvl.model.feature("Eco").unwrap();
//! let mut analyzer = Analyzer::new(uvl.model);
//! assert_eq!(analyzer.core(), [0]); // the root
//! let propagation = analyzer.propagate(&[sport], &[]);
//! assert_eq!(propagation.states[eco], OptionState::Forced);
//! assert_eq!(analyzer.explain(&[sport], &[], eco).choices, [sport as i32 + 1]);
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod analyzer;
mod count;
mod dimacs;
mod up;
mod uvl;

use std::collections::HashMap;
use std::fmt;

pub use analyzer::{
    Analysis, Analyzer, Baseline, ConstraintAnalysis, Explanation, Propagation, ReasonKind,
};
pub use dimacs::{parse_dimacs, write_dimacs};
pub use uvl::{parse_uvl, Uvl};

use configurator::sat::{self, Cnf, Lit};
use configurator::{Catalog, CatalogError};

/// A Boolean feature model: `vars` variables, of which the first `names.len()` are features
/// with names (the rest are auxiliary, e.g. Tseitin variables), constrained by `clauses`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureModel {
    /// Feature names by variable index.
    pub names: Vec<String>,
    /// Number of variables (at least `names.len()`).
    pub vars: u32,
    /// Clauses of DIMACS literals (`±(var + 1)`).
    pub clauses: Vec<Vec<i32>>,
    /// The parent of each feature in the feature tree, when the model has one (UVL).
    pub parents: Vec<Option<usize>>,
    /// Whether each feature is declared optional (an `optional` group member in UVL).
    pub optional: Vec<bool>,
    /// Whether the auxiliary variables are functions of the features (so that counting the
    /// solutions over all variables counts the configurations).
    pub aux_determined: bool,
    /// Cross-tree constraints (UVL), in order, as activation literals: constraint `i` is the
    /// clauses that hold `-constraints[i]`, switched on by the unit clause `[constraints[i]]`.
    /// Empty for DIMACS and catalogs.
    pub constraints: Vec<i32>,
}

impl FeatureModel {
    /// Number of features.
    pub fn features(&self) -> usize {
        self.names.len()
    }

    /// The index of the feature called `name`.
    pub fn feature(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A name-to-index map (for many look-ups).
    pub fn index(&self) -> HashMap<&str, usize> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect()
    }

    /// The model of a car catalog: one feature per option (catalog order), its rules and
    /// group cardinalities as clauses (all constraints on).
    pub fn from_catalog(catalog: &Catalog) -> Result<FeatureModel, CatalogError> {
        let (names, cnf) = sat::catalog_cnf(catalog)?;
        let n = names.len();
        Ok(FeatureModel {
            names,
            vars: cnf.vars,
            clauses: cnf.clauses.iter().map(|c| to_dimacs(c)).collect(),
            parents: vec![None; n],
            optional: vec![false; n],
            aux_determined: false,
            constraints: Vec::new(),
        })
    }

    /// The clauses as internal literals; fails on a literal out of range.
    pub(crate) fn cnf(&self) -> Cnf {
        Cnf {
            vars: self.vars,
            clauses: self
                .clauses
                .iter()
                .map(|c| c.iter().map(|&l| from_dimacs(l)).collect())
                .collect(),
            switches: Vec::new(),
        }
    }

    /// Whether `on` (one value per variable) satisfies every clause.
    pub fn satisfied_by(&self, on: &[bool]) -> bool {
        self.clauses.iter().all(|c| {
            c.iter()
                .any(|&l| on.get(l.unsigned_abs() as usize - 1).copied() == Some(l > 0))
        })
    }
}

pub(crate) fn from_dimacs(l: i32) -> Lit {
    Lit::new(l.unsigned_abs() - 1, l > 0)
}

pub(crate) fn to_dimacs(c: &[Lit]) -> Vec<i32> {
    c.iter()
        .map(|l| {
            let v = l.var() as i32 + 1;
            if l.is_positive() {
                v
            } else {
                -v
            }
        })
        .collect()
}

/// Why a model file does not parse: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What the parser expected at that point.
    pub expected: String,
    /// What it found instead.
    pub found: String,
}

impl ModelError {
    /// An error at `line`:`column` (1-based) that expected `expected` and found `found`.
    pub(crate) fn new(line: usize, column: usize, expected: &str, found: &str) -> ModelError {
        ModelError {
            line,
            column,
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: expected {}, found {}",
            self.line, self.column, self.expected, self.found
        )
    }
}

impl std::error::Error for ModelError {}
