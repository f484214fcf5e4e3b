//! The read path: the dashboard's and the feed's figures, each a sum of released figures
//! (`demand_rollup` without a province filter, `demand_shown` with one), so no filter and no
//! difference of two filters can isolate a group the release suppressed.

use std::collections::BTreeMap;

use configurator::{Localized, SalesMode};
use demand::K;

use crate::accounts::require_role;
use crate::db::Json;
use models::error::AppError;
use models::geo;
use models::time::{iso_date, parse_iso_date};
use models::{
    Account, AuctionSummary, DayCounts, DemandCampaign, DemandFilter, DemandReport, FunnelStep,
    GroupRates, ModeSplit, OptionRate, PollCount, PollResult, Rate, RegionCount, Role, Signals,
    Stage, ThresholdProgress, TopConfiguration,
};

/// Who reads demand: an OEM member (or an admin) signed in, or an OEM's API token.
#[derive(Clone, Copy, Debug)]
pub enum Viewer<'a> {
    /// A signed-in account.
    Member(&'a Account),
    /// An API token of this organisation.
    Token(&'a str),
}

/// Threshold progress and poll counts are live counts over the orders and votes themselves
/// (a scan of a million orders takes a second); the dashboard reuses them for this long.
const COUNTS_TTL: std::time::Duration = std::time::Duration::from_secs(15);

/// Threshold and poll counts of one campaign, and when they were counted.
type Counted = (
    std::time::Instant,
    Vec<models::ThresholdView>,
    Vec<models::PollView>,
);

/// The dashboard's recent threshold and poll counts, per campaign.
#[derive(Default)]
pub struct CountCache(std::sync::Mutex<std::collections::HashMap<String, Counted>>);

/// How many complete configurations the report lists.
const TOP_CONFIGURATIONS: usize = 10;
/// How many cities the report lists.
const TOP_CITIES: usize = 30;

/// A filter as SQL: conditions and their parameters (all text or integer).
struct Sql {
    conditions: Vec<String>,
    params: Vec<Param>,
}

enum Param {
    Text(String),
    Int(i64),
}

impl Sql {
    fn new(campaign_id: &str) -> Sql {
        Sql {
            conditions: vec!["campaign_id = $1".into()],
            params: vec![Param::Text(campaign_id.into())],
        }
    }

    fn and(&mut self, column: &str, op: &str, param: Param) {
        self.params.push(param);
        self.conditions
            .push(format!("{column} {op} ${}", self.params.len()));
    }

    fn clause(&self) -> String {
        self.conditions.join(" AND ")
    }

    /// `sql` with the filter's parameters bound, read as rows of `T`.
    fn query_as<'q, T>(
        &'q self,
        sql: &'q str,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as(sql);
        for p in &self.params {
            query = match p {
                Param::Text(t) => query.bind(t.as_str()),
                Param::Int(i) => query.bind(*i),
            };
        }
        query
    }
}

/// A campaign as the demand pages list it: its title is read from the content leniently.
#[derive(sqlx::FromRow)]
struct DemandCampaignRow {
    id: String,
    car_line: String,
    content: Json<serde_json::Value>,
}

/// An auction of the car line with its bid counts.
#[derive(sqlx::FromRow)]
struct AuctionCountsRow {
    id: String,
    title: String,
    state: Json<models::AuctionState>,
    bids: i64,
    bidders: i64,
}

/// A filter checked and turned into days.
struct Normalised {
    filter: DemandFilter,
    from: Option<i64>,
    to: Option<i64>,
}

fn normalise(filter: &DemandFilter) -> Result<Normalised, AppError> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let day = |field: &str, v: &Option<String>| -> Result<Option<i64>, AppError> {
        match blank(v) {
            None => Ok(None),
            Some(text) => parse_iso_date(&text)
                .map(Some)
                .ok_or_else(|| AppError::invalid(field, "a date is written YYYY-MM-DD")),
        }
    };
    let (from, to) = (day("from", &filter.from)?, day("to", &filter.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::invalid(
                "to",
                "the last day comes before the first",
            ));
        }
    }
    let province = blank(&filter.province);
    if let Some(p) = &province {
        if geo::province(p).is_none() {
            return Err(AppError::invalid(
                "province",
                format!("`{p}` is not a province id"),
            ));
        }
    }
    Ok(Normalised {
        filter: DemandFilter {
            catalog_version: filter.catalog_version,
            from: from.map(iso_date),
            to: to.map(iso_date),
            sales_mode: filter.sales_mode,
            province,
        },
        from,
        to,
    })
}

