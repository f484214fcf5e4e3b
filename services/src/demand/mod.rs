//! Demand back to the OEM (PRODUCT.md, "Demand dashboard and feed").
//!
//! * `cells`: the write path — each signal moves its person between cells in the signal's own
//!   transaction, and the released figures (the `demand` crate's rules under the OEM's K)
//!   follow as sums in `demand_shown` and `demand_rollup`;
//! * `signals`: how a configuration, a vote and an order become signals;
//! * `recount`: the same figures from the signals themselves (the test's reference, and the
//!   repair after a change of K or a bulk load);
//! * `report`: the read path, sums of released figures only;
//! * `tokens`: the feed's API tokens;

mod cells;
mod recount;
mod report;
mod signals;
mod tokens;

pub(crate) use cells::DemandChanges;
pub use cells::{day_of, CellKey, DemandRules};
pub use recount::DemandBooks;
pub use report::{CountCache, Viewer};
pub use tokens::TOKEN_PREFIX;
