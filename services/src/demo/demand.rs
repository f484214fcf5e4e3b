//! Realistic demand for a campaign, for the demo and for benchmarks: provinces weighted like a
//! national launch, a daily curve with a launch spike, and an option mix drawn from
//! preferences and checked by the engine (every generated car is a valid, complete, priced
//! configuration). The rows go in by bulk insert; the cells are then rebuilt by a recount.

use std::collections::BTreeMap;
use std::time::Instant;

use configurator::{Cardinality, Choice};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::Json;
use crate::now_ms;
use models::error::AppError;
use models::geo::PROVINCES;
use models::OrderStatus;

use models::time::DAY_MS;
use models::time::HOUR_MS;
/// How many cars are drawn from the preferences (the distinct configurations, at most).
const CARS: usize = 400;

/// How much demand to generate.
#[derive(Clone, Debug)]
pub struct DemandPlan {
    /// Reservations (one new consumer account each; about 28 % of them locked).
    pub reservations: u64,
    /// Saved configurations in all: one per reservation, the rest anonymous.
    pub configurations: u64,
    /// Of the reserving consumers, how many voted.
    pub voters: u64,
    /// The random seed (the same seed, the same demand).
    pub seed: u64,
}

impl DemandPlan {
    /// `reservations` with the product's usual proportions: three saved configurations per
    /// reservation, half of the reserving consumers voting.
    pub fn reservations(reservations: u64) -> DemandPlan {
        DemandPlan {
            reservations,
            configurations: reservations * 3,
            voters: reservations / 2,
            seed: 2026,
        }
    }
}

/// What was generated, and how long it took.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    /// Rows written per table.
    pub rows: BTreeMap<&'static str, u64>,
    /// Distinct complete configurations drawn from.
    pub distinct_configurations: usize,
    /// Milliseconds spent writing rows.
    pub insert_ms: u128,
    /// Milliseconds the full recount and rebuild of the cells took.
    pub recount_ms: u128,
    /// Cells after the rebuild.
    pub cells: usize,
}

/// How much people like an option, relative to the others of its group (1 if unlisted). For
/// an any-group option: the chance in per cent that a person takes it.
fn preference(option: &str) -> u32 {
    match option {
        "lease" => 62,
        "purchase" => 38,
        "pack_std" => 55,
        "pack_long" => 40,
        "pack_fixed" => 5,
        "cloud_white" => 34,
        "ink_black" => 22,
        "sand_gold" => 18,
        "sky_blue" => 16,
        "matte_grey" => 10,
        "standard" => 64,
        "sport" => 36,
        "wheels_17" => 40,
        "wheels_18" => 42,
        "wheels_19" => 18,
        "interior_base" => 30,
        "interior_comfort" => 50,
        "interior_premium" => 20,
        "solid_roof" => 55,
        "glass_roof" => 45,
        "winter_pack" => 24,
        "assist_pack" => 46,
        "sound_pack" => 18,
        "tow_hitch" => 6,
        "v2l_adapter" => 21,
        "wallbox" => 58,
        "roof_rack" => 9,
        "bike_carrier" => 4,
        "floor_mats" => 71,
        _ => 1,
    }
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum::<u32>().max(1);
    let mut pick = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if pick < w {
            return item;
        }
        pick -= w;
    }
    &items[items.len() - 1]
}

/// A generated car: its options, sales mode and price.
struct Car {
    selections: Vec<String>,
    mode: String,
    total_fen: i64,
    price: String,
}

/// Rows waiting for one multi-row insert.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

enum Value {
    Text(String),
    Int(i64),
    /// A NULL text (PostgreSQL types a NULL parameter by its Rust type).
    Null,
    /// A NULL integer.
    NullInt,
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Batch {
        Batch {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// Writes the rows in statements of a few hundred rows each: large enough to save round
    /// trips, small enough that binding and planning them stays cheap.
    async fn flush(
        &mut self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        counts: &mut BTreeMap<&'static str, u64>,
    ) -> Result<(), AppError> {
        let width = self.columns.len();
        let per_statement = (2_000 / width).max(1);
        for chunk in self.rows.chunks(per_statement) {
            let mut sql = format!(
                "INSERT INTO {} ({}) VALUES ",
                self.table,
                self.columns.join(", ")
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                let params: Vec<String> =
                    (1..=width).map(|p| format!("${}", i * width + p)).collect();
                sql.push_str(&format!("({})", params.join(", ")));
            }
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    query = match value {
                        Value::Text(t) => query.bind(t.as_str()),
                        Value::Int(i) => query.bind(*i),
                        Value::Null => query.bind(None::<String>),
                        Value::NullInt => query.bind(None::<i64>),
                    };
                }
            }
            query.execute(&mut **tx).await?;
        }
        *counts.entry(self.table).or_default() += self.rows.len() as u64;
        self.rows.clear();
        Ok(())
    }
}

