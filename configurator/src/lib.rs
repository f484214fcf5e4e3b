//! The configurator engine of C2M Studio: option catalogs of a car line, propositional rules
//! between options, and an exact, backtrack-free checker with explanations and prices.
//!
//! * [`Catalog`] is the data: option groups with a cardinality (exactly-one, at-most-one,
//!   any), options with prices per [`SalesMode`], and [`Rule`]s written in a small boolean
//!   syntax ([`parse_rule`]), e.g. `lease -> (pack_std | pack_long)`.
//! * [`Engine`] compiles a catalog to clauses in one incremental SAT solver and answers:
//!   [`Engine::check`] gives every option's state (selectable, selected, forced, excluded)
//!   with a subset-minimal reason, [`Engine::click`] and [`Engine::resolve`] find the fewest
//!   earlier choices to drop, [`Engine::complete`] fills in the rest, and [`Engine::quote`]
//!   prices the result.
//!
//! The same code runs natively (the server re-checks every configuration it stores) and in the
//! browser (wasm32): no threads, clocks, I/O or C code.
//!
//! # How it works
//!
//! The catalog is validated into an index form in which options are numbers (catalog order),
//! then compiled to clauses: one variable per option, Tseitin variables for nested rule
//! subformulas, and an activation literal per rule and per group constraint, so that every
//! constraint can be switched on or off through solver assumptions. One incremental SAT
//! solver (batsat) lives in the [`Engine`] and answers every query:
//!
//! * **states** by witness filtering: each model marks the values it shows as possible, and
//!   only options seen with a single value get a call of their own;
//! * **reasons** from assumption cores, made subset-minimal by deletion (choices first, then
//!   rules and groups), with shortcuts for the obvious cases;
//! * **drop sets** as minimum correction sets by implicit hitting sets over cores, ties
//!   keeping the more recent choices;
//! * **completion** greedily, group defaults first, optional options off where possible.
//!
//! Property tests compare all of these with brute-force enumeration on random catalogs.
//!
//! The solver, the clause encoder and the propagation are public in [`sat`] for the
//! `feature-model` crate (feature-model analysis: UVL and DIMACS, core and dead features,
//! explanations, counting), which lives apart so that the app does not compile it; the
//! `configurator` command-line tool is the `configurator-cli` crate.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "toml")]
//! # {
//! use configurator::{Catalog, Choice, Click, Engine, Money, OptionState, Reason, SalesMode};
//!
//! let catalog = Catalog::from_toml(r#"
//!     car_line = "demo"
//!     version = 1
//!     name = { zh = "演示车", en = "Demo car" }
//!     base_price = { purchase = 10_000_000, lease = 6_000_000 }
//!
//!     [[groups]]
//!     id = "sales_mode"
//!     name = { zh = "购买方式", en = "Sales mode" }
//!     cardinality = "exactly-one"
//!     display = "cards"
//!     options = [
//!         { id = "purchase", name = { zh = "整车购买", en = "Purchase" }, sales_mode = "purchase" },
//!         { id = "lease", name = { zh = "电池租用", en = "Battery lease" }, sales_mode = "lease" },
//!     ]
//!
//!     [[groups]]
//!     id = "battery"
//!     name = { zh = "电池", en = "Battery" }
//!     cardinality = "exactly-one"
//!     display = "cards"
//!     default = "swappable"
//!     options = [
//!         { id = "swappable", name = { zh = "换电电池", en = "Swappable pack" },
//!           lease_terms = { monthly_fee = 39_900, mileage_cap_km_per_month = 3000,
//!                           overage_per_km = 20, contract_months = 60 } },
//!         { id = "fixed", name = { zh = "固定电池", en = "Fixed pack" },
//!           price = { purchase = -500_000 } },
//!     ]
//!
//!     [[rules]]
//!     id = "lease_swappable"
//!     expr = "lease requires swappable"
//!     text = { zh = "租用电池须为换电电池", en = "A leased pack must be swappable" }
//! "#)?;
//!
//! let mut engine = Engine::new(catalog)?;
//! let choices = vec![Choice::Select("lease".into())];
//! let check = engine.check(&choices);
//! assert_eq!(check.state("fixed"), Some(OptionState::Excluded));
//! assert!(check.status("fixed").unwrap().reasons.contains(&Reason::Rule {
//!     rule: "lease_swappable".into()
//! }));
//! assert!(check.complete); // `swappable` is forced
//!
//! let quote = engine.quote(&check).unwrap();
//! assert_eq!(quote.total, Money(6_000_000));
//! assert_eq!(quote.lease.unwrap().monthly_fee, Money(39_900));
//!
//! // Clicking the excluded pack offers to drop the lease.
//! match engine.click(&choices, "fixed") {
//!     Click::NeedsResolution { drop, result } => {
//!         assert_eq!(drop, [Choice::Select("lease".into())]);
//!         assert_eq!(result, [Choice::Select("fixed".into())]);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # }
//! # Ok::<(), configurator::CatalogError>(())
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod catalog;
mod check;
mod cnf;
mod complete;
mod engine;
mod error;
mod explain;
mod index;
mod pricing;
mod propagate;
mod resolve;
mod rule;
pub mod sat;
mod solver;

pub use catalog::{
    Cardinality, Catalog, CatalogOption, Group, GroupDisplay, LeaseTerms, Localized, Prices, Rule,
    SalesMode,
};
pub use check::{Check, Choice, Click, OptionState, OptionStatus, Reason};
pub use engine::Engine;
pub use error::CatalogError;
/// Money as integer fen, shared with the auction engine and the web app (crate `money`).
pub use money::Money;
pub use pricing::{PriceLine, Quote};
pub use rule::{parse_rule, Expr, ParseError};
