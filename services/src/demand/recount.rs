//! The full recount: every cell and every released figure of a campaign computed again from
//! the signals themselves. The cells kept by the write path must always equal it (tested);
//! `rebuild` replaces them with it (after a change of K, or a bulk load of demand).

use std::collections::BTreeMap;

use demand::{Cell, Kind, Person};
use futures_util::TryStreamExt;

use super::cells::{CellKey, DemandRules, Signal};
use super::signals::{
    vote_signal, OrderDemand, OrderSignalRow, SignalRow, CONFIGURATION_COLUMNS, ORDER_COLUMNS,
};
use crate::db::{value_rows, Json, ROWS_PER_INSERT};
use models::error::AppError;
use models::Stage;

/// A released figure's place: its cell, kind and item.
pub type FigureKey = (CellKey, Kind, String);

/// The columns that place a stored cell or figure (its campaign is known).
#[derive(sqlx::FromRow)]
struct CellKeyRow {
    stage: String,
    catalog_version: i64,
    day: i64,
    province: String,
    sales_mode: String,
}

impl CellKeyRow {
    fn key(self, campaign_id: &str) -> Result<CellKey, AppError> {
        Ok(CellKey {
            campaign_id: campaign_id.to_string(),
            stage: Stage::parse(&self.stage).ok_or_else(|| AppError::Internal {
                message: format!("unknown demand stage {}", self.stage),
            })?,
            catalog_version: self.catalog_version,
            day: self.day,
            province: self.province,
            sales_mode: self.sales_mode,
        })
    }
}

/// A stored cell.
#[derive(sqlx::FromRow)]
struct CellRow {
    #[sqlx(flatten)]
    key: CellKeyRow,
    counts: Json<Cell>,
}

/// A stored released figure.
#[derive(sqlx::FromRow)]
struct FigureRow {
    #[sqlx(flatten)]
    key: CellKeyRow,
    kind: String,
    item: String,
    n: i64,
    base: i64,
}

/// The demand of one campaign: its cells and their released figures (`(n, base)`, only the
/// non-zero ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemandBooks {
    /// The cells with at least one person.
    pub cells: BTreeMap<CellKey, Cell>,
    /// The released figures.
    pub shown: BTreeMap<FigureKey, (i64, i64)>,
    /// The released figures summed over provinces (the province of the key is empty).
    pub rollup: BTreeMap<FigureKey, (i64, i64)>,
}

