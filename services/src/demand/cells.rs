//! The write path: every demand signal moves its person into (or out of) a cell in the same
//! transaction as the signal itself, and the released figures of that cell follow.

use std::collections::{BTreeMap, HashMap};

use demand::{Cell, Change, Person, K};
use sqlx::{Any, Row, Transaction};

use super::super::Backend;
use crate::db::{value_rows, Json};
use models::error::AppError;
use models::{OrderStatus, Stage};

/// The stage an order in `status` counts in, if any. Orders count at their current level: a
/// reservation (paid reservation, or a lock whose earnest money is pending) or a locked order.
pub fn stage_of_order(status: OrderStatus) -> Option<Stage> {
    match status {
        OrderStatus::Reserved | OrderStatus::Locking => Some(Stage::Reserved),
        OrderStatus::Locked => Some(Stage::Locked),
        OrderStatus::PendingPayment | OrderStatus::PaymentFailed | OrderStatus::Cancelled => None,
    }
}

/// The day of a UTC millisecond time, in China Standard Time (UTC+8, no daylight saving), as
/// days since 1970-01-01: the campaign's calendar.
pub fn day_of(ms: i64) -> i64 {
    (ms + models::time::BEIJING_OFFSET_MS).div_euclid(models::time::DAY_MS)
}

/// Where one person's signal is counted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    /// The campaign.
    pub campaign_id: String,
    /// What kind of signal.
    pub stage: Stage,
    /// The catalog version of the configuration.
    pub catalog_version: i64,
    /// [`day_of`] the signal.
    pub day: i64,
    /// The person's province ('' unknown).
    pub province: String,
    /// `purchase`, `lease`, or '' (votes).
    pub sales_mode: String,
}

/// One person's signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// The car line (whose catalog and OEM decide what may be shown).
    pub car_line: String,
    /// The cell.
    pub key: CellKey,
    /// The person's city.
    pub city: String,
    /// The options of their configuration (none for a vote).
    pub selections: Vec<String>,
}

impl Signal {
    fn person(&self) -> Person<'_> {
        Person {
            city: &self.city,
            selections: &self.selections,
        }
    }
}

/// A change to stored released figures: the cell and the figure's change.
type Moved = (CellKey, Change);

/// People's moves between cells not yet applied: a transaction that moves many people (a
/// group of payment settlements) collects them and applies them at once
/// ([`crate::Demand::apply_moves`]), each cell locked, read and written once.
#[derive(Default)]
pub(crate) struct DemandChanges {
    moves: Vec<(Option<Signal>, Option<Signal>)>,
}

impl DemandChanges {
    /// A person leaving the cell of `out` (if any) for the cell of `into` (if any).
    pub(crate) fn push(&mut self, out: Option<Signal>, into: Option<Signal>) {
        if out != into {
            self.moves.push((out, into));
        }
    }
}

