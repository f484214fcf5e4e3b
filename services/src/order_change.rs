//! When a demand threshold drops an option, the holders of orders that depend on it are offered
//! a change or a full refund. This is the change: the order takes another saved configuration
//! in one step, keeping its batch unit, its payments and its place.

use configurator::Money;

use super::accounts::require_role;
use super::db::Json;
use super::orders::{add_event, EARNEST_MAX_PERCENT};
use super::{now_ms, share_code};
use models::error::AppError;
use models::{Account, OrderEventKind, OrderStatus, OrderView, Role};

/// What a configuration change reads of the order before it.
#[derive(sqlx::FromRow)]
struct ChangingOrder {
    campaign_id: String,
    configuration_code: String,
    dropped_option: Option<String>,
    holds_unit: i64,
    status: OrderStatus,
    earnest_fen: i64,
    selections: Json<Vec<String>>,
    catalog_version: i64,
    sales_mode: String,
}

impl crate::Orders<'_> {
    /// Replaces the configuration of `order_id`, which must depend on a dropped option, with
    /// saved configuration `configuration_code`: re-checked and re-priced against the
    /// campaign's catalog, free of dropped options. No money moves (the reservation amount and
    /// the earnest money do not depend on the car), so no idempotency key is needed: repeating
    /// a change that succeeded answers the order as it now is.
    pub async fn change_order_configuration(
        self,
        account: &Account,
        order_id: &str,
        configuration_code: &str,
    ) -> Result<OrderView, AppError> {
        require_role(account, &[Role::Consumer], "change orders")?;
        let code = share_code::normalize(configuration_code).ok_or_else(|| {
            AppError::invalid(
                "configuration_code",
                "a configuration code is 8 letters and digits",
            )
        })?;
        let row: ChangingOrder = sqlx::query_as(
            "SELECT campaign_id, configuration_code, dropped_option, holds_unit, status, earnest_fen,
                    selections, catalog_version, sales_mode
               FROM orders WHERE id = $1 AND account_id = $2",
        )
        .bind(order_id)
        .bind(&account.id)
        .fetch_optional(&self.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("order {order_id}")))?;
        let status = row.status;
        if row.dropped_option.is_none() {
            if row.configuration_code == code {
                return self.order(account, order_id).await;
            }
            return Err(AppError::OrderState {
                status,
                message: "only an order whose configuration lost an option to a demand threshold can change it; otherwise cancel and reserve again".into(),
            });
        }
        if row.holds_unit != 1 {
            return Err(AppError::OrderState {
                message: format!("an order that is {status} cannot be changed"),
                status,
            });
        }
        let campaign_id = row.campaign_id;
        let terms = self.terms(&campaign_id).await?;
        let (selections, price) = self.priced_configuration(&terms, &code).await?;
        super::orders::refuse_dropped(
            &selections,
            &self.campaigns().dropped_options(&campaign_id).await?,
        )?;
        let earnest = row.earnest_fen;
        // Checked arithmetic: no product of money may overflow.
        if Money(earnest) > price.total.percent(EARNEST_MAX_PERCENT).unwrap_or_default() {
            let least = Money(earnest)
                .mul_ratio(100, EARNEST_MAX_PERCENT)
                .unwrap_or(Money::MAX);
            return Err(AppError::invalid(
                "configuration_code",
                format!(
                    "the earnest money paid would exceed {EARNEST_MAX_PERCENT} % of this car's price; choose a car of at least {}",
                    least.yuan_exact()
                ),
            ));
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        // Conditional: a concurrent cancel or a second change finds nothing left to change.
        let changed = sqlx::query(
            "UPDATE orders SET configuration_code = $3, catalog_version = $4, selections = $5,
                 sales_mode = $6, total_fen = $7, price = $8, dropped_option = NULL, updated_at = $9
              WHERE id = $1 AND account_id = $2 AND dropped_option IS NOT NULL AND holds_unit = 1",
        )
        .bind(order_id)
        .bind(&account.id)
        .bind(&code)
        .bind(terms.catalog_version)
        .bind(serde_json::to_string(&selections)?)
        .bind(price.mode.as_str())
        .bind(price.total.0)
        .bind(serde_json::to_string(&price)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(AppError::OrderState {
                status,
                message: "the order changed meanwhile; reload it".into(),
            });
        }
        // Only this change can replace the selections (it clears `dropped_option`), so the
        // ones read before the transaction are the ones replaced.
        let after = self.demand().order_demand(&mut tx, order_id).await?;
        let before = after.with_selections(row.selections.0, row.catalog_version, row.sales_mode);
        if let (Some(out), Some(into)) = (before.at(after.status), after.at(after.status)) {
            self.demand()
                .move_demand(&mut tx, Some(&out), Some(&into))
                .await?;
        }
        add_event(&mut tx, order_id, OrderEventKind::ConfigurationChanged, now).await?;
        tx.commit().await?;
        tracing::info!(order = %order_id, code = %code, "order configuration changed after a dropped option");
        self.order(account, order_id).await
    }
}
