//! Saved configurations and their share codes. The server re-checks every configuration it
//! stores: the client's verdict is never trusted.

use super::db::Json;
use super::{now_ms, share_code};
use models::error::AppError;
use models::{Account, SavedConfiguration};

/// A saved configuration as it is opened again.
#[derive(sqlx::FromRow)]
struct ConfigurationRow {
    car_line: String,
    catalog_version: i64,
    selections: Json<Vec<String>>,
    created_at: i64,
}

impl crate::Configurations<'_> {
    /// What the configurator page opens with: the published catalog of `line` (the featured
    /// campaign's line when none is named), or a saved configuration by share `code` re-checked
    /// against the current catalog; `pick` (the choices the page's address keeps, comma
    /// separated) replaces the selections, ids the catalog lacks ignored. With the line's
    /// campaign and its thresholds.
    pub async fn configurator(
        self,
        line: Option<&str>,
        code: Option<&str>,
        pick: Option<&str>,
    ) -> Result<models::ConfiguratorData, AppError> {
        let (line, selections, restored) = match code {
            Some(code) => {
                let saved = self.load_configuration(code).await?;
                let restored = models::Restored {
                    code: saved.code,
                    saved_version: saved.catalog_version,
                    current_version: saved.current_version,
                    withdrawn: saved.withdrawn,
                };
                (saved.car_line, saved.selections, Some(restored))
            }
            None => {
                let line = match line {
                    Some(line) => line.to_string(),
                    None => self
                        .campaigns()
                        .featured_campaign()
                        .await?
                        .map(|c| c.car_line)
                        .ok_or_else(|| AppError::not_found("car line"))?,
                };
                (line, Vec::new(), None)
            }
        };
        let compiled = self.catalogs().published_catalog(&line).await?;
        let selections = match pick {
            Some(pick) => pick
                .split(',')
                .filter(|id| compiled.catalog.option(id).is_some())
                .map(str::to_owned)
                .collect(),
            None => selections,
        };
        let campaign = self.campaigns().campaign_for_line(&line).await?;
        let thresholds = match &campaign {
            Some(c) => self.campaigns().campaign_thresholds(&c.id).await?,
            None => Vec::new(),
        };
        Ok(models::ConfiguratorData {
            catalog: (*compiled.catalog).clone(),
            campaign,
            selections,
            restored,
            thresholds,
        })
    }

    /// Re-checks and stores a complete configuration; answers its share code.
    pub async fn save_configuration(
        self,
        line: &str,
        selections: &[String],
    ) -> Result<String, AppError> {
        self.save_configuration_by(None, line, selections).await
    }

    /// [`Services::save_configuration`] by a signed-in person (or anonymously): the
    /// configuration counts as demand for the car line's campaign, in the same transaction,
    /// and replaces the person's earlier one there.
    pub async fn save_configuration_by(
        self,
        account: Option<&Account>,
        line: &str,
        selections: &[String],
    ) -> Result<String, AppError> {
        let compiled = self.catalogs().published_catalog(line).await?;
        let result = compiled.check(selections)?;
        if !result.check.valid {
            return Err(AppError::InvalidConfiguration {
                conflict: result.check.conflict,
            });
        }
        let (true, Some(price)) = (result.check.complete, result.price.as_ref()) else {
            return Err(AppError::IncompleteConfiguration {
                open_groups: result.check.open_groups,
            });
        };
        let selections_json = serde_json::to_string(selections)?;
        let price_json = serde_json::to_string(price)?;
        let mode = serde_json::to_value(price.mode)?;
        let mode = mode.as_str().unwrap_or_default().to_string();
        let campaign: Option<String> = sqlx::query_scalar(
            "SELECT id FROM campaigns WHERE car_line = $1 ORDER BY closes_at DESC LIMIT 1",
        )
        .bind(line)
        .fetch_optional(&self.db)
        .await?;
        let account_id = account.map(|a| a.id.as_str());
        // A collision among 10^12 codes is rare; a few fresh draws make it vanish.
        for _ in 0..5 {
            let code = share_code::generate();
            let mut tx = self.db.begin().await?;
            // The first statement writes: SQLite takes its write lock at once.
            let inserted = sqlx::query(
                "INSERT INTO configurations
                   (code, car_line, catalog_version, selections, sales_mode, total_fen, price,
                    created_at, campaign_id, account_id, province, city)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                    COALESCE((SELECT province FROM accounts WHERE id = $10), ''),
                    COALESCE((SELECT city FROM accounts WHERE id = $10), ''))
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(&code)
            .bind(line)
            .bind(i64::from(compiled.catalog.version))
            .bind(&selections_json)
            .bind(&mode)
            .bind(price.total.0)
            .bind(&price_json)
            .bind(now_ms())
            .bind(&campaign)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 1 {
                self.demand()
                    .configuration_counted(&mut tx, &code, account_id)
                    .await?;
                tx.commit().await?;
                return Ok(code);
            }
            tx.rollback().await?;
        }
        Err(AppError::Internal {
            message: "could not allocate a share code".into(),
        })
    }

    /// Opens a saved configuration and re-checks it against the current catalog: options the
    /// catalog withdrew are reported, not silently lost.
    pub async fn load_configuration(self, code: &str) -> Result<SavedConfiguration, AppError> {
        let code = share_code::normalize(code).ok_or_else(|| AppError::MalformedCode {
            code: code.chars().take(32).collect(),
        })?;
        let ConfigurationRow {
            car_line,
            catalog_version: saved_version,
            selections: Json(saved),
            created_at,
        } = sqlx::query_as(
            "SELECT car_line, catalog_version, selections, created_at
               FROM configurations WHERE code = $1",
        )
        .bind(&code)
        .fetch_optional(&self.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("configuration {code}")))?;

        let compiled = self.catalogs().published_catalog(&car_line).await?;
        let (selections, withdrawn): (Vec<String>, Vec<String>) = saved
            .into_iter()
            .partition(|id| compiled.catalog.option(id).is_some());
        let check = compiled.check(&selections)?;
        Ok(SavedConfiguration {
            code,
            car_line,
            catalog_version: saved_version as u32,
            current_version: compiled.catalog.version,
            selections,
            withdrawn,
            check,
            created_at,
        })
    }
}
