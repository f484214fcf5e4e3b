//! The commerce side of campaigns: creating them with their terms, batches and polls (for
//! marketers), reading them with live fill levels and poll results, and voting.

use configurator::{Localized, Money};
use sqlx::Row;

use super::accounts::require_role;
use super::campaigns::CampaignContent;
use super::orders::{yuan, EARNEST_MAX_PERCENT};
use super::{now_ms, share_code, Services};
use crate::error::AppError;
use crate::models::{
    Account, BatchView, CampaignDetail, CampaignInput, PollChoice, PollChoiceInput, PollView, Role,
};

const MAX_BATCHES: usize = 20;
const MAX_BATCH_CAP: i64 = 1_000_000;
const MAX_COOLING_OFF_HOURS: i64 = 30 * 24;
const MAX_POLLS: usize = 10;

impl Services {
    /// Every campaign, newest first, with terms, fill levels and polls.
    pub async fn campaigns(
        &self,
        viewer: Option<&Account>,
    ) -> Result<Vec<CampaignDetail>, AppError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM campaigns ORDER BY opens_at DESC, id")
                .fetch_all(&self.db)
                .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.campaign_detail(&id, viewer).await?);
        }
        Ok(out)
    }

    /// One campaign with its terms, batch fill levels and polls (with the viewer's votes).
    pub async fn campaign_detail(
        &self,
        id: &str,
        viewer: Option<&Account>,
    ) -> Result<CampaignDetail, AppError> {
        let campaign = self.campaign(id).await?;
        let (reservation, earnest, cooling_off_hours): (i64, i64, i64) = sqlx::query_as(
            "SELECT reservation_fen, earnest_fen, cooling_off_hours FROM campaigns WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.db)
        .await?;
        let batches = sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT seq, cap, held FROM campaign_batches WHERE campaign_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.db)
        .await?
        .into_iter()
        .map(|(seq, cap, held)| BatchView {
            seq: seq as u32,
            cap,
            held,
        })
        .collect();
        let polls = self.polls(id, viewer).await?;
        let compiled = self
            .catalog_version(&campaign.car_line, campaign.catalog_version)
            .await?;
        let thresholds = self
            .thresholds(id, |option| {
                compiled
                    .catalog
                    .option(option)
                    .map(|(_, o)| o.name.clone())
                    .unwrap_or_else(|| Localized::new(option, option))
            })
            .await?;
        Ok(CampaignDetail {
            campaign,
            reservation: Money(reservation),
            earnest: Money(earnest),
            cooling_off_hours,
            batches,
            polls,
            thresholds,
        })
    }

    async fn polls(
        &self,
        campaign_id: &str,
        viewer: Option<&Account>,
    ) -> Result<Vec<PollView>, AppError> {
        let rows = sqlx::query(
            "SELECT id, question, choices, closes_at FROM polls WHERE campaign_id = $1 ORDER BY created_at, id",
        )
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        let mut polls = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id")?;
            let question: Localized = serde_json::from_str(&row.try_get::<String, _>("question")?)?;
            let choices: Vec<PollChoiceInput> =
                serde_json::from_str(&row.try_get::<String, _>("choices")?)?;
            let counts: Vec<(String, i64)> = sqlx::query_as(
                "SELECT choice, COUNT(*) FROM votes WHERE poll_id = $1 GROUP BY choice",
            )
            .bind(&id)
            .fetch_all(&self.db)
            .await?;
            let my_vote = match viewer {
                Some(account) => {
                    sqlx::query_scalar(
                        "SELECT choice FROM votes WHERE poll_id = $1 AND account_id = $2",
                    )
                    .bind(&id)
                    .bind(&account.id)
                    .fetch_optional(&self.db)
                    .await?
                }
                None => None,
            };
            polls.push(PollView {
                choices: choices
                    .into_iter()
                    .map(|c| PollChoice {
                        votes: counts
                            .iter()
                            .find(|(choice, _)| *choice == c.id)
                            .map_or(0, |(_, n)| *n),
                        id: c.id,
                        label: c.label,
                    })
                    .collect(),
                id,
                question,
                closes_at: row.try_get("closes_at")?,
                my_vote,
            });
        }
        Ok(polls)
    }

    /// Votes in a poll (or changes the vote) while it is open; answers the live results.
    pub async fn vote(
        &self,
        account: &Account,
        poll_id: &str,
        choice: &str,
    ) -> Result<PollView, AppError> {
        require_role(account, &[Role::Consumer], "vote")?;
        let row = sqlx::query("SELECT campaign_id, choices, closes_at FROM polls WHERE id = $1")
            .bind(poll_id)
            .fetch_optional(&self.db)
            .await?
            .ok_or_else(|| AppError::not_found(format!("poll {poll_id}")))?;
        let closes_at: i64 = row.try_get("closes_at")?;
        if now_ms() >= closes_at {
            return Err(AppError::PollClosed);
        }
        let choices: Vec<PollChoiceInput> =
            serde_json::from_str(&row.try_get::<String, _>("choices")?)?;
        if !choices.iter().any(|c| c.id == choice) {
            let ids: Vec<&str> = choices.iter().map(|c| c.id.as_str()).collect();
            return Err(AppError::invalid(
                "choice",
                format!(
                    "not a choice of this poll; choose one of {}",
                    ids.join(", ")
                ),
            ));
        }
        sqlx::query(
            "INSERT INTO votes (poll_id, account_id, choice, voted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (poll_id, account_id) DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at",
        )
        .bind(poll_id)
        .bind(&account.id)
        .bind(choice)
        .bind(now_ms())
        .execute(&self.db)
        .await?;
        let campaign_id: String = row.try_get("campaign_id")?;
        self.polls(&campaign_id, Some(account))
            .await?
            .into_iter()
            .find(|p| p.id == poll_id)
            .ok_or_else(|| AppError::not_found(format!("poll {poll_id}")))
    }

    /// Creates a campaign after validating every field (each refusal names the field and says
    /// what would be right).
    pub async fn create_campaign(
        &self,
        account: &Account,
        input: &CampaignInput,
    ) -> Result<CampaignDetail, AppError> {
        require_role(account, &[Role::Marketer, Role::Admin], "create campaigns")?;
        let now = now_ms();
        validate_id(&input.id)?;
        for (field, text) in [
            ("title.zh", &input.title.zh),
            ("title.en", &input.title.en),
            ("tagline.zh", &input.tagline.zh),
            ("tagline.en", &input.tagline.en),
        ] {
            if text.trim().is_empty() || text.chars().count() > 120 {
                return Err(AppError::invalid(field, "1 to 120 characters"));
            }
        }
        if !(input.warmup_at <= input.opens_at && input.opens_at < input.closes_at) {
            return Err(AppError::invalid(
                "opens_at",
                "the warm-up starts no later than the opening, which comes before the close",
            ));
        }
        if input.closes_at <= now {
            return Err(AppError::invalid(
                "closes_at",
                "the close must be in the future",
            ));
        }
        if input.batches.is_empty() || input.batches.len() > MAX_BATCHES {
            return Err(AppError::invalid(
                "batches",
                format!("1 to {MAX_BATCHES} batches"),
            ));
        }
        if let Some(i) = input
            .batches
            .iter()
            .position(|&cap| !(1..=MAX_BATCH_CAP).contains(&cap))
        {
            return Err(AppError::invalid(
                format!("batches[{i}]"),
                format!("a batch holds 1 to {MAX_BATCH_CAP} units"),
            ));
        }
        if input.reservation_fen <= 0 {
            return Err(AppError::invalid(
                "reservation_fen",
                "the reservation amount must be positive",
            ));
        }
        if input.earnest_fen <= 0 {
            return Err(AppError::invalid(
                "earnest_fen",
                "the earnest money must be positive",
            ));
        }
        if !(0..=MAX_COOLING_OFF_HOURS).contains(&input.cooling_off_hours) {
            return Err(AppError::invalid(
                "cooling_off_hours",
                format!("0 to {MAX_COOLING_OFF_HOURS} hours"),
            ));
        }
        let compiled = match input.catalog_version {
            Some(version) => self.catalog_version(&input.car_line, version).await,
            None => self.published_catalog(&input.car_line).await,
        }
        .map_err(|e| match e {
            AppError::NotFound { .. } | AppError::UnknownCarLine { .. } => AppError::invalid(
                "car_line",
                "no such car line with a published catalog (version)",
            ),
            other => other,
        })?;
        // The law caps earnest money at 20 % of the price; the cheapest default car decides.
        let catalog = &compiled.catalog;
        let defaults: Vec<&str> = catalog
            .groups
            .iter()
            .filter_map(|g| g.default.as_deref())
            .collect();
        let cheapest = [
            configurator::SalesMode::Lease,
            configurator::SalesMode::Purchase,
        ]
        .into_iter()
        .map(|mode| catalog.quote(&defaults, mode).total.0)
        .min()
        .unwrap_or(0);
        if input.earnest_fen * 100 > cheapest * EARNEST_MAX_PERCENT {
            return Err(AppError::invalid(
                "earnest_fen",
                format!(
                    "earnest money may be at most {EARNEST_MAX_PERCENT} % of the car's price: {} for a car from {}",
                    yuan(Money(cheapest * EARNEST_MAX_PERCENT / 100)),
                    yuan(Money(cheapest))
                ),
            ));
        }
        if input.polls.len() > MAX_POLLS {
            return Err(AppError::invalid(
                "polls",
                format!("at most {MAX_POLLS} polls"),
            ));
        }
        for (i, poll) in input.polls.iter().enumerate() {
            let field = |f: &str| format!("polls[{i}].{f}");
            if poll.question.zh.trim().is_empty() || poll.question.en.trim().is_empty() {
                return Err(AppError::invalid(
                    field("question"),
                    "ask the question in both languages",
                ));
            }
            if !(2..=10).contains(&poll.choices.len()) {
                return Err(AppError::invalid(field("choices"), "2 to 10 choices"));
            }
            let mut ids = std::collections::HashSet::new();
            for c in &poll.choices {
                if c.id.trim().is_empty() || !ids.insert(c.id.as_str()) {
                    return Err(AppError::invalid(
                        field("choices"),
                        "each choice needs its own id",
                    ));
                }
            }
            if poll.closes_at <= now || poll.closes_at > input.closes_at {
                return Err(AppError::invalid(
                    field("closes_at"),
                    "a poll closes in the future and no later than the campaign",
                ));
            }
        }

        if input.thresholds.len() > 20 {
            return Err(AppError::invalid("thresholds", "at most 20 thresholds"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in input.thresholds.iter().enumerate() {
            let field = |f: &str| format!("thresholds[{i}].{f}");
            if catalog.option(&t.option).is_none() {
                return Err(AppError::invalid(
                    field("option"),
                    "not an option of this car's catalog",
                ));
            }
            if !seen.insert(t.option.as_str()) {
                return Err(AppError::invalid(
                    field("option"),
                    "one threshold per option",
                ));
            }
            if !(1..=10_000_000).contains(&t.target) {
                return Err(AppError::invalid(
                    field("target"),
                    "1 to 10,000,000 reservations",
                ));
            }
            if t.deadline <= now || t.deadline > input.closes_at {
                return Err(AppError::invalid(
                    field("deadline"),
                    "in the future and no later than the campaign's close",
                ));
            }
        }
        let content = CampaignContent {
            title: input.title.clone(),
            tagline: input.tagline.clone(),
            facts: Vec::new(),
        };
        let mut tx = self.db.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO campaigns (id, car_line, catalog_version, content, warmup_at, opens_at, closes_at,
                 created_at, reservation_fen, earnest_fen, cooling_off_hours, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&input.id)
        .bind(&input.car_line)
        .bind(i64::from(catalog.version))
        .bind(serde_json::to_string(&content)?)
        .bind(input.warmup_at)
        .bind(input.opens_at)
        .bind(input.closes_at)
        .bind(now)
        .bind(input.reservation_fen)
        .bind(input.earnest_fen)
        .bind(input.cooling_off_hours)
        .bind(&account.id)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(AppError::invalid(
                "id",
                "a campaign with this id already exists",
            ));
        }
        for (i, cap) in input.batches.iter().enumerate() {
            sqlx::query(
                "INSERT INTO campaign_batches (campaign_id, seq, cap, held) VALUES ($1, $2, $3, 0)",
            )
            .bind(&input.id)
            .bind(i as i64 + 1)
            .bind(cap)
            .execute(&mut *tx)
            .await?;
        }
        for poll in &input.polls {
            sqlx::query(
                "INSERT INTO polls (id, campaign_id, question, choices, closes_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(format!("poll_{}", share_code::token(12)))
            .bind(&input.id)
            .bind(serde_json::to_string(&poll.question)?)
            .bind(serde_json::to_string(&poll.choices)?)
            .bind(poll.closes_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        Services::insert_thresholds(&mut tx, &input.id, &input.thresholds).await?;
        tx.commit().await?;
        tracing::info!(campaign = %input.id, by = %account.id, "campaign created");
        self.campaign_detail(&input.id, Some(account)).await
    }
}

fn validate_id(id: &str) -> Result<(), AppError> {
    let ok = (3..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "id",
            "3 to 40 lower-case letters, digits and dashes (e.g. xiaoman-autumn)",
        ))
    }
}
