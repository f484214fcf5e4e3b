//! The commerce side of campaigns: creating them with their terms, batches and polls (for
//! marketers), reading them with live fill levels and poll results, and voting.

use configurator::{Localized, Money};
use sqlx::{Any, Transaction};

use super::accounts::require_role;
use super::campaign_rules::{self, Stored};
use super::campaigns::CampaignContent;
use super::db::Json;
use super::{now_ms, share_code};
use models::error::AppError;
use models::{
    Account, BatchView, CampaignDetail, CampaignInput, PollChoice, PollChoiceInput, PollInput,
    PollView, Role, ThresholdStatus, ThresholdView,
};

/// A batch of a campaign.
#[derive(sqlx::FromRow)]
struct BatchRow {
    seq: i64,
    cap: i64,
    held: i64,
}

impl From<BatchRow> for BatchView {
    fn from(row: BatchRow) -> BatchView {
        BatchView {
            seq: row.seq as u32,
            cap: row.cap,
            held: row.held,
        }
    }
}

/// The columns of a [`PollRow`].
const POLL_COLUMNS: &str = "id, campaign_id, question, choices, closes_at";

/// A poll as stored.
#[derive(sqlx::FromRow)]
struct PollRow {
    id: String,
    campaign_id: String,
    question: Json<Localized>,
    choices: Json<Vec<PollChoiceInput>>,
    closes_at: i64,
}

