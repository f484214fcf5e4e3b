//! Pre-sale campaigns as the public pages show them.

use configurator::{Catalog, Localized, SalesMode};
use serde::{Deserialize, Serialize};

use super::db::Json;
use super::now_ms;
use models::error::AppError;
use models::{CampaignView, Fact};

/// The marketing content of a campaign, stored as one JSON document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct CampaignContent {
    pub title: Localized,
    pub tagline: Localized,
    pub facts: Vec<Fact>,
}

/// What the public pages read of a campaign.
#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: String,
    car_line: String,
    catalog_version: i64,
    content: Json<CampaignContent>,
    warmup_at: i64,
    opens_at: i64,
    closes_at: i64,
}

impl crate::Campaigns<'_> {
    /// The campaign to feature on the landing page: the open one closing soonest, else the
    /// most recent.
    pub async fn featured_campaign(self) -> Result<Option<CampaignView>, AppError> {
        let now = now_ms();
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM campaigns
              ORDER BY CASE WHEN closes_at > $1 THEN 0 ELSE 1 END, closes_at ASC
              LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.db)
        .await?;
        match id {
            Some(id) => self.campaign(&id).await.map(Some),
            None => Ok(None),
        }
    }

    /// The campaign running for a car line, if any.
    pub async fn campaign_for_line(self, line: &str) -> Result<Option<CampaignView>, AppError> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM campaigns WHERE car_line = $1 ORDER BY closes_at DESC LIMIT 1",
        )
        .bind(line)
        .fetch_optional(&self.db)
        .await?;
        match id {
            Some(id) => self.campaign(&id).await.map(Some),
            None => Ok(None),
        }
    }

    /// One campaign with its prices taken from its catalog version.
    pub async fn campaign(self, id: &str) -> Result<CampaignView, AppError> {
        let row: CampaignRow = sqlx::query_as(
            "SELECT id, car_line, catalog_version, content, warmup_at, opens_at, closes_at
               FROM campaigns WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("campaign {id}")))?;
        let Json(content) = row.content;
        let compiled = self
            .catalogs()
            .catalog_version(&row.car_line, row.catalog_version as u32)
            .await?;
        let catalog: &Catalog = &compiled.catalog;
        // The headline prices are those of the default configuration in each sales mode.
        let defaults = default_options(catalog);
        let purchase = catalog.quote(&defaults, SalesMode::Purchase);
        let lease = catalog.quote(&defaults, SalesMode::Lease);
        Ok(CampaignView {
            id: row.id,
            car_name: catalog.name.clone(),
            car_line: row.car_line,
            catalog_version: row.catalog_version as u32,
            title: content.title,
            tagline: content.tagline,
            facts: content.facts,
            warmup_at: row.warmup_at,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            lease_price: lease.total,
            purchase_price: purchase.total,
            lease_terms: lease.lease,
            server_now: now_ms(),
        })
    }
}

/// The default option of every group that has one.
fn default_options(catalog: &Catalog) -> Vec<&str> {
    catalog
        .groups
        .iter()
        .filter_map(|g| g.default.as_deref())
        .collect()
}
