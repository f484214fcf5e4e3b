//! The rules a campaign's fields obey, for creation and for editing. An edit is checked against
//! what the campaign already holds: units taken, votes cast and thresholds decided cannot be
//! undone, so a batch never shrinks below its held units, a poll with votes keeps its choices,
//! and a decided threshold stays as it was decided.

use std::collections::HashSet;

use configurator::{Catalog, Money, SalesMode};

use super::db::Json;
use super::orders::EARNEST_MAX_PERCENT;
use super::Db;
use models::error::AppError;
use models::{CampaignInput, ThresholdStatus};

const MAX_BATCHES: usize = 20;
const MAX_BATCH_CAP: i64 = 1_000_000;
const MAX_COOLING_OFF_HOURS: i64 = 30 * 24;
const MAX_POLLS: usize = 10;
const MAX_THRESHOLDS: usize = 20;

/// What a campaign already holds; empty for a new campaign.
#[derive(Debug, Default)]
pub(super) struct Stored {
    /// `(cap, held)` of each batch, in order.
    pub batches: Vec<(i64, i64)>,
    /// The polls.
    pub polls: Vec<StoredPoll>,
    /// The thresholds.
    pub thresholds: Vec<StoredThreshold>,
}

/// A poll as stored, with the number of votes cast.
#[derive(Debug)]
pub(super) struct StoredPoll {
    pub id: String,
    pub choice_ids: Vec<String>,
    pub closes_at: i64,
    pub votes: i64,
}

/// A threshold as stored.
#[derive(Debug)]
pub(super) struct StoredThreshold {
    pub option: String,
    pub target: i64,
    pub deadline: i64,
    pub status: ThresholdStatus,
}

impl Stored {
    /// Reads what campaign `id` holds.
    pub async fn load(db: &Db, id: &str) -> Result<Stored, AppError> {
        let batches = sqlx::query_as::<_, (i64, i64)>(
            "SELECT cap, held FROM campaign_batches WHERE campaign_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let polls = sqlx::query_as::<_, (String, Json<Vec<models::PollChoiceInput>>, i64, i64)>(
            "SELECT p.id, p.choices, p.closes_at,
                    (SELECT COUNT(*) FROM votes v WHERE v.poll_id = p.id) AS votes
               FROM polls p WHERE p.campaign_id = $1 ORDER BY p.created_at, p.id",
        )
        .bind(id)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|(id, Json(choices), closes_at, votes)| StoredPoll {
            id,
            choice_ids: choices.into_iter().map(|c| c.id).collect(),
            closes_at,
            votes,
        })
        .collect();
        let thresholds = sqlx::query_as::<_, (String, i64, i64, ThresholdStatus)>(
            "SELECT option_id, target, deadline, status FROM thresholds WHERE campaign_id = $1",
        )
        .bind(id)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|(option, target, deadline, status)| StoredThreshold {
            option,
            target,
            deadline,
            status,
        })
        .collect();
        Ok(Stored {
            batches,
            polls,
            thresholds,
        })
    }

    fn poll(&self, id: &str) -> Option<&StoredPoll> {
        self.polls.iter().find(|p| p.id == id)
    }

    fn threshold(&self, option: &str) -> Option<&StoredThreshold> {
        self.thresholds.iter().find(|t| t.option == option)
    }
}

/// Checks every field of `input` against `catalog` and what the campaign already holds. Each
/// refusal names the field and says what would be right. Times that are kept as stored are
/// not required to lie in the future (a poll that closed yesterday may stay as it is).
pub(super) fn validate(
    input: &CampaignInput,
    catalog: &Catalog,
    stored: &Stored,
    now: i64,
) -> Result<(), AppError> {
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
    validate_batches(&input.batches, &stored.batches)?;
    validate_money(input, catalog)?;
    validate_polls(input, stored, now)?;
    validate_thresholds(input, catalog, stored, now)
}

