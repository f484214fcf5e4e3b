//! The catalog of a car line: option groups, options, prices and rules.
//!
//! These are plain data types, serialized with serde (the demo catalogs are TOML files). A
//! catalog is checked by [`Catalog::validate`] and compiled by [`crate::Engine::new`].

use serde::{Deserialize, Serialize};

use crate::error::CatalogError;
use crate::index::CatalogIndex;
use money::Money;

/// A text in both languages of the product.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// A text from its Chinese and English versions.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Localized {
        Localized {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// How many options of a group may be on together.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cardinality {
    /// Exactly one option is on (paint, wheels, ...).
    ExactlyOne,
    /// At most one option is on.
    AtMostOne,
    /// Any number of options is on (packages, accessories).
    Any,
}

impl Cardinality {
    /// Every cardinality.
    pub const ALL: [Cardinality; 3] = [
        Cardinality::ExactlyOne,
        Cardinality::AtMostOne,
        Cardinality::Any,
    ];

    /// The name used in catalogs and on the wire: `exactly-one`, `at-most-one` or `any`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::ExactlyOne => "exactly-one",
            Cardinality::AtMostOne => "at-most-one",
            Cardinality::Any => "any",
        }
    }

    /// Whether choosing an option of the group replaces the group's other option.
    pub fn is_exclusive(self) -> bool {
        !matches!(self, Cardinality::Any)
    }
}

/// How the user interface shows a group; a hint only, without effect on the rules.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupDisplay {
    /// Colour swatches (see [`CatalogOption::swatch`]).
    Swatch,
    /// Cards with a name and a description.
    Cards,
    /// A compact list of check boxes.
    List,
}

/// How the car is sold: the whole car, or the car with a leased battery pack.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SalesMode {
    /// The buyer buys the car including its battery pack.
    Purchase,
    /// The buyer buys the car without a battery pack and leases the pack (battery as a service).
    Lease,
}

impl SalesMode {
    /// Both modes.
    pub const ALL: [SalesMode; 2] = [SalesMode::Purchase, SalesMode::Lease];

    /// The name used in catalogs and storage: `purchase` or `lease`.
    pub fn as_str(self) -> &'static str {
        match self {
            SalesMode::Purchase => "purchase",
            SalesMode::Lease => "lease",
        }
    }

    /// The mode of a name (`None`: neither).
    pub fn parse(name: &str) -> Option<SalesMode> {
        SalesMode::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// An amount per sales mode.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Prices {
    /// The amount when the car is purchased with its pack.
    #[serde(default)]
    pub purchase: Money,
    /// The amount when the pack is leased.
    #[serde(default)]
    pub lease: Money,
}

impl Prices {
    /// The same amount in both sales modes.
    pub const fn both(amount: Money) -> Prices {
        Prices {
            purchase: amount,
            lease: amount,
        }
    }

    /// The amount for `mode`.
    pub const fn get(&self, mode: SalesMode) -> Money {
        match mode {
            SalesMode::Purchase => self.purchase,
            SalesMode::Lease => self.lease,
        }
    }
}

/// Every term of a battery lease, all of which are shown before the user commits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaseTerms {
    /// The fee per month.
    pub monthly_fee: Money,
    /// Kilometres per month included in the fee.
    pub mileage_cap_km_per_month: u32,
    /// The charge per kilometre beyond the cap.
    pub overage_per_km: Money,
    /// Length of the contract in months.
    pub contract_months: u32,
}

/// One option of a group, e.g. a paint or an accessory.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogOption {
    /// Unique id in the catalog, `[a-z0-9_]+`; rules refer to it.
    pub id: String,
    /// Display name.
    pub name: Localized,
    /// Longer description.
    #[serde(default)]
    pub description: Option<Localized>,
    /// A CSS colour for swatch groups.
    #[serde(default)]
    pub swatch: Option<String>,
    /// Price delta over the base price, per sales mode; zero when absent.
    #[serde(default)]
    pub price: Prices,
    /// Lease terms, on battery packs that can be leased.
    #[serde(default)]
    pub lease_terms: Option<LeaseTerms>,
    /// Marks the two options that choose the sales mode.
    #[serde(default)]
    pub sales_mode: Option<SalesMode>,
}

/// A group of options with a cardinality.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Unique id among the groups.
    pub id: String,
    /// Display name.
    pub name: Localized,
    /// How many options may be on together.
    pub cardinality: Cardinality,
    /// How the group is shown.
    pub display: GroupDisplay,
    /// The option [`crate::Engine::complete`] picks when the user picked none.
    #[serde(default)]
    pub default: Option<String>,
    /// The options, in display order.
    pub options: Vec<CatalogOption>,
}

/// A propositional rule over options, e.g. `lease -> (pack_std | pack_long)`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Unique id among the rules; explanations refer to it.
    pub id: String,
    /// The rule in the syntax of [`crate::parse_rule`].
    pub expr: String,
    /// The rule in words, shown in explanations.
    pub text: Localized,
}

/// The option catalog of one version of a car line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The car line, e.g. `xiaoman`.
    pub car_line: String,
    /// The catalog version within the car line.
    pub version: u32,
    /// Display name of the car.
    pub name: Localized,
    /// Price of the car before options, per sales mode.
    pub base_price: Prices,
    /// The option groups, in display order.
    pub groups: Vec<Group>,
    /// The rules between options.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

impl Catalog {
    /// Reads a catalog from TOML and checks it with [`Catalog::validate`].
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog =
            toml::from_str(text).map_err(|error| CatalogError::Toml(error.to_string()))?;
        catalog.validate()?;
        Ok(catalog)
    }

    /// Checks the structure of the catalog: ids, defaults, the sales-mode group and the rules.
    ///
    /// It does not check that the rules can be satisfied together; [`crate::Engine::new`] does
    /// (and fails with [`CatalogError::Inconsistent`]).
    pub fn validate(&self) -> Result<(), CatalogError> {
        CatalogIndex::build(self).map(drop)
    }

    /// The option with this id, with its group.
    pub fn option(&self, id: &str) -> Option<(&Group, &CatalogOption)> {
        self.groups.iter().find_map(|group| {
            group
                .options
                .iter()
                .find(|option| option.id == id)
                .map(|option| (group, option))
        })
    }

    /// All options in catalog order.
    pub fn options(&self) -> impl Iterator<Item = &CatalogOption> {
        self.groups.iter().flat_map(|group| group.options.iter())
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|group| group.id == id)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}