impl crate::Campaigns<'_> {
    /// Every campaign, newest first, with terms, fill levels and polls.
    pub async fn list(self, viewer: Option<&Account>) -> Result<Vec<CampaignDetail>, AppError> {
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
        self,
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
        let batches = sqlx::query_as::<_, BatchRow>(
            "SELECT seq, cap, held FROM campaign_batches WHERE campaign_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.db)
        .await?
        .into_iter()
        .map(BatchView::from)
        .collect();
        let polls = self.polls(id, viewer).await?;
        let thresholds = self.campaign_thresholds(id).await?;
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

    /// A campaign's demand thresholds with live progress, named as its catalog names them.
    pub async fn campaign_thresholds(self, id: &str) -> Result<Vec<ThresholdView>, AppError> {
        let campaign = self.campaign(id).await?;
        let compiled = self
            .catalogs()
            .catalog_version(&campaign.car_line, campaign.catalog_version)
            .await?;
        self.thresholds(id, |option| {
            compiled
                .catalog
                .option(option)
                .map(|(_, o)| o.name.clone())
                .unwrap_or_else(|| Localized::new(option, option))
        })
        .await
    }

    pub(crate) async fn polls(
        self,
        campaign_id: &str,
        viewer: Option<&Account>,
    ) -> Result<Vec<PollView>, AppError> {
        let rows: Vec<PollRow> = sqlx::query_as(&format!(
            "SELECT {POLL_COLUMNS} FROM polls WHERE campaign_id = $1 ORDER BY created_at, id"
        ))
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        let mut polls = Vec::with_capacity(rows.len());
        for row in rows {
            let id = row.id;
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
                choices: row
                    .choices
                    .0
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
                question: row.question.0,
                closes_at: row.closes_at,
                my_vote,
            });
        }
        Ok(polls)
    }

    /// Votes in a poll (or changes the vote) while it is open; answers the live results.
    pub async fn vote(
        self,
        account: &Account,
        poll_id: &str,
        choice: &str,
    ) -> Result<PollView, AppError> {
        require_role(account, &[Role::Consumer], "vote")?;
        let poll: PollRow =
            sqlx::query_as(&format!("SELECT {POLL_COLUMNS} FROM polls WHERE id = $1"))
                .bind(poll_id)
                .fetch_optional(&self.db)
                .await?
                .ok_or_else(|| AppError::not_found(format!("poll {poll_id}")))?;
        if now_ms() >= poll.closes_at {
            return Err(AppError::PollClosed);
        }
        let Json(choices) = poll.choices;
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
        let campaign_id = poll.campaign_id;
        // A vote keeps the time and place it was first cast: they are where the voter counts.
        let mut tx = self.db.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO votes (poll_id, account_id, choice, voted_at, province, city)
             SELECT $1, $2, $3, $4, province, city FROM accounts WHERE id = $2
             ON CONFLICT (poll_id, account_id) DO NOTHING",
        )
        .bind(poll_id)
        .bind(&account.id)
        .bind(choice)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            self.demand()
                .vote_counted(&mut tx, &campaign_id, &account.id)
                .await?;
        } else {
            sqlx::query("UPDATE votes SET choice = $3 WHERE poll_id = $1 AND account_id = $2")
                .bind(poll_id)
                .bind(&account.id)
                .bind(choice)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.polls(&campaign_id, Some(account))
            .await?
            .into_iter()
            .find(|p| p.id == poll_id)
            .ok_or_else(|| AppError::not_found(format!("poll {poll_id}")))
    }

    /// Creates a campaign after validating every field (each refusal names the field and says
    /// what would be right).
    pub async fn create_campaign(
        self,
        account: &Account,
        input: &CampaignInput,
    ) -> Result<CampaignDetail, AppError> {
        require_role(account, &[Role::Marketer, Role::Admin], "create campaigns")?;
        let now = now_ms();
        let compiled = self
            .campaign_catalog(&input.car_line, input.catalog_version)
            .await?;
        campaign_rules::validate(input, &compiled.catalog, &Stored::default(), now)?;
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
        .bind(i64::from(compiled.catalog.version))
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
        write_batches(&mut tx, &input.id, &input.batches, &[]).await?;
        write_polls(&mut tx, &input.id, &input.polls, now).await?;
        crate::Campaigns::insert_thresholds(&mut tx, &input.id, &input.thresholds).await?;
        tx.commit().await?;
        tracing::info!(campaign = %input.id, by = %account.id, "campaign created");
        self.campaign_detail(&input.id, Some(account)).await
    }

    /// Edits campaign `id`: every field is re-validated, and against what the campaign already
    /// holds (see [`campaign_rules`]). Orders already placed keep the terms they were reserved
    /// under; the car line never changes, the catalog version only while nobody has reserved.
    pub async fn update_campaign(
        self,
        account: &Account,
        id: &str,
        input: &CampaignInput,
    ) -> Result<CampaignDetail, AppError> {
        require_role(account, &[Role::Marketer, Role::Admin], "edit campaigns")?;
        let now = now_ms();
        let current = self.campaign(id).await?;
        if input.id != current.id {
            return Err(AppError::invalid("id", "a campaign's id cannot change"));
        }
        if input.car_line != current.car_line {
            return Err(AppError::invalid(
                "car_line",
                "a campaign's car line cannot change; create a new campaign instead",
            ));
        }
        if current.closes_at <= now {
            return Err(AppError::invalid(
                "closes_at",
                "the campaign has closed and can no longer be edited",
            ));
        }
        let version = input.catalog_version.unwrap_or(current.catalog_version);
        if version != current.catalog_version {
            let orders: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE campaign_id = $1")
                    .bind(id)
                    .fetch_one(&self.db)
                    .await?;
            if orders > 0 {
                return Err(AppError::invalid(
                    "catalog_version",
                    format!(
                        "{orders} orders were placed on version {}; it cannot change",
                        current.catalog_version
                    ),
                ));
            }
        }
        let compiled = self
            .campaign_catalog(&input.car_line, Some(version))
            .await?;
        let stored = Stored::load(&self.db, id).await?;
        campaign_rules::validate(input, &compiled.catalog, &stored, now)?;

        // Read before the transaction: its first statement must write, so that SQLite takes
        // the write lock at once (waiting for it) instead of failing to upgrade a read lock
        // while reservations write. Only the title and tagline of the content change here.
        let Json(mut content): Json<CampaignContent> =
            sqlx::query_scalar("SELECT content FROM campaigns WHERE id = $1")
                .bind(id)
                .fetch_one(&self.db)
                .await?;
        content.title = input.title.clone();
        content.tagline = input.tagline.clone();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE campaigns SET catalog_version = $2, content = $3, warmup_at = $4, opens_at = $5,
                 closes_at = $6, reservation_fen = $7, earnest_fen = $8, cooling_off_hours = $9
              WHERE id = $1",
        )
        .bind(id)
        .bind(i64::from(version))
        .bind(serde_json::to_string(&content)?)
        .bind(input.warmup_at)
        .bind(input.opens_at)
        .bind(input.closes_at)
        .bind(input.reservation_fen)
        .bind(input.earnest_fen)
        .bind(input.cooling_off_hours)
        .execute(&mut *tx)
        .await?;
        write_batches(&mut tx, id, &input.batches, &stored.batches).await?;
        // Polls: edited in place, new ones added, the rest removed (only those without votes
        // pass validation; the conditions below hold even if a vote arrived meanwhile).
        for poll in input.polls.iter().filter(|p| p.id.is_some()) {
            sqlx::query(
                "UPDATE polls SET question = $2, choices = $3, closes_at = $4 WHERE id = $1",
            )
            .bind(poll.id.as_deref())
            .bind(serde_json::to_string(&poll.question)?)
            .bind(serde_json::to_string(&poll.choices)?)
            .bind(poll.closes_at)
            .execute(&mut *tx)
            .await?;
        }
        for gone in stored
            .polls
            .iter()
            .filter(|s| !input.polls.iter().any(|p| p.id.as_ref() == Some(&s.id)))
        {
            let deleted = sqlx::query(
                "DELETE FROM polls WHERE id = $1
                   AND NOT EXISTS (SELECT 1 FROM votes WHERE poll_id = $1)",
            )
            .bind(&gone.id)
            .execute(&mut *tx)
            .await?;
            if deleted.rows_affected() == 0 {
                return Err(AppError::invalid(
                    "polls",
                    format!(
                        "poll {} received votes meanwhile and cannot be removed",
                        gone.id
                    ),
                ));
            }
        }
        let new_polls: Vec<_> = input
            .polls
            .iter()
            .filter(|p| p.id.is_none())
            .cloned()
            .collect();
        write_polls(&mut tx, id, &new_polls, now).await?;
        // Thresholds: open ones change or go; decided ones passed validation unchanged.
        let mut added = Vec::new();
        for t in &input.thresholds {
            match stored.thresholds.iter().find(|s| s.option == t.option) {
                Some(s) if s.status == ThresholdStatus::Open => {
                    let changed = sqlx::query(
                        "UPDATE thresholds SET target = $3, deadline = $4
                          WHERE campaign_id = $1 AND option_id = $2 AND status = 'open'",
                    )
                    .bind(id)
                    .bind(&t.option)
                    .bind(t.target)
                    .bind(t.deadline)
                    .execute(&mut *tx)
                    .await?;
                    if changed.rows_affected() == 0 {
                        return Err(AppError::invalid(
                            "thresholds",
                            format!("the threshold for {} was decided meanwhile", t.option),
                        ));
                    }
                }
                Some(_) => {}
                None => added.push(t.clone()),
            }
        }
        for gone in stored
            .thresholds
            .iter()
            .filter(|s| !input.thresholds.iter().any(|t| t.option == s.option))
        {
            sqlx::query(
                "DELETE FROM thresholds WHERE campaign_id = $1 AND option_id = $2 AND status = 'open'",
            )
            .bind(id)
            .bind(&gone.option)
            .execute(&mut *tx)
            .await?;
        }
        crate::Campaigns::insert_thresholds(&mut tx, id, &added).await?;
        tx.commit().await?;
        tracing::info!(campaign = %id, by = %account.id, "campaign edited");
        self.campaign_detail(id, Some(account)).await
    }

    /// The catalog a campaign sells: the given version of `line`, or its published one.
    async fn campaign_catalog(
        self,
        line: &str,
        version: Option<u32>,
    ) -> Result<std::sync::Arc<super::CompiledCatalog>, AppError> {
        match version {
            Some(version) => self.catalogs().catalog_version(line, version).await,
            None => self.catalogs().published_catalog(line).await,
        }
        .map_err(|e| match e {
            AppError::NotFound { .. } | AppError::UnknownCarLine { .. } => AppError::invalid(
                "car_line",
                "no such car line with a published catalog (version)",
            ),
            other => other,
        })
    }
}

