//! Demand thresholds: progress, the decision at the deadline, and what a dropped option means
//! for the orders that include it.

use configurator::Localized;

use super::{now_ms, share_code};
use models::error::AppError;
use models::{OrderEventKind, ThresholdInput, ThresholdStatus, ThresholdView};

/// A `LIKE` pattern that finds `"option"` in a JSON array of option ids (with `\` escaping
/// the wildcards ids may contain).
pub(super) fn selection_pattern(option: &str) -> String {
    let escaped = option
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%\"{escaped}\"%")
}

/// A threshold as stored (`reached`: the count at the decision, once decided).
#[derive(sqlx::FromRow)]
struct ThresholdRow {
    id: String,
    option_id: String,
    target: i64,
    deadline: i64,
    status: ThresholdStatus,
    reached: Option<i64>,
}

/// Counts the active orders of `campaign` that include `option`.
const PROGRESS_SQL: &str = "SELECT COUNT(*) FROM orders
    WHERE campaign_id = $1 AND holds_unit = 1 AND selections LIKE $2 ESCAPE '\\'";

impl crate::Campaigns<'_> {
    /// Stores a campaign's thresholds (in the campaign's creation transaction).
    pub(super) async fn insert_thresholds(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        campaign_id: &str,
        thresholds: &[ThresholdInput],
    ) -> Result<(), AppError> {
        for t in thresholds {
            sqlx::query(
                "INSERT INTO thresholds (id, campaign_id, option_id, target, deadline, status)
                 VALUES ($1, $2, $3, $4, $5, 'open')",
            )
            .bind(format!("th_{}", share_code::token(12)))
            .bind(campaign_id)
            .bind(&t.option)
            .bind(t.target)
            .bind(t.deadline)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// A campaign's thresholds with live progress (the count at the decision once decided).
    pub(super) async fn thresholds(
        self,
        campaign_id: &str,
        names: impl Fn(&str) -> Localized,
    ) -> Result<Vec<ThresholdView>, AppError> {
        let rows: Vec<ThresholdRow> = sqlx::query_as(
            "SELECT id, option_id, target, deadline, status, reached FROM thresholds
              WHERE campaign_id = $1 ORDER BY deadline, option_id",
        )
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let reached = match row.reached {
                Some(n) if row.status != ThresholdStatus::Open => n,
                _ => {
                    sqlx::query_scalar(PROGRESS_SQL)
                        .bind(campaign_id)
                        .bind(selection_pattern(&row.option_id))
                        .fetch_one(&self.db)
                        .await?
                }
            };
            out.push(ThresholdView {
                id: row.id,
                name: names(&row.option_id),
                option: row.option_id,
                target: row.target,
                reached,
                deadline: row.deadline,
                status: row.status,
            });
        }
        Ok(out)
    }

    /// The options of `campaign` that were dropped.
    pub(super) async fn dropped_options(self, campaign_id: &str) -> Result<Vec<String>, AppError> {
        dropped_options_with(&self.db, campaign_id).await
    }

    /// Decides every threshold whose deadline has passed: confirmed when enough active orders
    /// include the option, else dropped, and then every active order that includes it is
    /// flagged (and told on its timeline). Idempotent; answers how many it decided. A threshold
    /// that fails is logged and the others go on (it is tried again next time).
    pub async fn decide_thresholds(self) -> Result<usize, AppError> {
        let now = now_ms();
        let due: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT id, campaign_id, option_id, target FROM thresholds
              WHERE status = 'open' AND deadline <= $1",
        )
        .bind(now)
        .fetch_all(&self.db)
        .await?;
        let mut decided = 0;
        for (id, campaign_id, option, target) in due {
            match self
                .decide_threshold(&id, &campaign_id, &option, target, now)
                .await
            {
                Ok(true) => decided += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(%error, threshold = %id, "deciding a threshold failed; will retry")
                }
            }
        }
        Ok(decided)
    }

    /// Decides one threshold; false when another server did.
    async fn decide_threshold(
        self,
        id: &str,
        campaign_id: &str,
        option: &str,
        target: i64,
        now: i64,
    ) -> Result<bool, AppError> {
        let pattern = selection_pattern(option);
        let mut tx = self.db.begin().await?;
        // The decision is a write first (SQLite takes its lock at once); only one wins.
        let claimed = sqlx::query(
            "UPDATE thresholds SET status = 'dropped', decided_at = $1 WHERE id = $2 AND status = 'open'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let reached: i64 = sqlx::query_scalar(PROGRESS_SQL)
            .bind(campaign_id)
            .bind(&pattern)
            .fetch_one(&mut *tx)
            .await?;
        let status = if reached >= target {
            ThresholdStatus::Confirmed
        } else {
            ThresholdStatus::Dropped
        };
        sqlx::query("UPDATE thresholds SET status = $1, reached = $2 WHERE id = $3")
            .bind(status)
            .bind(reached)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if status == ThresholdStatus::Dropped {
            let affected: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM orders WHERE campaign_id = $1 AND holds_unit = 1
                    AND selections LIKE $2 ESCAPE '\\' AND dropped_option IS NULL",
            )
            .bind(campaign_id)
            .bind(&pattern)
            .fetch_all(&mut *tx)
            .await?;
            for order in &affected {
                sqlx::query("UPDATE orders SET dropped_option = $1, updated_at = $2 WHERE id = $3")
                    .bind(option)
                    .bind(now)
                    .bind(order)
                    .execute(&mut *tx)
                    .await?;
                super::orders::add_event(&mut tx, order, OrderEventKind::OptionDropped, now)
                    .await?;
            }
        }
        tx.commit().await?;
        tracing::info!(%campaign_id, %option, reached, target, %status, "threshold decided");
        Ok(true)
    }
}

/// The options of a campaign dropped by their demand threshold, read through `executor` (the
/// pool, or the transaction that commits reservations).
pub(super) async fn dropped_options_with<'e, E>(
    executor: E,
    campaign_id: &str,
) -> Result<Vec<String>, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT option_id FROM thresholds WHERE campaign_id = $1 AND status = 'dropped'",
    )
    .bind(campaign_id)
    .fetch_all(executor)
    .await?)
}