impl crate::Demand<'_> {
    /// Moves a person from the cell of `out` (if any) to the cell of `into` (if any), inside
    /// the transaction of the signal. Call it after the transaction's first write (SQLite then
    /// holds the write lock; on PostgreSQL the cells are locked row by row, in key order).
    pub(crate) async fn move_demand(
        self,
        tx: &mut Transaction<'static, Any>,
        out: Option<&Signal>,
        into: Option<&Signal>,
    ) -> Result<(), AppError> {
        let mut changes = DemandChanges::default();
        changes.push(out.cloned(), into.cloned());
        self.apply_moves(tx, changes).await
    }

    /// Applies collected moves inside the transaction: every cell they touch is locked in key
    /// order, read, changed for each person and written once, and the released figures of all
    /// of them change in one statement per table (rows in their global order), so a
    /// transaction of many moves cannot deadlock with one of a single move.
    pub(crate) async fn apply_moves(
        self,
        tx: &mut Transaction<'static, Any>,
        changes: DemandChanges,
    ) -> Result<(), AppError> {
        let moves = changes.moves;
        let mut keys: Vec<(&CellKey, &str)> = moves
            .iter()
            .flat_map(|(out, into)| out.iter().chain(into.iter()))
            .map(|s| (&s.key, s.car_line.as_str()))
            .collect();
        keys.sort();
        keys.dedup_by(|a, b| a.0 == b.0);
        let mut ks: HashMap<&str, K> = HashMap::new();
        let mut moved: Vec<Moved> = Vec::new();
        for (key, line) in keys {
            let k = match ks.get(line) {
                Some(k) => *k,
                None => {
                    let k = self.k_of_line(tx, line).await?;
                    ks.insert(line, k);
                    k
                }
            };
            let version = key.catalog_version as u32;
            let rules = self
                .catalogs()
                .catalog_version_with(&mut **tx, line, version)
                .await?
                .demand_rules();
            let old = self.lock_cell(tx, key).await?;
            let mut new = old.clone();
            for out in moves.iter().filter_map(|(out, _)| out.as_ref()) {
                if &out.key == key && new.remove(&out.person()).is_err() {
                    // The cells disagree with the signals: a recount repairs them; the signal
                    // itself must not fail for it.
                    tracing::error!(?key, "demand cell lacks the person it should hold");
                }
            }
            for into in moves.iter().filter_map(|(_, into)| into.as_ref()) {
                if &into.key == key {
                    new.add(&into.person());
                }
            }
            self.store_cell(tx, key, &new).await?;
            let before = rules.release(&old, k);
            let after = rules.release(&new, k);
            moved.extend(before.changes(&after).into_iter().map(|c| (key.clone(), c)));
        }
        apply_changes(tx, &moved).await
    }

    /// The K of the OEM that owns a car line (the product's default for a line without one).
    pub(crate) async fn k_of_line(
        self,
        tx: &mut Transaction<'static, Any>,
        line: &str,
    ) -> Result<K, AppError> {
        let k: Option<i64> = sqlx::query_scalar(
            "SELECT o.k_anonymity FROM car_lines l JOIN organisations o ON o.id = l.org_id
              WHERE l.id = $1",
        )
        .bind(line)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(k.and_then(|k| K::new(k.max(1) as u64)).unwrap_or_default())
    }

    async fn lock_cell(
        self,
        tx: &mut Transaction<'static, Any>,
        key: &CellKey,
    ) -> Result<Cell, AppError> {
        // Make sure the row exists, so PostgreSQL has a row to lock for the read below.
        bind_key(
            sqlx::query(
                "INSERT INTO demand_cells
                   (campaign_id, stage, catalog_version, day, province, sales_mode, people, counts)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, '{\"p\":0}')
                 ON CONFLICT (campaign_id, stage, catalog_version, day, province, sales_mode)
                 DO NOTHING",
            ),
            key,
        )
        .execute(&mut **tx)
        .await?;
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT counts FROM demand_cells
              WHERE campaign_id = $1 AND stage = $2 AND catalog_version = $3 AND day = $4
                AND province = $5 AND sales_mode = $6{lock}"
        );
        let Json(cell) = bind_key(sqlx::query(&sql), key)
            .fetch_one(&mut **tx)
            .await?
            .try_get("counts")?;
        Ok(cell)
    }

    async fn store_cell(
        self,
        tx: &mut Transaction<'static, Any>,
        key: &CellKey,
        cell: &Cell,
    ) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE demand_cells SET people = $7, counts = $8
              WHERE campaign_id = $1 AND stage = $2 AND catalog_version = $3 AND day = $4
                AND province = $5 AND sales_mode = $6",
        )
        .bind(&key.campaign_id)
        .bind(key.stage.as_str())
        .bind(key.catalog_version)
        .bind(key.day)
        .bind(&key.province)
        .bind(&key.sales_mode)
        .bind(cell.people as i64)
        .bind(serde_json::to_string(cell)?)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// What the demand release must know of a catalog: its groups, and what its rules force
/// between options of different groups (an attacker who knows the catalog knows that too).
#[derive(Clone, Debug, Default)]
pub struct DemandRules {
    /// The option groups.
    pub groups: Vec<demand::Group>,
    /// Options forced on or off by selecting one option alone.
    pub pairs: Vec<demand::Pair>,
}

