//! The raw counts of one cell.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One person behind a signal, as a cell counts them.
#[derive(Clone, Copy, Debug)]
pub struct Person<'a> {
    /// Their city.
    pub city: &'a str,
    /// The options of their configuration (empty for a signal without one, such as a vote).
    pub selections: &'a [String],
}

/// The people of one cell: how many, their options, cities and complete configurations.
/// Entries that fall to zero are removed, so two cells with the same people are equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// How many people.
    #[serde(rename = "p")]
    pub people: u64,
    /// People per option.
    #[serde(rename = "o", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, u64>,
    /// People per city.
    #[serde(rename = "c", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cities: BTreeMap<String, u64>,
    /// People per complete configuration, keyed by [`config_key`].
    #[serde(rename = "f", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub configs: BTreeMap<String, u64>,
}

/// A person was removed from a cell that does not hold them: the cell and its signals disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotInCell;

impl std::fmt::Display for NotInCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the person is not counted in this cell")
    }
}

impl std::error::Error for NotInCell {}

/// The key of a complete configuration: its options sorted, joined by `+`.
pub fn config_key(selections: &[String]) -> String {
    let mut sorted: Vec<&str> = selections.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join("+")
}

impl Cell {
    /// Counts a person in.
    pub fn add(&mut self, person: &Person<'_>) {
        self.people += 1;
        *self.cities.entry(person.city.to_string()).or_default() += 1;
        if !person.selections.is_empty() {
            for option in person.selections {
                *self.options.entry(option.clone()).or_default() += 1;
            }
            *self
                .configs
                .entry(config_key(person.selections))
                .or_default() += 1;
        }
    }

    /// Counts a person out; the cell is unchanged when it does not hold them.
    pub fn remove(&mut self, person: &Person<'_>) -> Result<(), NotInCell> {
        let key = (!person.selections.is_empty()).then(|| config_key(person.selections));
        let holds = self.people > 0
            && self.cities.get(person.city).is_some_and(|&n| n > 0)
            && key
                .as_ref()
                .is_none_or(|k| self.configs.get(k).is_some_and(|&n| n > 0));
        if !holds {
            return Err(NotInCell);
        }
        self.people -= 1;
        decrement(&mut self.cities, person.city);
        if let Some(key) = key {
            decrement(&mut self.configs, &key);
            for option in person.selections {
                decrement(&mut self.options, option);
            }
        }
        Ok(())
    }

    /// Whether nobody is counted.
    pub fn is_empty(&self) -> bool {
        self.people == 0
    }
}

fn decrement(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(options: &[&str]) -> Vec<String> {
        options.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn add_then_remove_leaves_an_empty_cell() {
        let mut cell = Cell::default();
        let a = sel(&["red", "w18"]);
        let b = sel(&["w18", "red"]);
        cell.add(&Person {
            city: "Wuhan",
            selections: &a,
        });
        cell.add(&Person {
            city: "Wuhan",
            selections: &b,
        });
        assert_eq!(cell.configs.get("red+w18"), Some(&2));
        cell.remove(&Person {
            city: "Wuhan",
            selections: &a,
        })
        .unwrap();
        cell.remove(&Person {
            city: "Wuhan",
            selections: &b,
        })
        .unwrap();
        assert_eq!(cell, Cell::default());
        assert!(cell.is_empty());
    }

    #[test]
    fn removing_someone_the_cell_lacks_changes_nothing() {
        let mut cell = Cell::default();
        let a = sel(&["red"]);
        cell.add(&Person {
            city: "Wuhan",
            selections: &a,
        });
        let before = cell.clone();
        let other = sel(&["blue"]);
        assert_eq!(
            cell.remove(&Person {
                city: "Wuhan",
                selections: &other
            }),
            Err(NotInCell)
        );
        assert_eq!(
            cell.remove(&Person {
                city: "Xi'an",
                selections: &a
            }),
            Err(NotInCell)
        );
        assert_eq!(cell, before);
    }

    #[test]
    fn serializes_compactly_and_back() {
        let mut cell = Cell::default();
        cell.add(&Person {
            city: "Chengdu",
            selections: &[],
        });
        let json = serde_json::to_string(&cell).unwrap();
        assert_eq!(json, r#"{"p":1,"c":{"Chengdu":1}}"#);
        assert_eq!(serde_json::from_str::<Cell>(&json).unwrap(), cell);
    }
}