/// Sums per stage, the signals of the report.
fn signals<T: Copy + Default + std::ops::Add<Output = T>>(
    by_stage: &BTreeMap<Stage, T>,
) -> Signals<T> {
    let of = |s: Stage| by_stage.get(&s).copied().unwrap_or_default();
    Signals {
        configured: of(Stage::Configured),
        reserved: of(Stage::Reserved) + of(Stage::Locked),
        locked: of(Stage::Locked),
    }
}

impl crate::Demand<'_> {
    /// The campaigns whose demand `viewer` may read.
    pub async fn demand_campaigns(
        self,
        viewer: Viewer<'_>,
    ) -> Result<Vec<DemandCampaign>, AppError> {
        let org = self.viewer_org(viewer)?;
        let rows: Vec<DemandCampaignRow> = sqlx::query_as(
            "SELECT c.id, c.car_line, c.content FROM campaigns c JOIN car_lines l ON l.id = c.car_line
              WHERE $1 = '*' OR l.org_id = $1 ORDER BY c.opens_at DESC, c.id",
        )
        .bind(org.unwrap_or("*"))
        .fetch_all(&self.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| DemandCampaign {
                id: row.id,
                title: serde_json::from_value(row.content.0["title"].clone()).unwrap_or_default(),
                car_line: row.car_line,
            })
            .collect())
    }

    /// The organisation a viewer reads for (`None`: every one, for an admin).
    fn viewer_org<'a>(self, viewer: Viewer<'a>) -> Result<Option<&'a str>, AppError> {
        match viewer {
            Viewer::Token(org) => Ok(Some(org)),
            Viewer::Member(account) => {
                require_role(account, &[Role::Oem, Role::Admin], "read demand")?;
                match account.role {
                    Role::Admin => Ok(None),
                    _ => account
                        .org_id
                        .as_deref()
                        .map(Some)
                        .ok_or(AppError::Forbidden {
                            message: "this account belongs to no OEM".into(),
                        }),
                }
            }
        }
    }

    /// The campaign of a report, if `viewer` may read it: another OEM's campaign is not found,
    /// exactly like one that does not exist.
    async fn readable_campaign(
        self,
        viewer: Viewer<'_>,
        campaign_id: &str,
    ) -> Result<DemandCampaign, AppError> {
        let org = self.viewer_org(viewer)?;
        let not_found = || AppError::not_found(format!("campaign {campaign_id}"));
        let owner: Option<Option<String>> = sqlx::query_scalar(
            "SELECT l.org_id FROM campaigns c JOIN car_lines l ON l.id = c.car_line WHERE c.id = $1",
        )
        .bind(campaign_id)
        .fetch_optional(&self.db)
        .await?;
        let owner = owner.ok_or_else(not_found)?;
        if let Some(org) = org {
            if owner.as_deref() != Some(org) {
                return Err(not_found());
            }
        }
        self.demand_campaigns(Viewer::Token(owner.as_deref().unwrap_or("")))
            .await
            .ok()
            .and_then(|all| all.into_iter().find(|c| c.id == campaign_id))
            .ok_or_else(not_found)
    }

    /// The demand report of a campaign under a filter.
    pub async fn demand_report(
        self,
        viewer: Viewer<'_>,
        campaign_id: &str,
        filter: &DemandFilter,
    ) -> Result<DemandReport, AppError> {
        let campaign = self.readable_campaign(viewer, campaign_id).await?;
        let wanted = normalise(filter)?;
        let detail = self.campaigns().campaign(campaign_id).await?;
        let compiled = match filter.catalog_version {
            Some(v) => self
                .catalogs()
                .catalog_version(&detail.car_line, v)
                .await
                .map_err(|_| {
                    AppError::invalid(
                        "catalog_version",
                        format!("the car line has no catalog version {v}"),
                    )
                })?,
            None => {
                self.catalogs()
                    .catalog_version(&detail.car_line, detail.catalog_version)
                    .await?
            }
        };
        let k = {
            let mut tx = self.db.begin().await?;
            let k = self.k_of_line(&mut tx, &detail.car_line).await?;
            tx.rollback().await?;
            k
        };

        // The filter, once with the province (for demand_shown) and once without.
        let mut all = Sql::new(campaign_id);
        if let Some(v) = filter.catalog_version {
            all.and("catalog_version", "=", Param::Int(i64::from(v)));
        }
        if let Some(from) = wanted.from {
            all.and("day", ">=", Param::Int(from));
        }
        if let Some(to) = wanted.to {
            all.and("day", "<=", Param::Int(to));
        }
        if let Some(mode) = wanted.filter.sales_mode {
            all.and("sales_mode", "=", Param::Text(mode.as_str().into()));
        }
        let everywhere = Sql {
            conditions: all.conditions.clone(),
            params: all
                .params
                .iter()
                .map(|p| match p {
                    Param::Text(t) => Param::Text(t.clone()),
                    Param::Int(i) => Param::Int(*i),
                })
                .collect(),
        };
        let (table, filtered) = match &wanted.filter.province {
            Some(p) => {
                all.and("province", "=", Param::Text(p.clone()));
                ("demand_shown", all)
            }
            None => ("demand_rollup", all),
        };
        let clause = filtered.clause();

        // People per stage, day and sales mode: the funnel, its trend and the mode split.
        let sql = format!(
            "SELECT stage, day, sales_mode, CAST(SUM(n) AS BIGINT) AS n FROM {table}
              WHERE {clause} AND kind = 'people' GROUP BY stage, day, sales_mode"
        );
        let mut funnel: BTreeMap<Stage, u64> = BTreeMap::new();
        let mut by_day: BTreeMap<i64, BTreeMap<Stage, u64>> = BTreeMap::new();
        let mut by_mode: BTreeMap<String, BTreeMap<Stage, u64>> = BTreeMap::new();
        for (stage, day, mode, n) in filtered
            .query_as::<(Stage, i64, String, i64)>(&sql)
            .fetch_all(&self.db)
            .await?
        {
            let n = n.max(0) as u64;
            *funnel.entry(stage).or_default() += n;
            *by_day.entry(day).or_default().entry(stage).or_default() += n;
            if !mode.is_empty() {
                *by_mode.entry(mode).or_default().entry(stage).or_default() += n;
            }
        }
        let total = signals(&funnel);
        let voted = funnel.get(&Stage::Voted).copied().unwrap_or(0);
        let funnel = vec![
            FunnelStep {
                stage: Stage::Configured,
                people: Some(total.configured),
            },
            FunnelStep {
                stage: Stage::Voted,
                people: wanted.filter.sales_mode.is_none().then_some(voted),
            },
            FunnelStep {
                stage: Stage::Reserved,
                people: Some(total.reserved),
            },
            FunnelStep {
                stage: Stage::Locked,
                people: Some(total.locked),
            },
            // Balance payments open at delivery, after the pre-sale: none are counted yet.
            FunnelStep {
                stage: Stage::Paid,
                people: Some(0),
            },
        ];
        let trend = by_day
            .iter()
            .map(|(day, stages)| {
                let s = signals(stages);
                DayCounts {
                    date: iso_date(*day),
                    configured: s.configured,
                    voted: stages.get(&Stage::Voted).copied().unwrap_or(0),
                    reserved: s.reserved,
                    locked: s.locked,
                }
            })
            .collect();
        let modes = SalesMode::ALL
            .into_iter()
            .filter(|m| wanted.filter.sales_mode.is_none_or(|w| w == *m))
            .map(|mode| ModeSplit {
                mode,
                people: by_mode.get(mode.as_str()).map(signals).unwrap_or_default(),
            })
            .collect();

        // Take rates.
        let sql = format!(
            "SELECT stage, item, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(base) AS BIGINT) AS base FROM {table}
              WHERE {clause} AND kind = 'option' GROUP BY stage, item"
        );
        let mut rates: BTreeMap<String, BTreeMap<Stage, Rate>> = BTreeMap::new();
        for (stage, item, n, base) in filtered
            .query_as::<(Stage, String, i64, i64)>(&sql)
            .fetch_all(&self.db)
            .await?
        {
            let rate = Rate {
                n: n.max(0) as u64,
                base: base.max(0) as u64,
            };
            rates.entry(item).or_default().insert(stage, rate);
        }
        let groups = compiled
            .catalog
            .groups
            .iter()
            .map(|g| {
                let options: Vec<OptionRate> = g
                    .options
                    .iter()
                    .map(|o| OptionRate {
                        id: o.id.clone(),
                        name: o.name.clone(),
                        rate: rates.get(&o.id).map(signals).unwrap_or_default(),
                    })
                    .collect();
                let taken_per_mille = g.cardinality.is_exclusive().then(|| {
                    let sum = |f: fn(&Signals<Rate>) -> Rate| {
                        options
                            .iter()
                            .map(|o| f(&o.rate).per_mille())
                            .sum::<u64>()
                            .min(1000)
                    };
                    Signals {
                        configured: sum(|s| s.configured),
                        reserved: sum(|s| s.reserved),
                        locked: sum(|s| s.locked),
                    }
                });
                GroupRates {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    cardinality: g.cardinality,
                    taken_per_mille,
                    options,
                }
            })
            .collect();

        // Complete configurations.
        let sql = format!(
            "SELECT stage, item, CAST(SUM(n) AS BIGINT) AS n FROM {table}
              WHERE {clause} AND kind = 'config' GROUP BY stage, item"
        );
        let mut configs: BTreeMap<String, BTreeMap<Stage, u64>> = BTreeMap::new();
        for (stage, item, n) in filtered
            .query_as::<(Stage, String, i64)>(&sql)
            .fetch_all(&self.db)
            .await?
        {
            *configs.entry(item).or_default().entry(stage).or_default() += n.max(0) as u64;
        }
        let mut top: Vec<(String, Signals<u64>)> = configs
            .iter()
            .map(|(key, stages)| (key.clone(), signals(stages)))
            .filter(|(_, s)| s.reserved > 0 || s.configured > 0)
            .collect();
        top.sort_by(|a, b| {
            (b.1.reserved, b.1.configured, &a.0).cmp(&(a.1.reserved, a.1.configured, &b.0))
        });
        let name_of = |id: &str| {
            compiled
                .catalog
                .option(id)
                .map(|(_, o)| o.name.clone())
                .unwrap_or_else(|| Localized::new(id, id))
        };
        let top_configurations = top
            .into_iter()
            .take(TOP_CONFIGURATIONS)
            .map(|(key, people)| {
                let options: Vec<String> = key.split('+').map(str::to_string).collect();
                TopConfiguration {
                    names: options.iter().map(|o| name_of(o)).collect(),
                    options,
                    people,
                }
            })
            .collect();

        // Provinces (every one, whatever the province filter) and cities.
        let sql = format!(
            "SELECT province, stage, CAST(SUM(n) AS BIGINT) AS n FROM demand_shown
              WHERE {} AND kind = 'people' GROUP BY province, stage",
            everywhere.clause()
        );
        let mut provinces: BTreeMap<String, BTreeMap<Stage, u64>> = BTreeMap::new();
        for (province, stage, n) in everywhere
            .query_as::<(String, Stage, i64)>(&sql)
            .fetch_all(&self.db)
            .await?
        {
            *provinces
                .entry(province)
                .or_default()
                .entry(stage)
                .or_default() += n.max(0) as u64;
        }
        let mut provinces: Vec<RegionCount> = provinces
            .iter()
            .map(|(p, stages)| RegionCount {
                province: p.clone(),
                city: String::new(),
                people: signals(stages),
            })
            .filter(|r| r.people != Signals::default())
            .collect();
        provinces.sort_by(|a, b| {
            (b.people.reserved, b.people.configured, &a.province).cmp(&(
                a.people.reserved,
                a.people.configured,
                &b.province,
            ))
        });

        let sql = format!(
            "SELECT province, item, stage, CAST(SUM(n) AS BIGINT) AS n FROM demand_shown
              WHERE {clause} AND kind = 'city' GROUP BY province, item, stage"
        );
        let mut cities: BTreeMap<(String, String), BTreeMap<Stage, u64>> = BTreeMap::new();
        for (province, city, stage, n) in filtered
            .query_as::<(String, String, Stage, i64)>(&sql)
            .fetch_all(&self.db)
            .await?
        {
            *cities
                .entry((province, city))
                .or_default()
                .entry(stage)
                .or_default() += n.max(0) as u64;
        }
        let mut cities: Vec<RegionCount> = cities
            .iter()
            .map(|((p, c), stages)| RegionCount {
                province: p.clone(),
                city: c.clone(),
                people: signals(stages),
            })
            .filter(|r| r.people != Signals::default())
            .collect();
        cities.sort_by(|a, b| {
            (b.people.reserved, b.people.configured, &a.city).cmp(&(
                a.people.reserved,
                a.people.configured,
                &b.city,
            ))
        });
        cities.truncate(TOP_CITIES);

        let versions: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT catalog_version FROM demand_rollup WHERE campaign_id = $1 ORDER BY catalog_version",
        )
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        let span: (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT MIN(day), MAX(day) FROM demand_rollup WHERE campaign_id = $1 AND kind = 'people' AND n > 0",
        )
        .bind(campaign_id)
        .fetch_one(&self.db)
        .await?;

        Ok(DemandReport {
            campaign,
            k: k.get(),
            filter: wanted.filter,
            versions: versions.into_iter().map(|v| v as u32).collect(),
            span: match span {
                (Some(a), Some(b)) => Some((iso_date(a), iso_date(b))),
                _ => None,
            },
            funnel,
            trend,
            modes,
            groups,
            provinces,
            cities,
            top_configurations,
            polls: self.demand_polls(campaign_id, k).await?,
            thresholds: self.demand_thresholds(campaign_id, k).await?,
            auctions: self.demand_auctions(&detail.car_line, k).await?,
        })
    }

    /// Poll results with every choice of fewer than K voters suppressed (as a partition: the
    /// suppressed choices together are never fewer than K either).
    /// The live threshold and poll counts of a campaign, at most [`COUNTS_TTL`] old.
    async fn recent_counts(
        self,
        campaign_id: &str,
    ) -> Result<(Vec<models::ThresholdView>, Vec<models::PollView>), AppError> {
        let fresh = |at: &std::time::Instant| at.elapsed() < COUNTS_TTL;
        if let Ok(cache) = self.demand_counts.0.lock() {
            if let Some((at, thresholds, polls)) = cache.get(campaign_id) {
                if fresh(at) {
                    return Ok((thresholds.clone(), polls.clone()));
                }
            }
        }
        let thresholds = self.campaigns().campaign_thresholds(campaign_id).await?;
        let polls = self.campaigns().polls(campaign_id, None).await?;
        if let Ok(mut cache) = self.demand_counts.0.lock() {
            cache.insert(
                campaign_id.to_string(),
                (std::time::Instant::now(), thresholds.clone(), polls.clone()),
            );
        }
        Ok((thresholds, polls))
    }

    async fn demand_polls(self, campaign_id: &str, k: K) -> Result<Vec<PollResult>, AppError> {
        let polls = self.recent_counts(campaign_id).await?.1;
        Ok(polls
            .into_iter()
            .map(|poll| {
                let counts: Vec<u64> = poll.choices.iter().map(|c| c.votes.max(0) as u64).collect();
                let shown = demand::suppress(&counts, k);
                let total: u64 = counts.iter().sum();
                PollResult {
                    id: poll.id,
                    question: poll.question,
                    closes_at: poll.closes_at,
                    total: k.allows(total).then_some(total),
                    choices: poll
                        .choices
                        .into_iter()
                        .zip(counts.iter().zip(shown))
                        .map(|(c, (&n, show))| PollCount {
                            id: c.id,
                            label: c.label,
                            votes: (show && k.allows(total)).then_some(n),
                        })
                        .collect(),
                }
            })
            .collect())
    }

    async fn demand_thresholds(
        self,
        campaign_id: &str,
        k: K,
    ) -> Result<Vec<ThresholdProgress>, AppError> {
        Ok(self
            .recent_counts(campaign_id)
            .await?
            .0
            .into_iter()
            .map(|t| {
                let reached = t.reached.max(0) as u64;
                ThresholdProgress {
                    option: t.option,
                    name: t.name,
                    target: t.target.max(0) as u64,
                    reached: k.allows(reached).then_some(reached),
                    status: t.status,
                    deadline: t.deadline,
                }
            })
            .collect())
    }

    async fn demand_auctions(self, car_line: &str, k: K) -> Result<Vec<AuctionSummary>, AppError> {
        let rows: Vec<AuctionCountsRow> = sqlx::query_as(
            "SELECT a.id, a.title, a.state,
                    (SELECT COUNT(*) FROM auction_bids b WHERE b.auction_id = a.id) AS bids,
                    (SELECT COUNT(DISTINCT b.account_id) FROM auction_bids b WHERE b.auction_id = a.id) AS bidders
               FROM auctions a WHERE a.car_line = $1 ORDER BY a.starts_at, a.id",
        )
        .bind(car_line)
        .fetch_all(&self.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let Json(state) = row.state;
                let bidders = row.bidders.max(0) as u64;
                AuctionSummary {
                    id: row.id,
                    title: row.title,
                    phase: state.phase,
                    bids: row.bids.max(0) as u64,
                    bidders: k.allows(bidders).then_some(bidders),
                    price_fen: state.current_fen.unwrap_or(0),
                }
            })
            .collect())
    }
}