impl DemandRules {
    /// Works the rules out with the catalog's engine: selecting each option alone, which
    /// options of other groups become forced or excluded.
    pub fn of(compiled: &crate::CompiledCatalog) -> DemandRules {
        let catalog = &compiled.catalog;
        let group_of = |id: &str| {
            catalog
                .groups
                .iter()
                .position(|g| g.options.iter().any(|o| o.id == id))
        };
        let mut pairs = Vec::new();
        let mut engine = compiled.engine();
        for group in &catalog.groups {
            // Options of one group that allows any number are tied by the rules like options
            // of two groups (a -> b, c -> !b: a and c are never chosen together).
            let any = group.cardinality == configurator::Cardinality::Any;
            for option in &group.options {
                let check = engine.check(&[configurator::Choice::Select(option.id.clone())]);
                if !check.valid {
                    continue;
                }
                for status in &check.options {
                    let same_group = group_of(&status.id) == group_of(&option.id);
                    if status.id == option.id || (same_group && !any) {
                        continue;
                    }
                    match status.state {
                        configurator::OptionState::Forced => {
                            pairs.push(demand::Pair::Implies(option.id.clone(), status.id.clone()))
                        }
                        configurator::OptionState::Excluded => {
                            pairs.push(demand::Pair::Excludes(option.id.clone(), status.id.clone()))
                        }
                        _ => {}
                    }
                }
            }
        }
        DemandRules {
            groups: groups_of(catalog),
            pairs,
        }
    }

    /// The release of a cell under these rules.
    pub fn release(&self, cell: &Cell, k: K) -> demand::Release {
        demand::release_with(cell, &self.groups, &self.pairs, k)
    }
}

/// The groups of a catalog, as the demand rules need them.
fn groups_of(catalog: &configurator::Catalog) -> Vec<demand::Group> {
    catalog
        .groups
        .iter()
        .map(|g| {
            let cardinality = match g.cardinality {
                configurator::Cardinality::ExactlyOne => demand::Cardinality::ExactlyOne,
                configurator::Cardinality::AtMostOne => demand::Cardinality::AtMostOne,
                configurator::Cardinality::Any => demand::Cardinality::Any,
            };
            demand::Group::new(&g.id, cardinality, g.options.iter().map(|o| o.id.clone()))
        })
        .collect()
}

fn bind_key<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    key: &'q CellKey,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&key.campaign_id)
        .bind(key.stage.as_str())
        .bind(key.catalog_version)
        .bind(key.day)
        .bind(&key.province)
        .bind(&key.sales_mode)
}

/// Adds released-figure changes to `demand_shown` and `demand_rollup`, one statement per
/// table. The rollup rows are shared by every province, so each statement lists them in one
/// global order (no deadlocks between two signals on PostgreSQL), each key once.
pub(crate) async fn apply_changes(
    tx: &mut Transaction<'static, Any>,
    moved: &[Moved],
) -> Result<(), AppError> {
    type Key<'a> = (
        &'a str,
        &'a str,
        &'a str,
        i64,
        i64,
        Option<&'a str>,
        &'a str,
        &'a str,
    );
    let mut shown: BTreeMap<Key<'_>, (i64, i64)> = BTreeMap::new();
    let mut rollup: BTreeMap<Key<'_>, (i64, i64)> = BTreeMap::new();
    for (key, c) in moved {
        let row = (
            key.campaign_id.as_str(),
            c.kind.as_str(),
            key.stage.as_str(),
            key.catalog_version,
            key.day,
            Some(key.province.as_str()),
            key.sales_mode.as_str(),
            c.item.as_str(),
        );
        let sum = shown.entry(row).or_default();
        sum.0 += c.n;
        sum.1 += c.base;
        let sum = rollup
            .entry((row.0, row.1, row.2, row.3, row.4, None, row.6, row.7))
            .or_default();
        sum.0 += c.n;
        sum.1 += c.base;
    }
    for (table, rows) in [("demand_shown", &shown), ("demand_rollup", &rollup)] {
        if rows.is_empty() {
            continue;
        }
        let with_province = table == "demand_shown";
        let columns = if with_province {
            "campaign_id, kind, stage, catalog_version, day, province, sales_mode, item"
        } else {
            "campaign_id, kind, stage, catalog_version, day, sales_mode, item"
        };
        let width = if with_province { 10 } else { 9 };
        let sql = format!(
            "INSERT INTO {table} ({columns}, n, base) VALUES {}
             ON CONFLICT ({columns}) DO UPDATE
             SET n = {table}.n + excluded.n, base = {table}.base + excluded.base",
            value_rows(rows.len(), width)
        );
        let mut query = sqlx::query(&sql);
        for ((campaign, kind, stage, version, day, province, mode, item), (n, base)) in rows {
            query = query
                .bind(*campaign)
                .bind(*kind)
                .bind(*stage)
                .bind(*version)
                .bind(*day);
            if let Some(province) = province {
                query = query.bind(*province);
            }
            query = query.bind(*mode).bind(*item).bind(*n).bind(*base);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