impl crate::Demand<'_> {
    /// Generates `plan`'s demand for a campaign and rebuilds its cells. Adds a batch when the
    /// campaign's caps cannot hold the reservations (no batch is ever oversold).
    pub async fn generate_demand(
        self,
        campaign_id: &str,
        plan: &DemandPlan,
    ) -> Result<Generated, AppError> {
        let crate::orders::Terms {
            car_line: line,
            catalog_version: version,
            opens_at,
            closes_at,
            reservation_fen,
            earnest_fen,
            ..
        } = self.orders().terms(campaign_id).await?;
        let compiled = self
            .catalogs()
            .catalog_version(&line, version as u32)
            .await?;
        let mut rng = StdRng::seed_from_u64(plan.seed);

        // A pool of cars with how often they come up: preferences, checked by the engine.
        let mut pool: BTreeMap<Vec<String>, (u32, Car)> = BTreeMap::new();
        {
            let mut engine = compiled.engine();
            for _ in 0..CARS {
                let mut choices: Vec<Choice> = Vec::new();
                let mut groups: Vec<&configurator::Group> =
                    compiled.catalog.groups.iter().collect();
                // The sales mode first (people decide how to pay early), the rest in any order.
                groups.sort_by_key(|g| (g.id != "sales_mode", rng.random_range(0..1000u32)));
                for group in groups {
                    let wanted: Vec<&str> = match group.cardinality {
                        Cardinality::Any => group
                            .options
                            .iter()
                            .filter(|o| rng.random_range(0..100) < preference(&o.id))
                            .map(|o| o.id.as_str())
                            .collect(),
                        _ => vec![weighted(&mut rng, &group.options, |o| preference(&o.id))
                            .id
                            .as_str()],
                    };
                    for id in wanted {
                        choices.push(Choice::Select(id.to_string()));
                        if !engine.check(&choices).valid {
                            choices.pop();
                        }
                    }
                }
                let complete = engine.complete(&choices);
                let check = engine.check(&complete);
                let (true, true, Some(quote)) = (check.valid, check.complete, engine.quote(&check))
                else {
                    continue;
                };
                let mut selections: Vec<String> =
                    check.chosen().into_iter().map(str::to_string).collect();
                selections.sort();
                let entry = pool.entry(selections.clone()).or_insert_with(|| {
                    (
                        0,
                        Car {
                            selections,
                            mode: quote.mode.as_str().to_string(),
                            total_fen: quote.total.0,
                            price: serde_json::to_string(&quote).unwrap_or_else(|_| "{}".into()),
                        },
                    )
                });
                entry.0 += 1;
            }
        }
        // People cluster on a few popular cars: the n-th car drawn is chosen with a weight
        // falling like 1/n (Zipf), so the top configurations mean something.
        let mut cars: Vec<(u32, Car)> = pool.into_values().collect();
        cars.sort_by_key(|c| std::cmp::Reverse(c.0));
        for (rank, car) in cars.iter_mut().enumerate() {
            car.0 = (100_000 / (rank as u32 + 1)).max(1);
        }
        if cars.is_empty() {
            return Err(AppError::Internal {
                message: "the catalog gave no valid car to generate demand from".into(),
            });
        }

        // The calendar: from the opening to today (or the close), a launch spike, then a
        // steady tail with weekend bumps and a last-days rush.
        let now = now_ms();
        let first_day = crate::demand::day_of(opens_at);
        let last_day = crate::demand::day_of(now.min(closes_at - 1)).max(first_day);
        let days: Vec<(i64, u32)> = (first_day..=last_day)
            .map(|d| {
                let age = (d - first_day) as f64;
                let left = (last_day - d) as f64;
                let weekend = if (d + 4).rem_euclid(7) >= 5 { 1.3 } else { 1.0 };
                let w = (1.0 + 9.0 * (-age / 1.6).exp() + 0.8 * (-left / 2.0).exp()) * weekend;
                (d, (w * 100.0) as u32)
            })
            .collect();
        let time_on = |rng: &mut StdRng| -> i64 {
            let day = weighted(rng, &days, |d| d.1).0;
            // Days are China Standard Time; people act between 08:00 and 24:00 there.
            let start = day * DAY_MS - 8 * HOUR_MS + 8 * HOUR_MS;
            (start + rng.random_range(0..16 * HOUR_MS)).min(now - 1)
        };
        let place = |rng: &mut StdRng| {
            let p = weighted(rng, PROVINCES, |p| p.weight);
            let c = weighted(rng, p.cities, |c| c.weight);
            (p.id, c.id)
        };

        let polls: Vec<(String, Vec<String>)> =
            sqlx::query_as::<_, (String, Json<Vec<serde_json::Value>>)>(
                "SELECT id, choices FROM polls WHERE campaign_id = $1 ORDER BY created_at, id",
            )
            .bind(campaign_id)
            .fetch_all(&self.db)
            .await?
            .into_iter()
            .map(|(id, Json(choices))| {
                let ids = choices
                    .iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_string))
                    .collect();
                (id, ids)
            })
            .collect();

        let mut batches: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT seq, cap, held FROM campaign_batches WHERE campaign_id = $1 ORDER BY seq",
        )
        .bind(campaign_id)
        .fetch_all(&self.db)
        .await?;
        let room: i64 = batches.iter().map(|(_, cap, held)| cap - held).sum();
        if room < plan.reservations as i64 {
            let seq = batches.last().map(|b| b.0).unwrap_or(0) + 1;
            let cap = plan.reservations as i64 - room;
            sqlx::query(
                "INSERT INTO campaign_batches (campaign_id, seq, cap, held) VALUES ($1, $2, $3, 0)",
            )
            .bind(campaign_id)
            .bind(seq)
            .bind(cap)
            .execute(&self.db)
            .await?;
            batches.push((seq, cap, 0));
        }

        let started = Instant::now();
        let mut counts = BTreeMap::new();
        let mut accounts = Batch::new(
            "accounts",
            &[
                "id",
                "email",
                "password_hash",
                "role",
                "display_name",
                "created_at",
                "province",
                "city",
            ],
        );
        let mut configurations = Batch::new(
            "configurations",
            &[
                "code",
                "car_line",
                "catalog_version",
                "selections",
                "sales_mode",
                "total_fen",
                "price",
                "created_at",
                "campaign_id",
                "account_id",
                "province",
                "city",
                "counted",
            ],
        );
        let mut orders = Batch::new(
            "orders",
            &[
                "id",
                "account_id",
                "campaign_id",
                "batch_seq",
                "configuration_code",
                "car_line",
                "catalog_version",
                "selections",
                "sales_mode",
                "total_fen",
                "price",
                "reservation_fen",
                "earnest_fen",
                "cooling_off_hours",
                "status",
                "holds_unit",
                "held_fen",
                "created_at",
                "locked_at",
                "updated_at",
                "province",
                "city",
            ],
        );
        let mut payments = Batch::new(
            "payments",
            &[
                "id",
                "order_id",
                "purpose",
                "amount_fen",
                "status",
                "provider_ref",
                "created_at",
                "settled_at",
            ],
        );
        let mut ledger = Batch::new(
            "ledger",
            &[
                "id",
                "kind",
                "account_id",
                "order_id",
                "payment_id",
                "amount_fen",
                "at",
            ],
        );
        let mut votes = Batch::new(
            "votes",
            &[
                "poll_id",
                "account_id",
                "choice",
                "voted_at",
                "province",
                "city",
            ],
        );
        let tag = format!("{:x}", plan.seed ^ (now as u64));
        let mut batch_index = 0usize;
        let car_weight = |c: &(u32, Car)| c.0;

        for i in 0..plan.configurations {
            let car = &weighted(&mut rng, &cars, car_weight).1;
            let (province, city) = place(&mut rng);
            let saved_at = time_on(&mut rng);
            let code = format!("Z{}", base32(i + (plan.seed % 1000) * 10_000_000, 7));
            let reserver = i < plan.reservations;
            let account = format!("a_gen_{tag}_{i}");
            let common = |account: Value| {
                vec![
                    Value::Text(code.clone()),
                    Value::Text(line.clone()),
                    Value::Int(version),
                    Value::Text(serde_json::to_string(&car.selections).unwrap_or_default()),
                    Value::Text(car.mode.clone()),
                    Value::Int(car.total_fen),
                    Value::Text(car.price.clone()),
                    Value::Int(saved_at),
                    Value::Text(campaign_id.to_string()),
                    account,
                    Value::Text(province.to_string()),
                    Value::Text(city.to_string()),
                    Value::Int(1),
                ]
            };
            if !reserver {
                configurations.push(common(Value::Null));
            } else {
                accounts.push(vec![
                    Value::Text(account.clone()),
                    Value::Text(format!("gen{i}.{tag}@demand.test")),
                    // Not a password hash: generated consumers cannot sign in.
                    Value::Text("!".into()),
                    Value::Text("consumer".into()),
                    Value::Text(format!("Gen {i}")),
                    Value::Int(saved_at),
                    Value::Text(province.to_string()),
                    Value::Text(city.to_string()),
                ]);
                configurations.push(common(Value::Text(account.clone())));
                while batches[batch_index].2 >= batches[batch_index].1 {
                    batch_index += 1;
                }
                batches[batch_index].2 += 1;
                let reserved_at = (saved_at + rng.random_range(0..2 * HOUR_MS)).min(now - 1);
                let locked = rng.random_range(0..100) < 28;
                let locked_at =
                    locked.then(|| (reserved_at + rng.random_range(0..3 * DAY_MS)).min(now - 1));
                let order = format!("o_gen_{tag}_{i}");
                orders.push(vec![
                    Value::Text(order.clone()),
                    Value::Text(account.clone()),
                    Value::Text(campaign_id.to_string()),
                    Value::Int(batches[batch_index].0),
                    Value::Text(code.clone()),
                    Value::Text(line.clone()),
                    Value::Int(version),
                    Value::Text(serde_json::to_string(&car.selections).unwrap_or_default()),
                    Value::Text(car.mode.clone()),
                    Value::Int(car.total_fen),
                    Value::Text(car.price.clone()),
                    Value::Int(reservation_fen),
                    Value::Int(earnest_fen),
                    Value::Int(168),
                    Value::Text(
                        if locked {
                            OrderStatus::Locked
                        } else {
                            OrderStatus::Reserved
                        }
                        .as_str()
                        .into(),
                    ),
                    Value::Int(1),
                    Value::Int(reservation_fen + if locked { earnest_fen } else { 0 }),
                    Value::Int(reserved_at),
                    locked_at.map(Value::Int).unwrap_or(Value::NullInt),
                    Value::Int(locked_at.unwrap_or(reserved_at)),
                    Value::Text(province.to_string()),
                    Value::Text(city.to_string()),
                ]);
                let mut paid = vec![("reservation", reservation_fen, reserved_at)];
                if let Some(at) = locked_at {
                    paid.push(("earnest", earnest_fen, at));
                }
                for (purpose, amount, at) in paid {
                    let payment = format!("p_gen_{tag}_{i}_{purpose}");
                    ledger.push(vec![
                        Value::Text(payment.clone()),
                        Value::Text("charge".into()),
                        Value::Text(account.clone()),
                        Value::Text(order.clone()),
                        Value::Text(payment.clone()),
                        Value::Int(amount),
                        Value::Int(at),
                    ]);
                    payments.push(vec![
                        Value::Text(payment),
                        Value::Text(order.clone()),
                        Value::Text(purpose.into()),
                        Value::Int(amount),
                        Value::Text("succeeded".into()),
                        Value::Text("generated".into()),
                        Value::Int(at),
                        Value::Int(at),
                    ]);
                }
                if i < plan.voters {
                    for (n, (poll, choices)) in polls.iter().enumerate() {
                        if choices.is_empty() || (n > 0 && rng.random_range(0..100) < 35) {
                            continue;
                        }
                        let choice = weighted(&mut rng, choices, |c| preference(c));
                        votes.push(vec![
                            Value::Text(poll.clone()),
                            Value::Text(account.clone()),
                            Value::Text(choice.clone()),
                            Value::Int((saved_at - rng.random_range(0..DAY_MS)).max(opens_at)),
                            Value::Text(province.to_string()),
                            Value::Text(city.to_string()),
                        ]);
                    }
                }
            }
            // Parents before children: accounts, configurations, orders, then the rest.
            // One transaction per 20,000 configurations and what came with them.
            if configurations.rows.len() >= 20_000 || i + 1 == plan.configurations {
                let mut tx = self.db.begin().await?;
                for batch in [
                    &mut accounts,
                    &mut configurations,
                    &mut orders,
                    &mut payments,
                    &mut ledger,
                    &mut votes,
                ] {
                    batch.flush(&mut tx, &mut counts).await?;
                }
                tx.commit().await?;
            }
        }
        for (seq, _, held) in &batches {
            sqlx::query(
                "UPDATE campaign_batches SET held = $1 WHERE campaign_id = $2 AND seq = $3",
            )
            .bind(held)
            .bind(campaign_id)
            .bind(seq)
            .execute(&self.db)
            .await?;
        }
        let insert_ms = started.elapsed().as_millis();
        let started = Instant::now();
        let cells = self.rebuild_demand(campaign_id).await?;
        Ok(Generated {
            rows: counts,
            distinct_configurations: cars.len(),
            insert_ms,
            recount_ms: started.elapsed().as_millis(),
            cells,
        })
    }
}

/// `n` in `len` characters of the share-code alphabet.
fn base32(mut n: u64, len: usize) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = vec![b'0'; len];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(n % 32) as usize];
        n /= 32;
    }
    String::from_utf8(out).unwrap_or_default()
}
