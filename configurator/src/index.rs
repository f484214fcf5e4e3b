//! The catalog checked and turned into indices: options are numbered in catalog order, and
//! everything the engine works with refers to them by number, never by id.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::catalog::{Cardinality, Catalog, SalesMode};
use crate::error::CatalogError;
use crate::rule::{self, parse_rule, Formula};

/// One group: its cardinality and the contiguous range of its options.
#[derive(Clone, Debug)]
pub(crate) struct GroupIndex {
    pub(crate) cardinality: Cardinality,
    pub(crate) options: Range<usize>,
    pub(crate) default: Option<usize>,
}

/// A validated catalog in index form.
#[derive(Clone, Debug)]
pub(crate) struct CatalogIndex {
    /// Option id to option index.
    ids: HashMap<String, usize>,
    /// Option ids by index.
    pub(crate) option_ids: Vec<String>,
    /// Group index of every option.
    pub(crate) group_of: Vec<usize>,
    pub(crate) groups: Vec<GroupIndex>,
    /// The rules, in catalog order.
    pub(crate) rules: Vec<Formula>,
    /// The option that chooses each sales mode.
    pub(crate) purchase: usize,
    pub(crate) lease: usize,
}

impl CatalogIndex {
    /// Checks `catalog` and builds its index.
    pub(crate) fn build(catalog: &Catalog) -> Result<CatalogIndex, CatalogError> {
        let mut ids = HashMap::new();
        let mut option_ids = Vec::new();
        let mut group_of = Vec::new();
        let mut groups = Vec::with_capacity(catalog.groups.len());
        let mut group_ids = HashSet::new();
        for (g, group) in catalog.groups.iter().enumerate() {
            if !group_ids.insert(group.id.as_str()) {
                return Err(CatalogError::DuplicateId(group.id.clone()));
            }
            let start = group_of.len();
            for option in &group.options {
                if !rule::is_option_id(&option.id) {
                    return Err(CatalogError::BadId(option.id.clone()));
                }
                if ids.insert(option.id.clone(), group_of.len()).is_some() {
                    return Err(CatalogError::DuplicateId(option.id.clone()));
                }
                group_of.push(g);
                option_ids.push(option.id.clone());
            }
            let options = start..group_of.len();
            let default = match &group.default {
                None => None,
                Some(id) => match ids.get(id) {
                    Some(&i) if options.contains(&i) => Some(i),
                    _ => {
                        return Err(CatalogError::BadDefault {
                            group: group.id.clone(),
                            option: id.clone(),
                        })
                    }
                },
            };
            groups.push(GroupIndex {
                cardinality: group.cardinality,
                options,
                default,
            });
        }

        let mut rule_ids = HashSet::new();
        let mut rules = Vec::with_capacity(catalog.rules.len());
        for r in &catalog.rules {
            if !rule_ids.insert(r.id.as_str()) {
                return Err(CatalogError::DuplicateId(r.id.clone()));
            }
            let expr = parse_rule(&r.expr).map_err(|error| CatalogError::Parse {
                rule: r.id.clone(),
                error,
            })?;
            let formula =
                Formula::resolve(&expr, &ids).map_err(|option| CatalogError::UnknownOption {
                    rule: r.id.clone(),
                    option,
                })?;
            rules.push(formula);
        }

        let (purchase, lease) = sales_modes(catalog, &groups, &group_of, &option_ids)?;
        Ok(CatalogIndex {
            ids,
            option_ids,
            group_of,
            groups,
            rules,
            purchase,
            lease,
        })
    }

    /// Number of options.
    pub(crate) fn len(&self) -> usize {
        self.group_of.len()
    }

    /// The index of the option with this id.
    pub(crate) fn option(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// Whether the assignment `on` (one entry per option) satisfies every group and rule.
    pub(crate) fn satisfied_by(&self, on: &[bool]) -> bool {
        let groups_hold = self.groups.iter().all(|group| {
            let count = on[group.options.clone()].iter().filter(|&&o| o).count();
            match group.cardinality {
                Cardinality::ExactlyOne => count == 1,
                Cardinality::AtMostOne => count <= 1,
                Cardinality::Any => true,
            }
        });
        groups_hold && self.rules.iter().all(|rule| rule.eval(on))
    }
}

/// Finds the purchase and lease options: one of each, together in an exactly-one group of
/// their own.
fn sales_modes(
    catalog: &Catalog,
    groups: &[GroupIndex],
    group_of: &[usize],
    option_ids: &[String],
) -> Result<(usize, usize), CatalogError> {
    let mut found: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (i, option) in catalog.options().enumerate() {
        match option.sales_mode {
            Some(SalesMode::Purchase) => found[0].push(i),
            Some(SalesMode::Lease) => found[1].push(i),
            None => {}
        }
    }
    let ids = |is: &[usize]| {
        let ids: Vec<&str> = is.iter().map(|&i| option_ids[i].as_str()).collect();
        ids.join("`, `")
    };
    let one = |is: &[usize], mode: &str| match is {
        [i] => Ok(*i),
        [] => Err(CatalogError::SalesModes(format!(
            "no option has `sales_mode = \"{mode}\"`"
        ))),
        _ => Err(CatalogError::SalesModes(format!(
            "several options have `sales_mode = \"{mode}\"`: `{}`",
            ids(is)
        ))),
    };
    let purchase = one(&found[0], "purchase")?;
    let lease = one(&found[1], "lease")?;
    let g = group_of[purchase];
    let group = &catalog.groups[g];
    if group_of[lease] != g {
        return Err(CatalogError::SalesModes(format!(
            "`{}` and `{}` must be in the same group",
            option_ids[purchase], option_ids[lease]
        )));
    }
    if groups[g].cardinality != Cardinality::ExactlyOne {
        return Err(CatalogError::SalesModes(format!(
            "group `{}` must be exactly-one",
            group.id
        )));
    }
    if groups[g].options.len() != 2 {
        return Err(CatalogError::SalesModes(format!(
            "group `{}` must hold only the purchase and the lease option",
            group.id
        )));
    }
    Ok((purchase, lease))
}