impl crate::Demand<'_> {
    /// Counts a campaign's demand again from its signals.
    pub async fn recount_demand(self, campaign_id: &str) -> Result<DemandBooks, AppError> {
        let (line, version): (String, i64) =
            sqlx::query_as("SELECT car_line, catalog_version FROM campaigns WHERE id = $1")
                .bind(campaign_id)
                .fetch_optional(&self.db)
                .await?
                .ok_or_else(|| AppError::not_found(format!("campaign {campaign_id}")))?;
        let mut cells: BTreeMap<CellKey, Cell> = BTreeMap::new();
        let mut count = |signal: &Signal| {
            cells.entry(signal.key.clone()).or_default().add(&Person {
                city: &signal.city,
                selections: &signal.selections,
            });
        };

        let configurations = format!(
            "SELECT {CONFIGURATION_COLUMNS} FROM configurations WHERE campaign_id = $1 AND counted = 1"
        );
        let mut rows = sqlx::query_as::<_, SignalRow>(&configurations)
            .bind(campaign_id)
            .fetch(&self.db);
        while let Some(row) = rows.try_next().await? {
            count(&row.configured());
        }
        drop(rows);

        // A voter counts once, on the day and at the place of their first vote.
        let mut rows = sqlx::query_as::<_, (String, i64, String, String)>(
            "SELECT v.account_id, v.voted_at, v.province, v.city
               FROM votes v JOIN polls p ON p.id = v.poll_id
              WHERE p.campaign_id = $1
              ORDER BY v.account_id, v.voted_at, v.poll_id",
        )
        .bind(campaign_id)
        .fetch(&self.db);
        let mut last: Option<String> = None;
        while let Some((account, voted_at, province, city)) = rows.try_next().await? {
            if last.as_deref() == Some(account.as_str()) {
                continue;
            }
            count(&vote_signal(
                campaign_id,
                &line,
                version,
                voted_at,
                province,
                city,
            ));
            last = Some(account);
        }
        drop(rows);

        let orders = format!(
            "SELECT {ORDER_COLUMNS} FROM orders
              WHERE campaign_id = $1 AND status IN ('reserved', 'locking', 'locked')"
        );
        let mut rows = sqlx::query_as::<_, OrderSignalRow>(&orders)
            .bind(campaign_id)
            .fetch(&self.db);
        while let Some(row) = rows.try_next().await? {
            let order = OrderDemand::from(row);
            if let Some(signal) = order.at(order.status) {
                count(&signal);
            }
        }
        drop(rows);

        let mut tx = self.db.begin().await?;
        let k = self.k_of_line(&mut tx, &line).await?;
        tx.rollback().await?;
        let mut books = DemandBooks {
            cells,
            ..DemandBooks::default()
        };
        let mut rules: BTreeMap<i64, std::sync::Arc<DemandRules>> = BTreeMap::new();
        for (key, cell) in &books.cells {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                rules.entry(key.catalog_version)
            {
                let compiled = self
                    .catalogs()
                    .catalog_version(&line, key.catalog_version as u32)
                    .await?;
                slot.insert(compiled.demand_rules());
            }
            let release = rules[&key.catalog_version].release(cell, k);
            for (kind, item, figure) in release.iter() {
                if figure.n == 0 && figure.base == 0 {
                    continue;
                }
                let (n, base) = (figure.n as i64, figure.base as i64);
                books
                    .shown
                    .insert((key.clone(), kind, item.to_string()), (n, base));
                let mut all = key.clone();
                all.province = String::new();
                let sum = books
                    .rollup
                    .entry((all, kind, item.to_string()))
                    .or_default();
                sum.0 += n;
                sum.1 += base;
            }
        }
        Ok(books)
    }

    /// The demand of a campaign as stored by the write path.
    pub async fn stored_demand(self, campaign_id: &str) -> Result<DemandBooks, AppError> {
        let mut books = DemandBooks::default();
        let rows: Vec<CellRow> = sqlx::query_as(
            "SELECT stage, catalog_version, day, province, sales_mode, counts
               FROM demand_cells WHERE campaign_id = $1 AND people > 0",
        )
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        for row in rows {
            books.cells.insert(row.key.key(campaign_id)?, row.counts.0);
        }
        for (table, with_province) in [("demand_shown", true), ("demand_rollup", false)] {
            let province = if with_province {
                "province"
            } else {
                "'' AS province"
            };
            let rows: Vec<FigureRow> = sqlx::query_as(&format!(
                "SELECT kind, stage, catalog_version, day, {province}, sales_mode, item, n, base
                   FROM {table} WHERE campaign_id = $1 AND (n <> 0 OR base <> 0)"
            ))
            .bind(campaign_id)
            .fetch_all(&self.db)
            .await?;
            for row in rows {
                let key = row.key.key(campaign_id)?;
                let kind = Kind::parse(&row.kind).ok_or_else(|| AppError::Internal {
                    message: "unknown kind of demand figure".into(),
                })?;
                let target = if with_province {
                    &mut books.shown
                } else {
                    &mut books.rollup
                };
                target.insert((key, kind, row.item), (row.n, row.base));
            }
        }
        Ok(books)
    }

    /// Replaces a campaign's stored demand with a full recount; answers the number of cells.
    pub async fn rebuild_demand(self, campaign_id: &str) -> Result<usize, AppError> {
        let books = self.recount_demand(campaign_id).await?;
        let mut tx = self.db.begin().await?;
        for table in ["demand_cells", "demand_shown", "demand_rollup"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE campaign_id = $1"))
                .bind(campaign_id)
                .execute(&mut *tx)
                .await?;
        }
        for (key, cell) in &books.cells {
            sqlx::query(
                "INSERT INTO demand_cells
                   (campaign_id, stage, catalog_version, day, province, sales_mode, people, counts)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&key.campaign_id)
            .bind(key.stage.as_str())
            .bind(key.catalog_version)
            .bind(key.day)
            .bind(&key.province)
            .bind(&key.sales_mode)
            .bind(cell.people as i64)
            .bind(serde_json::to_string(cell)?)
            .execute(&mut *tx)
            .await?;
        }
        insert_figures(&mut tx, "demand_shown", &books.shown, true).await?;
        insert_figures(&mut tx, "demand_rollup", &books.rollup, false).await?;
        tx.commit().await?;
        Ok(books.cells.len())
    }
}

/// Inserts figures in batches of multi-row statements (a recount writes many).
async fn insert_figures(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    figures: &BTreeMap<FigureKey, (i64, i64)>,
    with_province: bool,
) -> Result<(), AppError> {
    let columns = if with_province {
        "campaign_id, kind, stage, catalog_version, day, province, sales_mode, item, n, base"
    } else {
        "campaign_id, kind, stage, catalog_version, day, sales_mode, item, n, base"
    };
    let width = if with_province { 10 } else { 9 };
    let all: Vec<_> = figures.iter().collect();
    for chunk in all.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            value_rows(chunk.len(), width)
        );
        let mut query = sqlx::query(&sql);
        for ((key, kind, item), (n, base)) in chunk {
            query = query
                .bind(&key.campaign_id)
                .bind(kind.as_str())
                .bind(key.stage.as_str())
                .bind(key.catalog_version)
                .bind(key.day);
            if with_province {
                query = query.bind(&key.province);
            }
            query = query.bind(&key.sales_mode).bind(item).bind(*n).bind(*base);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
