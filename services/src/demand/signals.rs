//! The signals behind the demand cells, read from the tables that hold them: a saved
//! configuration, a person's first vote in a campaign, an order at its current level. The
//! same readers serve the write path (one signal in its transaction) and the full recount.

use sqlx::{Any, Transaction};

use super::cells::{day_of, stage_of_order, CellKey, Signal};
use crate::db::Json;
use crate::Backend;
use models::error::AppError;
use models::{OrderStatus, Stage};

/// The columns of an [`OrderSignalRow`] in `orders`.
pub(super) const ORDER_COLUMNS: &str =
    "campaign_id, car_line, catalog_version, created_at, province, city, sales_mode, selections, status";

/// The columns orders and configurations share: where and what a person chose.
#[derive(sqlx::FromRow)]
pub(super) struct SignalRow {
    campaign_id: String,
    car_line: String,
    catalog_version: i64,
    created_at: i64,
    province: String,
    city: String,
    sales_mode: String,
    selections: Json<Vec<String>>,
}

impl SignalRow {
    /// The signal of `stage`.
    fn signal(self, stage: Stage) -> Signal {
        Signal {
            car_line: self.car_line,
            key: CellKey {
                campaign_id: self.campaign_id,
                stage,
                catalog_version: self.catalog_version,
                day: day_of(self.created_at),
                province: self.province,
                sales_mode: self.sales_mode,
            },
            city: self.city,
            selections: self.selections.0,
        }
    }
}

/// An order's row of [`ORDER_COLUMNS`].
#[derive(sqlx::FromRow)]
pub(super) struct OrderSignalRow {
    #[sqlx(flatten)]
    signal: SignalRow,
    status: OrderStatus,
}

impl From<OrderSignalRow> for OrderDemand {
    fn from(row: OrderSignalRow) -> OrderDemand {
        OrderDemand {
            signal: row.signal.signal(Stage::Reserved),
            status: row.status,
        }
    }
}

/// What an order contributes to demand, whatever its status.
#[derive(Clone, Debug)]
pub(crate) struct OrderDemand {
    signal: Signal,
    /// The order's status when it was read.
    pub(crate) status: OrderStatus,
}

impl OrderDemand {
    /// The order's signal if it were in `status` (`None`: it does not count there).
    pub(crate) fn at(&self, status: OrderStatus) -> Option<Signal> {
        let stage = stage_of_order(status)?;
        let mut signal = self.signal.clone();
        signal.key.stage = stage;
        Some(signal)
    }

    /// The same order with other selections (a changed configuration).
    pub(crate) fn with_selections(
        &self,
        selections: Vec<String>,
        version: i64,
        mode: String,
    ) -> OrderDemand {
        let mut other = self.clone();
        other.signal.selections = selections;
        other.signal.key.catalog_version = version;
        other.signal.key.sales_mode = mode;
        other
    }
}

/// The columns of a [`SignalRow`] in `configurations`.
pub(super) const CONFIGURATION_COLUMNS: &str =
    "campaign_id, car_line, catalog_version, created_at, province, city, sales_mode, selections";

impl SignalRow {
    /// A saved configuration's signal.
    pub(super) fn configured(self) -> Signal {
        self.signal(Stage::Configured)
    }
}

/// A voter's signal: their first vote in the campaign decides the day and the place.
pub(super) fn vote_signal(
    campaign_id: &str,
    car_line: &str,
    catalog_version: i64,
    voted_at: i64,
    province: String,
    city: String,
) -> Signal {
    Signal {
        car_line: car_line.to_string(),
        key: CellKey {
            campaign_id: campaign_id.to_string(),
            stage: Stage::Voted,
            catalog_version,
            day: day_of(voted_at),
            province,
            sales_mode: String::new(),
        },
        city,
        selections: Vec::new(),
    }
}

