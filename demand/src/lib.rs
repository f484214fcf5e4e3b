//! Demand cells for the OEM dashboard, and what of them may be shown.
//!
//! A *cell* counts the people behind one kind of demand signal (saved configurations, votes,
//! reservations, locked orders) for one campaign, catalog version, day, province and sales
//! mode: how many there are, which options they chose, their cities and their complete
//! configurations. The server keeps cells up to date in the same transaction as each signal.
//!
//! What leaves the server is a cell's [`Release`]: the figures of the cell that reveal no
//! group of fewer than `K` people, neither directly nor by subtracting one figure from another
//! (the complement of an option, the rest of a group, the configurations behind an option).
//! Every figure the dashboard and the feed show is a sum of released figures of whole cells, so
//! any difference between two filters is again a sum of released figures: a cell's people are
//! either all in it or not at all.
//!
//! ```
//! use demand::{release, Cardinality, Cell, Group, Kind, Person, K};
//!
//! let groups = [Group::new("paint", Cardinality::ExactlyOne, ["white", "red"])];
//! let mut cell = Cell::default();
//! let white = vec!["white".to_string()];
//! let red = vec!["red".to_string()];
//! for i in 0..30 {
//!     let selections = if i < 27 { &white } else { &red };
//!     cell.add(&Person { city: "Hangzhou", selections });
//! }
//! let shown = release(&cell, &groups, K::new(10).unwrap());
//! // 27 people are shown, but not that 27 chose white: the 3 who chose red would follow.
//! assert_eq!(shown.figure(Kind::People, "").map(|f| f.n), Some(30));
//! assert_eq!(shown.figure(Kind::Option, "white"), None);
//! ```

mod cell;
mod release;

pub use cell::{config_key, Cell, NotInCell, Person};
pub use release::{release, release_with, suppress, Change, Figure, Kind, Pair, Release};

/// The smallest group that may be shown: any group of fewer than `K` distinct people is
/// suppressed. At least 1 (`K = 1` shows everything).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct K(u64);

impl K {
    /// The default of the product: groups of fewer than 10 people are suppressed.
    pub const DEFAULT: K = K(10);

    /// `K` from a number; `None` for 0, which would not be a threshold.
    pub fn new(k: u64) -> Option<K> {
        (k >= 1).then_some(K(k))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Whether a group of `n` people may be shown: nobody (0) or at least `K`.
    pub fn allows(self, n: u64) -> bool {
        n == 0 || n >= self.0
    }
}

impl Default for K {
    fn default() -> K {
        K::DEFAULT
    }
}

/// How many options of a group a person has on; it decides which complements are derivable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cardinality {
    /// Exactly one option (paint, wheels): the options partition the cell's people.
    ExactlyOne,
    /// At most one option: the options and "none" partition the cell's people.
    AtMostOne,
    /// Any number (packages): each option splits the people into those with it and without.
    Any,
}

/// An option group of the catalog, as far as demand is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The group's id.
    pub id: String,
    /// How many of its options one person may have.
    pub cardinality: Cardinality,
    /// Its options' ids.
    pub options: Vec<String>,
}

impl Group {
    /// A group from its id, cardinality and option ids.
    pub fn new<I, S>(id: &str, cardinality: Cardinality, options: I) -> Group
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Group {
            id: id.to_string(),
            cardinality,
            options: options.into_iter().map(Into::into).collect(),
        }
    }
}
