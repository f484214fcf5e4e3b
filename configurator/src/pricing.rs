//! Prices: base price plus option deltas, per sales mode, and the lease terms.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, LeaseTerms, Localized, SalesMode};
use money::Money;

/// One line of a price breakdown.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceLine {
    /// The option the line is for; `None` for the base price.
    pub option: Option<String>,
    /// What the line says.
    pub label: Localized,
    /// The amount (negative for a discount).
    pub amount: Money,
}

/// The price of a configuration in one sales mode.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The sales mode priced.
    pub mode: SalesMode,
    /// The base price, then every option that is on, in catalog order.
    pub lines: Vec<PriceLine>,
    /// The sum of the lines.
    pub total: Money,
    /// In lease mode: the terms of the leased pack (the option on that has lease terms).
    pub lease: Option<LeaseTerms>,
}

impl Catalog {
    /// Prices the options `selected` (the options that are on; unknown ids are ignored) in
    /// `mode`: the base price, then a line for each option in catalog order, even when its
    /// amount is zero. In lease mode `lease` holds the terms of the first option on that has
    /// lease terms.
    pub fn quote(&self, selected: &[&str], mode: SalesMode) -> Quote {
        let mut lines = vec![PriceLine {
            option: None,
            label: Localized::new("基础价格", "Base price"),
            amount: self.base_price.get(mode),
        }];
        let selected: HashSet<&str> = selected.iter().copied().collect();
        let mut lease = None;
        for option in self.options().filter(|o| selected.contains(o.id.as_str())) {
            lines.push(PriceLine {
                option: Some(option.id.clone()),
                label: option.name.clone(),
                amount: option.price.get(mode),
            });
            if mode == SalesMode::Lease && lease.is_none() {
                lease = option.lease_terms;
            }
        }
        let total = lines.iter().map(|line| line.amount).sum();
        Quote {
            mode,
            lines,
            total,
            lease,
        }
    }
}