/// Sets the batch caps: existing batches take their new cap (never below the units held,
/// which the condition re-checks against concurrent reservations), new ones are added and
/// removed ones (holding nothing) deleted.
async fn write_batches(
    tx: &mut Transaction<'static, Any>,
    campaign_id: &str,
    caps: &[i64],
    stored: &[(i64, i64)],
) -> Result<(), AppError> {
    for (i, &cap) in caps.iter().enumerate() {
        let seq = i as i64 + 1;
        let written = if i < stored.len() {
            sqlx::query(
                "UPDATE campaign_batches SET cap = $3
                  WHERE campaign_id = $1 AND seq = $2 AND held <= $3",
            )
        } else {
            sqlx::query(
                "INSERT INTO campaign_batches (campaign_id, seq, cap, held) VALUES ($1, $2, $3, 0)",
            )
        }
        .bind(campaign_id)
        .bind(seq)
        .bind(cap)
        .execute(&mut **tx)
        .await?;
        if written.rows_affected() == 0 {
            return Err(AppError::invalid(
                format!("batches[{i}]"),
                "more units were reserved meanwhile than this cap allows",
            ));
        }
    }
    for seq in caps.len() + 1..=stored.len() {
        let deleted = sqlx::query(
            "DELETE FROM campaign_batches WHERE campaign_id = $1 AND seq = $2 AND held = 0",
        )
        .bind(campaign_id)
        .bind(seq as i64)
        .execute(&mut **tx)
        .await?;
        if deleted.rows_affected() == 0 {
            return Err(AppError::invalid(
                "batches",
                format!("batch {seq} received reservations meanwhile and cannot be removed"),
            ));
        }
    }
    Ok(())
}

async fn write_polls(
    tx: &mut Transaction<'static, Any>,
    campaign_id: &str,
    polls: &[PollInput],
    now: i64,
) -> Result<(), AppError> {
    for poll in polls {
        sqlx::query(
            "INSERT INTO polls (id, campaign_id, question, choices, closes_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(format!("poll_{}", share_code::token(12)))
        .bind(campaign_id)
        .bind(serde_json::to_string(&poll.question)?)
        .bind(serde_json::to_string(&poll.choices)?)
        .bind(poll.closes_at)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