impl crate::Demand<'_> {
    /// An order's demand, read inside a transaction that has already written (on PostgreSQL
    /// the row is locked, so its status cannot move before the transaction ends).
    pub(crate) async fn order_demand(
        self,
        tx: &mut Transaction<'static, Any>,
        order_id: &str,
    ) -> Result<OrderDemand, AppError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let row: OrderSignalRow = sqlx::query_as(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1{lock}"
        ))
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(row.into())
    }

    /// Moves an order's demand from its level in status `from` to its level in status `to`.
    pub(crate) async fn order_moved(
        self,
        tx: &mut Transaction<'static, Any>,
        order: &OrderDemand,
        from: OrderStatus,
        to: OrderStatus,
    ) -> Result<(), AppError> {
        self.move_demand(tx, order.at(from).as_ref(), order.at(to).as_ref())
            .await
    }

    /// [`Self::order_moved`], collected in `changes` to be applied with the transaction's
    /// other moves ([`Self::apply_moves`]).
    pub(crate) fn order_moved_into(
        self,
        order: &OrderDemand,
        (from, to): (OrderStatus, OrderStatus),
        changes: &mut super::DemandChanges,
    ) {
        changes.push(order.at(from), order.at(to));
    }

    /// Serialises one account's demand signals on PostgreSQL (SQLite already holds its write
    /// lock): two first votes or two saves of one person at once count them once.
    pub(crate) async fn lock_person(
        self,
        tx: &mut Transaction<'static, Any>,
        account_id: &str,
    ) -> Result<(), AppError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(account_id)
                .fetch_optional(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Counts a vote just stored: a person's first vote in a campaign makes them a voter.
    pub(crate) async fn vote_counted(
        self,
        tx: &mut Transaction<'static, Any>,
        campaign_id: &str,
        account_id: &str,
    ) -> Result<(), AppError> {
        self.lock_person(tx, account_id).await?;
        let votes: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM votes v JOIN polls p ON p.id = v.poll_id
              WHERE p.campaign_id = $1 AND v.account_id = $2",
        )
        .bind(campaign_id)
        .bind(account_id)
        .fetch_one(&mut **tx)
        .await?;
        if votes != 1 {
            return Ok(());
        }
        let (car_line, catalog_version, voted_at, province, city): (String, i64, i64, String, String) =
            sqlx::query_as(
                "SELECT c.car_line, c.catalog_version, v.voted_at, v.province, v.city
                   FROM votes v JOIN polls p ON p.id = v.poll_id JOIN campaigns c ON c.id = p.campaign_id
                  WHERE p.campaign_id = $1 AND v.account_id = $2",
            )
            .bind(campaign_id)
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
        let signal = vote_signal(
            campaign_id,
            &car_line,
            catalog_version,
            voted_at,
            province,
            city,
        );
        self.move_demand(tx, None, Some(&signal)).await
    }

    /// Counts a configuration just stored under `code`; a signed-in person's earlier
    /// configuration for the same campaign stops counting.
    pub(crate) async fn configuration_counted(
        self,
        tx: &mut Transaction<'static, Any>,
        code: &str,
        account_id: Option<&str>,
    ) -> Result<(), AppError> {
        let select = format!(
            "SELECT {} FROM configurations WHERE code = $1 AND campaign_id IS NOT NULL",
            CONFIGURATION_COLUMNS
        );
        let Some(row) = sqlx::query_as::<_, SignalRow>(&select)
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?
        else {
            return Ok(());
        };
        let signal = row.configured();
        let mut replaced = Vec::new();
        if let Some(account_id) = account_id {
            self.lock_person(tx, account_id).await?;
            let rows: Vec<SignalRow> = sqlx::query_as(&format!(
                "UPDATE configurations SET counted = 0
                  WHERE account_id = $1 AND campaign_id = $2 AND counted = 1 AND code <> $3
                  RETURNING {CONFIGURATION_COLUMNS}"
            ))
            .bind(account_id)
            .bind(&signal.key.campaign_id)
            .bind(code)
            .fetch_all(&mut **tx)
            .await?;
            replaced.extend(rows.into_iter().map(SignalRow::configured));
        }
        let mut into = Some(&signal);
        for old in &replaced {
            self.move_demand(tx, Some(old), into.take()).await?;
        }
        if let Some(signal) = into {
            self.move_demand(tx, None, Some(signal)).await?;
        }
        Ok(())
    }
}
