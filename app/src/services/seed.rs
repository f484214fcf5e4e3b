//! The demo data that `make run` starts with: the demo car line's catalog and its pre-sale
//! campaign, both read from the files under `seed/` (the format an OEM and a marketer would
//! write), embedded at build time so the binary needs no working directory.

use configurator::{Catalog, Localized};
use serde::Deserialize;

use super::campaigns::CampaignContent;
use super::{now_ms, Services};
use crate::error::AppError;
use crate::models::Fact;

const DEMO_CATALOG: &str = include_str!("../../../seed/catalogs/xiaoman.toml");
const DEMO_CAMPAIGN: &str = include_str!("../../../seed/campaigns/xiaoman-presale.json");

const DAY_MS: i64 = 86_400_000;

#[derive(Deserialize)]
struct CampaignSeed {
    id: String,
    car_line: String,
    title: Localized,
    tagline: Localized,
    facts: Vec<Fact>,
    warmup_days_before_open: i64,
    open_days_before_seed: i64,
    close_days_after_seed: i64,
}

/// The demo catalog as shipped.
pub fn demo_catalog() -> Result<Catalog, AppError> {
    Catalog::from_toml(DEMO_CATALOG).map_err(|e| AppError::Internal {
        message: format!("the demo catalog is broken: {e}"),
    })
}

impl Services {
    /// Seeds the demo car line and campaign into an empty database. Answers whether it did.
    pub async fn seed_demo(&self) -> Result<bool, AppError> {
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM car_lines")
            .fetch_one(&self.db)
            .await?;
        if lines > 0 {
            return Ok(false);
        }
        let catalog = demo_catalog()?;
        self.publish_catalog(&catalog).await?;

        let seed: CampaignSeed = serde_json::from_str(DEMO_CAMPAIGN)?;
        let now = now_ms();
        let opens_at = now - seed.open_days_before_seed * DAY_MS;
        let content = CampaignContent {
            title: seed.title,
            tagline: seed.tagline,
            facts: seed.facts,
        };
        sqlx::query(
            "INSERT INTO campaigns
               (id, car_line, catalog_version, content, warmup_at, opens_at, closes_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&seed.id)
        .bind(&seed.car_line)
        .bind(i64::from(catalog.version))
        .bind(serde_json::to_string(&content)?)
        .bind(opens_at - seed.warmup_days_before_open * DAY_MS)
        .bind(opens_at)
        .bind(now + seed.close_days_after_seed * DAY_MS)
        .bind(now)
        .execute(&self.db)
        .await?;
        tracing::info!(car_line = %catalog.car_line, campaign = %seed.id, "seeded the demo");
        Ok(true)
    }
}
