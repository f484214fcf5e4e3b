//! Demo data, kept apart from the production paths: the demo car line's catalog and its pre-sale
//! campaign, both read from the files under `seed/` (the format an OEM and a marketer would
//! write), embedded at build time so the binary needs no working directory.

/// Generated demand at scale (the demo's dashboard and the benchmarks).
pub mod demand;

use std::sync::Arc;

use configurator::{Catalog, Localized};
use serde::Deserialize;

use crate::accounts::NewAccount;
use crate::campaigns::CampaignContent;
use crate::{now_ms, share_code, Services};
use models::error::AppError;
use models::{Fact, PollChoiceInput, Role, ThresholdInput};

const DEMO_CATALOG: &str = include_str!("../../../seed/catalogs/xiaoman.toml");
/// The id of the demo campaign (`seed/campaigns/xiaoman-presale.json`).
pub const DEMO_CAMPAIGN_ID: &str = "xiaoman-presale";

const DEMO_CAMPAIGN: &str = include_str!("../../../seed/campaigns/xiaoman-presale.json");

use models::time::DAY_MS;

/// The demo accounts, one per role; their password comes from `C2M_DEMO_PASSWORD`.
pub const DEMO_ACCOUNTS: [(&str, Role, &str); 4] = [
    ("consumer@demo.test", Role::Consumer, "小满车主"),
    ("marketer@demo.test", Role::Marketer, "Marketing"),
    ("oem@demo.test", Role::Oem, "OEM product team"),
    ("admin@demo.test", Role::Admin, "Admin"),
];

/// The demo OEM organisation, owner of the demo car line.
const DEMO_ORG: (&str, &str) = ("xiaoman-motors", "Xiaoman Motors");

#[derive(Deserialize)]
struct PollSeed {
    question: Localized,
    choices: Vec<PollChoiceInput>,
    closes_days_after_seed: i64,
}

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
    reservation_fen: i64,
    earnest_fen: i64,
    cooling_off_hours: i64,
    batches: Vec<i64>,
    polls: Vec<PollSeed>,
    thresholds: Vec<ThresholdSeed>,
}

#[derive(Deserialize)]
struct ThresholdSeed {
    option: String,
    target: i64,
    deadline_days_after_seed: i64,
}

/// The demo catalog as shipped.
pub fn demo_catalog() -> Result<Catalog, AppError> {
    Catalog::from_toml(DEMO_CATALOG).map_err(|e| AppError::Internal {
        message: format!("the demo catalog is broken: {e}"),
    })
}

impl Services {
    /// Seeds the demo into an empty database: the car line (owned by a demo OEM), its
    /// campaign with batches and a poll, and one account per role with `password`. Answers
    /// whether it did.
    pub async fn seed_demo(self: &Arc<Self>, password: &str) -> Result<bool, AppError> {
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM car_lines")
            .fetch_one(&self.db)
            .await?;
        if lines > 0 {
            return Ok(false);
        }
        let catalog = demo_catalog()?;
        self.catalogs().publish_catalog(&catalog).await?;

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
        sqlx::query(
            "UPDATE campaigns SET reservation_fen = $1, earnest_fen = $2, cooling_off_hours = $3
              WHERE id = $4",
        )
        .bind(seed.reservation_fen)
        .bind(seed.earnest_fen)
        .bind(seed.cooling_off_hours)
        .bind(&seed.id)
        .execute(&self.db)
        .await?;
        for (i, cap) in seed.batches.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_batches (campaign_id, seq, cap, held) VALUES ($1, $2, $3, 0)",
            )
            .bind(&seed.id)
            .bind(i as i64 + 1)
            .bind(cap)
            .execute(&self.db)
            .await?;
        }
        for poll in &seed.polls {
            sqlx::query(
                "INSERT INTO polls (id, campaign_id, question, choices, closes_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(format!("poll_{}", share_code::token(12)))
            .bind(&seed.id)
            .bind(serde_json::to_string(&poll.question)?)
            .bind(serde_json::to_string(&poll.choices)?)
            .bind(now + poll.closes_days_after_seed * DAY_MS)
            .bind(now)
            .execute(&self.db)
            .await?;
        }
        let thresholds: Vec<ThresholdInput> = seed
            .thresholds
            .iter()
            .map(|t| ThresholdInput {
                option: t.option.clone(),
                target: t.target,
                deadline: now + t.deadline_days_after_seed * DAY_MS,
            })
            .collect();
        let mut tx = self.db.begin().await?;
        crate::Campaigns::insert_thresholds(&mut tx, &seed.id, &thresholds).await?;
        tx.commit().await?;
        self.accounts()
            .ensure_organisation(DEMO_ORG.0, DEMO_ORG.1)
            .await?;
        sqlx::query("UPDATE car_lines SET org_id = $1 WHERE id = $2")
            .bind(DEMO_ORG.0)
            .bind(&catalog.car_line)
            .execute(&self.db)
            .await?;
        for (login, role, name) in DEMO_ACCOUNTS {
            self.accounts()
                .create_account(NewAccount {
                    login,
                    password,
                    display_name: Some(name),
                    role,
                    org_id: (role == Role::Oem).then_some(DEMO_ORG.0),
                })
                .await?;
        }
        // The demo consumer lives in Hangzhou: their signals count there.
        sqlx::query(
            "UPDATE accounts SET province = 'zhejiang', city = 'hangzhou' WHERE role = 'consumer'",
        )
        .execute(&self.db)
        .await?;
        tracing::info!(car_line = %catalog.car_line, campaign = %seed.id, "seeded the demo");
        Ok(true)
    }
}