fn validate_batches(caps: &[i64], stored: &[(i64, i64)]) -> Result<(), AppError> {
    if caps.is_empty() || caps.len() > MAX_BATCHES {
        return Err(AppError::invalid(
            "batches",
            format!("1 to {MAX_BATCHES} batches"),
        ));
    }
    if let Some(i) = caps
        .iter()
        .position(|&cap| !(1..=MAX_BATCH_CAP).contains(&cap))
    {
        return Err(AppError::invalid(
            format!("batches[{i}]"),
            format!("a batch holds 1 to {MAX_BATCH_CAP} units"),
        ));
    }
    for (i, &(_, held)) in stored.iter().enumerate() {
        match caps.get(i) {
            Some(&cap) if cap < held => {
                return Err(AppError::invalid(
                    format!("batches[{i}]"),
                    format!(
                    "{held} units of this batch are already reserved; the cap cannot go below that"
                ),
                ))
            }
            None if held > 0 => {
                return Err(AppError::invalid(
                    "batches",
                    format!(
                        "batch {} holds {held} reservations and cannot be removed",
                        i + 1
                    ),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn validate_money(input: &CampaignInput, catalog: &Catalog) -> Result<(), AppError> {
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
    // The law caps earnest money at 20 % of the price; the cheapest default car decides.
    let defaults: Vec<&str> = catalog
        .groups
        .iter()
        .filter_map(|g| g.default.as_deref())
        .collect();
    let cheapest = [SalesMode::Lease, SalesMode::Purchase]
        .into_iter()
        .map(|mode| catalog.quote(&defaults, mode).total.0)
        .min()
        .unwrap_or(0);
    // Checked: the earnest money is the marketer's input, `* 100` of it could overflow.
    let cap = Money(cheapest)
        .percent(EARNEST_MAX_PERCENT)
        .unwrap_or_default();
    if Money(input.earnest_fen) > cap {
        return Err(AppError::invalid(
            "earnest_fen",
            format!(
                "earnest money may be at most {EARNEST_MAX_PERCENT} % of the car's price: {} for a car from {}",
                cap.yuan_exact(),
                Money(cheapest).yuan_exact()
            ),
        ));
    }
    Ok(())
}

fn validate_polls(input: &CampaignInput, stored: &Stored, now: i64) -> Result<(), AppError> {
    if input.polls.len() > MAX_POLLS {
        return Err(AppError::invalid(
            "polls",
            format!("at most {MAX_POLLS} polls"),
        ));
    }
    for (i, poll) in input.polls.iter().enumerate() {
        let field = |f: &str| format!("polls[{i}].{f}");
        let before = match &poll.id {
            Some(id) => Some(stored.poll(id).ok_or_else(|| {
                AppError::invalid(
                    field("id"),
                    "not a poll of this campaign; leave the id out for a new poll",
                )
            })?),
            None => None,
        };
        if poll.question.zh.trim().is_empty() || poll.question.en.trim().is_empty() {
            return Err(AppError::invalid(
                field("question"),
                "ask the question in both languages",
            ));
        }
        if !(2..=10).contains(&poll.choices.len()) {
            return Err(AppError::invalid(field("choices"), "2 to 10 choices"));
        }
        let mut ids = HashSet::new();
        for c in &poll.choices {
            if c.id.trim().is_empty() || !ids.insert(c.id.as_str()) {
                return Err(AppError::invalid(
                    field("choices"),
                    "each choice needs its own id",
                ));
            }
        }
        if let Some(before) = before.filter(|b| b.votes > 0) {
            if !before
                .choice_ids
                .iter()
                .eq(poll.choices.iter().map(|c| &c.id))
            {
                return Err(AppError::invalid(
                    field("choices"),
                    format!(
                        "{} votes are cast: the choices can be renamed but not added, removed or reordered",
                        before.votes
                    ),
                ));
            }
        }
        let kept = before.is_some_and(|b| b.closes_at == poll.closes_at);
        if (!kept && poll.closes_at <= now) || poll.closes_at > input.closes_at {
            return Err(AppError::invalid(
                field("closes_at"),
                "a poll closes in the future and no later than the campaign",
            ));
        }
    }
    if let Some(dropped) = stored
        .polls
        .iter()
        .find(|p| p.votes > 0 && !input.polls.iter().any(|q| q.id.as_ref() == Some(&p.id)))
    {
        return Err(AppError::invalid(
            "polls",
            format!(
                "poll {} has {} votes and cannot be removed",
                dropped.id, dropped.votes
            ),
        ));
    }
    Ok(())
}

fn validate_thresholds(
    input: &CampaignInput,
    catalog: &Catalog,
    stored: &Stored,
    now: i64,
) -> Result<(), AppError> {
    if input.thresholds.len() > MAX_THRESHOLDS {
        return Err(AppError::invalid(
            "thresholds",
            format!("at most {MAX_THRESHOLDS} thresholds"),
        ));
    }
    let mut seen = HashSet::new();
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
        let before = stored.threshold(&t.option);
        if let Some(decided) = before.filter(|b| b.status != ThresholdStatus::Open) {
            if decided.target != t.target || decided.deadline != t.deadline {
                return Err(AppError::invalid(
                    field("option"),
                    format!(
                        "this threshold was decided ({}) and cannot change",
                        decided.status
                    ),
                ));
            }
            continue;
        }
        if !(1..=10_000_000).contains(&t.target) {
            return Err(AppError::invalid(
                field("target"),
                "1 to 10,000,000 reservations",
            ));
        }
        let kept = before.is_some_and(|b| b.deadline == t.deadline);
        if (!kept && t.deadline <= now) || t.deadline > input.closes_at {
            return Err(AppError::invalid(
                field("deadline"),
                "in the future and no later than the campaign's close",
            ));
        }
    }
    if let Some(decided) = stored
        .thresholds
        .iter()
        .find(|t| t.status != ThresholdStatus::Open && !seen.contains(t.option.as_str()))
    {
        return Err(AppError::invalid(
            "thresholds",
            format!(
                "the threshold for {} was decided ({}) and cannot be removed",
                decided.option, decided.status
            ),
        ));
    }
    Ok(())
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
