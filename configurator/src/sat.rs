//! The layer under the [`Engine`](crate::Engine): literals and clauses, the Tseitin
//! [`Encoder`], the incremental SAT solver ([`Sat`], batsat) and exact [`propagate`] by witness
//! filtering.
//!
//! The engine needs none of this from its callers. It is public for the `feature-model` crate,
//! which analyses feature models (UVL, DIMACS) with the same solver and encoder, so that the
//! app compiles the engine without that analysis. It is a low-level interface for sibling
//! crates of this workspace, not a stable API.

pub use crate::cnf::{Cnf, Encoder, Lit};
pub use crate::propagate::{propagate, Values};
pub use crate::rule::Formula;
pub use crate::solver::Sat;

use crate::catalog::Catalog;
use crate::cnf;
use crate::error::CatalogError;
use crate::index::CatalogIndex;

/// The clauses of a car catalog with all of its rules and group cardinalities switched on,
/// and the option ids by variable: option `i` (catalog order) is variable `i`; the variables
/// after the options are auxiliary (activation and Tseitin variables).
pub fn catalog_cnf(catalog: &Catalog) -> Result<(Vec<String>, Cnf), CatalogError> {
    let index = CatalogIndex::build(catalog)?;
    let (mut cnf, encoding) = cnf::encode(&index);
    cnf.clauses.push(vec![encoding.all]);
    Ok((index.option_ids, cnf))
}
