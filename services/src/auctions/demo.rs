//! The demo auction `make run` starts with (`seed/auctions/no-001.json`): a numbered edition
//! in full swing, with registered bidders, a bid history and a hidden proxy maximum, all
//! placed through the same sequencer as real bids.

use auction::{AuctionRules, Money, RulesSpec, Tier};
use serde::Deserialize;

use super::sequencer::Request;
use super::{Command, HOUR_MS, MINUTE_MS};
use crate::accounts::NewAccount;
use crate::{now_ms, share_code};
use models::error::AppError;
use models::{Role, TierInput};

const DEMO_AUCTION: &str = include_str!("../../../seed/auctions/no-001.json");

#[derive(Deserialize)]
struct AuctionSeed {
    id: String,
    title: String,
    car_line: String,
    selections: Vec<String>,
    started_hours_before_seed: i64,
    ends_hours_after_seed: i64,
    starting_price_fen: i64,
    increments: Vec<TierInput>,
    max_raise_fen: i64,
    deposits: Vec<TierInput>,
    anti_sniping_minutes: i64,
    reserve_fen: Option<i64>,
    confirm_within_hours: i64,
    pay_within_hours: i64,
    offer_within_hours: i64,
    /// Display names of the demo bidders (`bidder{n}@demo.test`).
    bidders: Vec<String>,
    /// (bidder index, amount) in order.
    bids: Vec<(usize, i64)>,
    /// (bidder index, hidden maximum) set after the bids.
    proxy: (usize, i64),
}

impl crate::Auctions<'_> {
    /// Seeds the demo auction once (after [`Services::seed_demo`]); its bidders' password is
    /// `password`. Answers whether it did.
    pub async fn seed_demo_auction(self, password: &str) -> Result<bool, AppError> {
        let seed: AuctionSeed = serde_json::from_str(DEMO_AUCTION)?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM auctions WHERE id = $1")
            .bind(&seed.id)
            .fetch_optional(&self.db)
            .await?;
        let marketer: Option<String> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'marketer@demo.test'")
                .fetch_optional(&self.db)
                .await?;
        let (None, Some(marketer)) = (exists, marketer) else {
            return Ok(false);
        };
        let code = self
            .configurations()
            .save_configuration(&seed.car_line, &seed.selections)
            .await?;
        let now = now_ms();
        let tiers = |t: &[TierInput]| {
            t.iter()
                .map(|t| Tier::new(t.from_fen, t.value_fen))
                .collect()
        };
        let rules = AuctionRules::new(RulesSpec {
            starting_price: Money(seed.starting_price_fen),
            increments: tiers(&seed.increments),
            max_raise: Money(seed.max_raise_fen),
            deposits: tiers(&seed.deposits),
            starts_at: now - seed.started_hours_before_seed * HOUR_MS,
            ends_at: now + seed.ends_hours_after_seed * HOUR_MS,
            anti_sniping_ms: seed.anti_sniping_minutes * MINUTE_MS,
            reserve: seed.reserve_fen.map(Money),
            confirm_within_ms: seed.confirm_within_hours * HOUR_MS,
            pay_within_ms: seed.pay_within_hours * HOUR_MS,
            offer_within_ms: seed.offer_within_hours * HOUR_MS,
        })
        .map_err(|e| AppError::Internal {
            message: format!("the demo auction's rules are broken: {e}"),
        })?;
        self.insert_auction(
            &seed.id,
            &seed.title,
            &seed.car_line,
            &code,
            rules,
            &marketer,
        )
        .await?;

        let mut bidders = Vec::new();
        for (i, name) in seed.bidders.iter().enumerate() {
            let login = format!("bidder{}@demo.test", i + 1);
            let account = self
                .accounts()
                .create_account(NewAccount {
                    login: &login,
                    password,
                    display_name: Some(name),
                    role: Role::Consumer,
                    org_id: None,
                })
                .await?;
            // A deposit the sandbox already confirmed, counted through the sequencer.
            let payment = format!("{}{}", super::PAYMENT_PREFIX, share_code::token(16));
            sqlx::query(
                "INSERT INTO auction_bidders (auction_id, account_id, paddle, registered_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&seed.id)
            .bind(&account.id)
            .bind(i as i64 + 1)
            .bind(now)
            .execute(&self.db)
            .await?;
            let deposit = seed.deposits[0].value_fen.max(1);
            let mut tx = self.db.begin().await?;
            sqlx::query(
                "INSERT INTO auction_payments (id, auction_id, account_id, purpose, amount_fen, status,
                                               provider_ref, created_at, settled_at)
                 VALUES ($1, $2, $3, 'deposit', $4, 'succeeded', 'seed', $5, $5)",
            )
            .bind(&payment)
            .bind(&seed.id)
            .bind(&account.id)
            .bind(deposit)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            crate::ledger::record(
                &mut tx,
                crate::ledger::Entry::charge(
                    &payment,
                    &account.id,
                    crate::ledger::Owner::Auction(&seed.id),
                    deposit,
                    now,
                ),
            )
            .await?;
            tx.commit().await?;
            self.count_payment(&payment).await?;
            bidders.push(account.id);
        }
        let commands = seed
            .bids
            .iter()
            .map(|(who, amount)| Command::Bid {
                bidder: bidders[*who].clone(),
                amount: *amount,
            })
            .chain(std::iter::once(Command::Proxy {
                bidder: bidders[seed.proxy.0].clone(),
                max: seed.proxy.1,
            }));
        for command in commands {
            self.submit(
                &seed.id,
                Request {
                    command,
                    idempotency: None,
                },
            )
            .await?;
        }
        tracing::info!(auction = %seed.id, "seeded the demo auction");
        Ok(true)
    }
}
