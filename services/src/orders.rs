//! Reservations and orders. The rules (PRODUCT.md, "Reservations and orders"):
//! * a batch is never oversold: a unit is taken by a conditional update (`held < cap`) in the
//!   transaction that creates the order, and given back in the one that ends it;
//! * money moves only through the payment provider, and an order's `held_fen` changes in the
//!   same transaction as the payment or refund that moves it, so payments minus refunds always
//!   equal the money orders hold;
//! * every request that moves money has an idempotency key ([`super::idempotency`]);
//! * an order keeps a snapshot of its configuration, catalog version and price breakdown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use configurator::{Money, Quote};
use sqlx::{Any, Transaction};

use super::accounts::require_role;
use super::db::Json;
use super::demand::DemandChanges;
use super::idempotency::{self, Replayable, Start};
use super::ledger::{self, Entry, Owner};
use super::payments::{ChargeOutcome, ChargeRequest, RefundRequest};
use super::{now_ms, share_code};
use models::error::AppError;
use models::payment::PaymentKind;
use models::{Account, OrderEvent, OrderEventKind, OrderStatus, OrderView, Role};

/// The most earnest money the law allows, as a share of the car's price.
pub const EARNEST_MAX_PERCENT: i64 = 20;

use models::time::HOUR_MS;

pub(crate) mod settlements;
pub(crate) mod writer;

/// The columns of an [`OrderRow`].
const ORDER_COLUMNS: &str = "id, campaign_id, batch_seq, configuration_code, car_line,
    catalog_version, selections, price, reservation_fen, earnest_fen, cooling_off_hours, status,
    held_fen, created_at, locked_at, dropped_option";

/// An order as stored (the columns of [`ORDER_COLUMNS`]); its timeline is read apart.
#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    campaign_id: String,
    batch_seq: i64,
    configuration_code: String,
    car_line: String,
    catalog_version: i64,
    selections: Json<Vec<String>>,
    price: Json<Quote>,
    reservation_fen: i64,
    earnest_fen: i64,
    cooling_off_hours: i64,
    status: String,
    held_fen: i64,
    created_at: i64,
    locked_at: Option<i64>,
    dropped_option: Option<String>,
}

impl TryFrom<OrderRow> for OrderView {
    type Error = AppError;

    /// The order with an empty timeline.
    fn try_from(row: OrderRow) -> Result<OrderView, AppError> {
        let status = OrderStatus::parse(&row.status).ok_or_else(|| AppError::Internal {
            message: format!("unknown stored order status `{}`", row.status),
        })?;
        Ok(OrderView {
            id: row.id,
            campaign_id: row.campaign_id,
            batch: row.batch_seq as u32,
            configuration_code: row.configuration_code,
            car_line: row.car_line,
            catalog_version: row.catalog_version as u32,
            selections: row.selections.0,
            price: row.price.0,
            reservation: Money(row.reservation_fen),
            earnest: Money(row.earnest_fen),
            cooling_off_hours: row.cooling_off_hours,
            status,
            held: Money(row.held_fen),
            created_at: row.created_at,
            locked_at: row.locked_at,
            refundable_until: row.locked_at.map(|at| at + row.cooling_off_hours * HOUR_MS),
            timeline: Vec::new(),
            dropped_option: row.dropped_option,
        })
    }
}

/// An entry of an order's timeline.
#[derive(sqlx::FromRow)]
struct OrderEventRow {
    order_id: String,
    at: i64,
    kind: OrderEventKind,
}

impl From<OrderEventRow> for OrderEvent {
    fn from(row: OrderEventRow) -> OrderEvent {
        OrderEvent {
            at: row.at,
            kind: row.kind,
        }
    }
}

/// What settling a charge did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Settled {
    /// The payment and its order moved.
    Applied,
    /// Nothing to do (a failure for a charge no longer pending).
    Unchanged,
    /// A confirmation for a charge no longer pending: perhaps one that expired, settled by
    /// [`crate::Orders::settle_late_payment`] (alone: after the group, if in one).
    Late,
}

/// How a settled charge moves its order: (from, to, the event told). A reservation payment
/// confirms or fails the reservation; an earnest payment locks the order or leaves it reserved.
fn transition(purpose: &str, succeeded: bool) -> (OrderStatus, OrderStatus, OrderEventKind) {
    use OrderStatus as S;
    match (purpose, succeeded) {
        ("reservation", true) => (
            S::PendingPayment,
            S::Reserved,
            OrderEventKind::PaymentConfirmed,
        ),
        ("reservation", false) => (
            S::PendingPayment,
            S::PaymentFailed,
            OrderEventKind::PaymentFailed,
        ),
        ("earnest", true) => (S::Locking, S::Locked, OrderEventKind::Locked),
        _ => (S::Locking, S::Reserved, OrderEventKind::LockPaymentFailed),
    }
}

/// What a reservation needs to know about its campaign.
#[derive(sqlx::FromRow)]
pub(crate) struct Terms {
    pub(crate) car_line: String,
    pub(crate) catalog_version: i64,
    pub(crate) opens_at: i64,
    pub(crate) closes_at: i64,
    pub(crate) reservation_fen: i64,
    pub(crate) earnest_fen: i64,
    cooling_off_hours: i64,
}

impl crate::Orders<'_> {
    /// Reserves a saved configuration in an open campaign: the configuration and its price are
    /// re-checked here, a unit of the first batch with room is taken, and the refundable
    /// reservation amount is requested from the payment provider. The request is checked and
    /// priced here and committed by the campaign's reservation writer, with the others
    /// arriving at the same moment ([`writer`]).
    pub async fn reserve(
        self,
        account: &Account,
        campaign_id: &str,
        configuration_code: &str,
        idempotency_key: &str,
    ) -> Result<Replayable<OrderView>, AppError> {
        require_role(account, &[Role::Consumer], "reserve cars")?;
        idempotency::validate_key(idempotency_key)?;
        let code = share_code::normalize(configuration_code).ok_or_else(|| {
            AppError::invalid(
                "configuration_code",
                "a configuration code is 8 letters and digits",
            )
        })?;
        let terms = self.recent_terms(campaign_id).await?;
        open_window(&terms, now_ms())?;
        let (selections, price) = self.priced_configuration(&terms, &code).await?;
        let request = writer::Reservation {
            account: account.clone(),
            key: idempotency_key.to_string(),
            fingerprint: format!("reserve:{campaign_id}:{code}"),
            code,
            car_line: terms.car_line.clone(),
            catalog_version: terms.catalog_version,
            selections,
            price,
        };
        self.submit_reservation(campaign_id, request).await
    }

    /// A reservation in a transaction of its own: what the writer does for a request its group
    /// could not take (the group failed, or the campaign's terms changed since it was priced).
    /// The terms and dropped options are read afresh and the configuration is priced again.
    pub(super) async fn reserve_alone(
        self,
        campaign_id: &str,
        request: &writer::Reservation,
    ) -> Result<Replayable<OrderView>, AppError> {
        let account = &request.account;
        let terms = self.terms(campaign_id).await?;
        open_window(&terms, now_ms())?;
        let (selections, price) = self.priced_configuration(&terms, &request.code).await?;
        refuse_dropped(
            &selections,
            &self.campaigns().dropped_options(campaign_id).await?,
        )?;
        let mut tx =
            match idempotency::start(&self.db, &account.id, &request.key, &request.fingerprint)
                .await?
            {
                Start::Fresh(tx) => tx,
                Start::Replay(first) => return Ok(first),
            };
        let outcome = self
            .reserve_in(
                &mut tx,
                account,
                campaign_id,
                &request.code,
                &terms,
                &selections,
                &price,
            )
            .await;
        let (result, payment) = match outcome {
            Ok((order, payment)) => (Ok(order), Some(payment)),
            Err(AppError::SoldOut) => (Err(AppError::SoldOut), None),
            // Not recorded: once the other order ends, the same request may succeed.
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        };
        idempotency::record(&mut tx, &account.id, &request.key, &result).await?;
        tx.commit().await?;
        if let Some(payment) = payment {
            self.payments().request_charge(payment);
        }
        Ok(Replayable {
            result,
            replayed: false,
        })
    }

    /// The campaign's terms as read at most [`TERMS_TTL`] ago: what a reservation is checked
    /// and priced under before its writer re-reads them in its transaction.
    async fn recent_terms(self, campaign_id: &str) -> Result<Arc<Terms>, AppError> {
        if let Some(terms) = self.terms_cache.get(campaign_id) {
            return Ok(terms);
        }
        let terms = Arc::new(self.terms(campaign_id).await?);
        self.terms_cache.put(campaign_id, terms.clone());
        Ok(terms)
    }

    /// The server is the authority: re-checks saved configuration `code` against the
    /// campaign's catalog version (valid, complete) and prices it afresh. Options dropped by a
    /// demand threshold are refused apart ([`refuse_dropped`]), where the reservation commits.
    pub(super) async fn priced_configuration(
        self,
        terms: &Terms,
        code: &str,
    ) -> Result<(Vec<String>, Quote), AppError> {
        let saved: Option<(String, Json<Vec<String>>)> =
            sqlx::query_as("SELECT car_line, selections FROM configurations WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.db)
                .await?;
        let (line, Json(selections)) =
            saved.ok_or_else(|| AppError::not_found(format!("configuration {code}")))?;
        if line != terms.car_line {
            return Err(AppError::invalid(
                "configuration_code",
                "this configuration is for another car line",
            ));
        }
        let compiled = self
            .catalogs()
            .catalog_version(&line, terms.catalog_version as u32)
            .await?;
        let checked = compiled.check(&selections)?;
        if !checked.check.valid {
            return Err(AppError::InvalidConfiguration {
                conflict: checked.check.conflict,
            });
        }
        let (true, Some(price)) = (checked.check.complete, checked.price) else {
            return Err(AppError::IncompleteConfiguration {
                open_groups: checked.check.open_groups,
            });
        };

        Ok((selections, price))
    }

    #[allow(clippy::too_many_arguments)]
    async fn reserve_in(
        self,
        tx: &mut Transaction<'static, Any>,
        account: &Account,
        campaign_id: &str,
        code: &str,
        terms: &Terms,
        selections: &[String],
        price: &Quote,
    ) -> Result<(OrderView, ChargeRequest), AppError> {
        let active: Option<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE account_id = $1 AND campaign_id = $2 AND holds_unit = 1",
        )
        .bind(&account.id)
        .bind(campaign_id)
        .fetch_optional(&mut **tx)
        .await?;
        if active.is_some() {
            return Err(AppError::AlreadyReserved);
        }
        let batches: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM campaign_batches WHERE campaign_id = $1 AND held < cap ORDER BY seq",
        )
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?;
        let mut batch = None;
        for seq in batches {
            // The guard `held < cap` is re-evaluated on the locked row: never oversold.
            let taken = sqlx::query(
                "UPDATE campaign_batches SET held = held + 1
                  WHERE campaign_id = $1 AND seq = $2 AND held < cap",
            )
            .bind(campaign_id)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
            if taken.rows_affected() == 1 {
                batch = Some(seq);
                break;
            }
        }
        let batch = batch.ok_or(AppError::SoldOut)?;
        let now = now_ms();
        let order_id = format!("o_{}", share_code::token(16));
        let payment_id = format!("p_{}", share_code::token(16));
        let inserted = sqlx::query(
            "INSERT INTO orders (id, account_id, campaign_id, batch_seq, configuration_code, car_line,
                catalog_version, selections, sales_mode, total_fen, price, reservation_fen,
                earnest_fen, cooling_off_hours, status, holds_unit, held_fen, created_at, updated_at,
                province, city)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pending_payment', 1, 0, $15, $15,
                COALESCE((SELECT province FROM accounts WHERE id = $2), ''),
                COALESCE((SELECT city FROM accounts WHERE id = $2), ''))",
        )
        .bind(&order_id)
        .bind(&account.id)
        .bind(campaign_id)
        .bind(batch)
        .bind(code)
        .bind(&terms.car_line)
        .bind(terms.catalog_version)
        .bind(serde_json::to_string(selections)?)
        .bind(price.mode.as_str())
        .bind(price.total.0)
        .bind(serde_json::to_string(price)?)
        .bind(terms.reservation_fen)
        .bind(terms.earnest_fen)
        .bind(terms.cooling_off_hours)
        .bind(now)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Two concurrent first reservations of one account: the unique index refuses one.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AppError::AlreadyReserved)
            }
            Err(e) => return Err(e.into()),
        }
        add_event(tx, &order_id, OrderEventKind::Reserved, now).await?;
        insert_payment(
            tx,
            &payment_id,
            &order_id,
            "reservation",
            terms.reservation_fen,
            now,
        )
        .await?;
        let order = pending_order(
            order_id,
            campaign_id,
            batch,
            code,
            terms,
            selections,
            price,
            now,
        );
        let charge = ChargeRequest {
            payment_id,
            amount_fen: terms.reservation_fen,
            payer: payer(account),
        };
        Ok((order, charge))
    }

    /// Cancels an order: a reservation at any time, a locked order within its cooling-off
    /// period. Everything paid is refunded in full and the unit is released.
    pub async fn cancel_order(
        self,
        account: &Account,
        order_id: &str,
        idempotency_key: &str,
    ) -> Result<Replayable<OrderView>, AppError> {
        require_role(account, &[Role::Consumer], "cancel orders")?;
        idempotency::validate_key(idempotency_key)?;
        let fingerprint = format!("cancel:{order_id}");
        let mut tx =
            match idempotency::start(&self.db, &account.id, idempotency_key, &fingerprint).await? {
                Start::Fresh(tx) => tx,
                Start::Replay(first) => return Ok(first),
            };
        let now = now_ms();
        // Read after the key's claim (the transaction's first write); locked on PostgreSQL.
        let before = self.demand().order_demand(&mut tx, order_id).await.ok();
        let cancelled = sqlx::query(
            "UPDATE orders SET status = 'cancelled', holds_unit = 0, updated_at = $1
              WHERE id = $2 AND account_id = $3
                AND (status = 'reserved'
                     OR (status = 'locked'
                         AND (locked_at + cooling_off_hours * $4 > $1 OR dropped_option IS NOT NULL)))",
        )
        .bind(now)
        .bind(order_id)
        .bind(&account.id)
        .bind(HOUR_MS)
        .execute(&mut *tx)
        .await?;
        let mut refunds = Vec::new();
        let result = if cancelled.rows_affected() == 1 {
            if let Some(before) = &before {
                self.demand()
                    .order_moved(&mut tx, before, before.status, OrderStatus::Cancelled)
                    .await?;
            }
            release_unit(&mut tx, order_id).await?;
            add_event(&mut tx, order_id, OrderEventKind::Cancelled, now).await?;
            // What each confirmed payment still holds: a charge confirmed after it expired is
            // already being refunded (see `settle_late_payment`) and must not be refunded twice.
            let paid: Vec<(String, i64)> = sqlx::query_as(
                "SELECT p.id, p.amount_fen - CAST(COALESCE((SELECT SUM(r.amount_fen) FROM refunds r
                                                             WHERE r.payment_id = p.id), 0) AS BIGINT)
                   FROM payments p WHERE p.order_id = $1 AND p.status = 'succeeded'",
            )
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
            for (payment_id, amount_fen) in paid.into_iter().filter(|(_, left)| *left > 0) {
                let refund_id = format!("r_{}", share_code::token(16));
                sqlx::query(
                    "INSERT INTO refunds (id, payment_id, amount_fen, status, created_at)
                     VALUES ($1, $2, $3, 'pending', $4)",
                )
                .bind(&refund_id)
                .bind(&payment_id)
                .bind(amount_fen)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                refunds.push(RefundRequest {
                    refund_id,
                    payment_id,
                    amount_fen,
                });
            }
            Ok(order_in(&mut tx, order_id).await?)
        } else {
            let order = order_in(&mut tx, order_id).await?;
            if order_owner(&mut tx, order_id).await? != account.id {
                return Err(AppError::not_found(format!("order {order_id}")));
            }
            Err(refusal(&order, "cancelled", now))
        };
        idempotency::record(&mut tx, &account.id, idempotency_key, &result).await?;
        tx.commit().await?;
        for refund in refunds {
            self.payments().request_refund(refund);
        }
        Ok(Replayable {
            result,
            replayed: false,
        })
    }

    /// Locks a paid reservation into an order: a deliberate step (`confirm` must be true)
    /// after which the earnest money stops being refundable once the cooling-off period ends.
    pub async fn lock_order(
        self,
        account: &Account,
        order_id: &str,
        idempotency_key: &str,
        confirm: bool,
    ) -> Result<Replayable<OrderView>, AppError> {
        require_role(account, &[Role::Consumer], "lock orders")?;
        idempotency::validate_key(idempotency_key)?;
        let order = self.order(account, order_id).await?;
        if !confirm {
            return Err(AppError::ConfirmationRequired {
                message: lock_terms(&order),
            });
        }
        let fingerprint = format!("lock:{order_id}");
        let mut tx =
            match idempotency::start(&self.db, &account.id, idempotency_key, &fingerprint).await? {
                Start::Fresh(tx) => tx,
                Start::Replay(first) => return Ok(first),
            };
        let now = now_ms();
        // The law caps earnest money at 20 % of the price: re-checked on every lock.
        let locking = sqlx::query(
            "UPDATE orders SET status = 'locking', updated_at = $1
              WHERE id = $2 AND account_id = $3 AND status = 'reserved'
                AND earnest_fen * 100 <= total_fen * $4",
        )
        .bind(now)
        .bind(order_id)
        .bind(&account.id)
        .bind(EARNEST_MAX_PERCENT)
        .execute(&mut *tx)
        .await?;
        let mut charge = None;
        let result = if locking.rows_affected() == 1 {
            let payment_id = format!("p_{}", share_code::token(16));
            insert_payment(
                &mut tx,
                &payment_id,
                order_id,
                "earnest",
                order.earnest.0,
                now,
            )
            .await?;
            add_event(&mut tx, order_id, OrderEventKind::LockRequested, now).await?;
            charge = Some(ChargeRequest {
                payment_id,
                amount_fen: order.earnest.0,
                payer: payer(account),
            });
            Ok(order_in(&mut tx, order_id).await?)
        } else {
            let current = order_in(&mut tx, order_id).await?;
            Err(refusal(&current, "locked", now))
        };
        idempotency::record(&mut tx, &account.id, idempotency_key, &result).await?;
        tx.commit().await?;
        if let Some(charge) = charge {
            self.payments().request_charge(charge);
        }
        Ok(Replayable {
            result,
            replayed: false,
        })
    }

    /// The account's orders, newest first, with their timelines: two queries, whatever the
    /// number of orders.
    pub async fn list(self, account: &Account) -> Result<Vec<OrderView>, AppError> {
        let mut conn = self.db.acquire().await?;
        let rows: Vec<OrderRow> = sqlx::query_as(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE account_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(&account.id)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let events: Vec<OrderEventRow> = sqlx::query_as(
            "SELECT order_id, at, kind FROM order_events
              WHERE order_id IN (SELECT id FROM orders WHERE account_id = $1)
              ORDER BY order_id, seq",
        )
        .bind(&account.id)
        .fetch_all(&mut *conn)
        .await?;
        let mut timelines: HashMap<String, Vec<OrderEvent>> = HashMap::new();
        for event in events {
            timelines
                .entry(event.order_id.clone())
                .or_default()
                .push(event.into());
        }
        rows.into_iter()
            .map(|row| {
                let mut order = OrderView::try_from(row)?;
                order.timeline = timelines.remove(&order.id).unwrap_or_default();
                Ok(order)
            })
            .collect()
    }

    /// One of the account's orders.
    pub async fn order(self, account: &Account, order_id: &str) -> Result<OrderView, AppError> {
        let mut conn = self.db.acquire().await?;
        let row: OrderRow = sqlx::query_as(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND account_id = $2"
        ))
        .bind(order_id)
        .bind(&account.id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("order {order_id}")))?;
        let mut order = OrderView::try_from(row)?;
        order.timeline = events(&mut conn, &order.id).await?;
        Ok(order)
    }

    /// Applies a charge's outcome once (a repeated callback finds it settled and does nothing).
    /// A charge confirmed after it expired is recorded and refunded in full.
    pub(crate) async fn settle_payment(
        self,
        payment_id: &str,
        outcome: ChargeOutcome,
        provider_ref: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let mut changes = DemandChanges::default();
        match self
            .settle_payment_in(
                &mut tx,
                payment_id,
                outcome,
                provider_ref,
                now,
                &mut changes,
            )
            .await?
        {
            Settled::Late => {
                self.settle_late_payment(tx, payment_id, provider_ref, now)
                    .await
            }
            Settled::Applied | Settled::Unchanged => {
                self.demand().apply_moves(&mut tx, changes).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    }

    /// [`Self::settle_payment`] inside `tx` (alone, or one of a group of settlements), its
    /// demand move kept in `changes` for the caller to apply before committing.
    pub(super) async fn settle_payment_in(
        self,
        tx: &mut Transaction<'static, Any>,
        payment_id: &str,
        outcome: ChargeOutcome,
        provider_ref: &str,
        now: i64,
        changes: &mut DemandChanges,
    ) -> Result<Settled, AppError> {
        let succeeded = outcome == ChargeOutcome::Succeeded;
        let settled = sqlx::query(
            "UPDATE payments SET status = $1, provider_ref = $2, settled_at = $3, expired_at = $5
              WHERE id = $4 AND status = 'pending'",
        )
        .bind(if succeeded { "succeeded" } else { "failed" })
        .bind(provider_ref)
        .bind(now)
        .bind(payment_id)
        .bind((outcome == ChargeOutcome::Expired).then_some(now))
        .execute(&mut **tx)
        .await?;
        if settled.rows_affected() == 0 {
            return Ok(if succeeded {
                Settled::Late
            } else {
                Settled::Unchanged
            });
        }
        let (order_id, purpose, amount, account_id): (String, String, i64, String) =
            sqlx::query_as(
                "SELECT p.order_id, p.purpose, p.amount_fen, o.account_id
                   FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1",
            )
            .bind(payment_id)
            .fetch_one(&mut **tx)
            .await?;
        let (from, to, event) = transition(&purpose, succeeded);
        if succeeded {
            ledger::record(
                tx,
                Entry::charge(
                    payment_id,
                    &account_id,
                    Owner::Order(&order_id),
                    amount,
                    now,
                ),
            )
            .await?;
        }
        let held_delta = if succeeded { amount } else { 0 };
        let releases = to == OrderStatus::PaymentFailed;
        let moved = sqlx::query(
            "UPDATE orders SET status = $1, held_fen = held_fen + $2, updated_at = $3,
                    holds_unit = CASE WHEN $4 = 1 THEN 0 ELSE holds_unit END,
                    locked_at = CASE WHEN $1 = 'locked' THEN $3 ELSE locked_at END
              WHERE id = $5 AND status = $6",
        )
        .bind(to)
        .bind(held_delta)
        .bind(now)
        .bind(i64::from(releases))
        .bind(&order_id)
        .bind(from)
        .execute(&mut **tx)
        .await?;
        if moved.rows_affected() == 1 {
            let order = self.demand().order_demand(tx, &order_id).await?;
            self.demand().order_moved_into(&order, (from, to), changes);
            if releases {
                release_unit(tx, &order_id).await?;
            }
            add_event(tx, &order_id, event, now).await?;
        } else if succeeded {
            // The order moved on meanwhile (it cannot, today): hold the money and say so.
            sqlx::query("UPDATE orders SET held_fen = held_fen + $1 WHERE id = $2")
                .bind(amount)
                .bind(&order_id)
                .execute(&mut **tx)
                .await?;
            tracing::warn!(%order_id, %payment_id, "payment confirmed for an order in another state");
        }
        Ok(Settled::Applied)
    }

    /// A confirmation of a charge that had expired: the money did move, so it is recorded
    /// (the order holds it) and refunded in full at once; the order stays where the expiry
    /// left it. Anything else (an unknown id, a charge already settled) changes nothing.
    async fn settle_late_payment(
        self,
        mut tx: Transaction<'static, Any>,
        payment_id: &str,
        provider_ref: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let late = sqlx::query(
            "UPDATE payments SET status = 'succeeded', provider_ref = $1, settled_at = $2
              WHERE id = $3 AND status = 'failed' AND expired_at IS NOT NULL",
        )
        .bind(provider_ref)
        .bind(now)
        .bind(payment_id)
        .execute(&mut *tx)
        .await?;
        if late.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(());
        }
        let (order_id, amount, account_id): (String, i64, String) = sqlx::query_as(
            "SELECT p.order_id, p.amount_fen, o.account_id
               FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1",
        )
        .bind(payment_id)
        .fetch_one(&mut *tx)
        .await?;
        book(
            &mut tx,
            Entry::charge(
                payment_id,
                &account_id,
                Owner::Order(&order_id),
                amount,
                now,
            ),
        )
        .await?;
        let refund_id = format!("r_{}", share_code::token(16));
        sqlx::query(
            "INSERT INTO refunds (id, payment_id, amount_fen, status, created_at)
             VALUES ($1, $2, $3, 'pending', $4)",
        )
        .bind(&refund_id)
        .bind(payment_id)
        .bind(amount)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(%order_id, %payment_id, "a charge confirmed after it expired is refunded");
        self.payments().request_refund(RefundRequest {
            refund_id,
            payment_id: payment_id.to_string(),
            amount_fen: amount,
        });
        Ok(())
    }

    /// Applies a refund's confirmation once.
    pub(crate) async fn settle_refund(self, refund_id: &str) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let settled = sqlx::query(
            "UPDATE refunds SET status = 'succeeded', settled_at = $1
              WHERE id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(refund_id)
        .execute(&mut *tx)
        .await?;
        if settled.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(());
        }
        let (order_id, payment_id, amount, account_id): (String, String, i64, String) =
            sqlx::query_as(
                "SELECT p.order_id, p.id, r.amount_fen, o.account_id
                   FROM refunds r JOIN payments p ON p.id = r.payment_id
                        JOIN orders o ON o.id = p.order_id
                  WHERE r.id = $1",
            )
            .bind(refund_id)
            .fetch_one(&mut *tx)
            .await?;
        book(
            &mut tx,
            Entry::refund(
                refund_id,
                &payment_id,
                &account_id,
                Owner::Order(&order_id),
                amount,
                now,
            ),
        )
        .await?;
        add_event(&mut tx, &order_id, OrderEventKind::Refunded, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Asks the provider again for every charge and refund not yet settled.
    pub(super) async fn resubmit_pending(self) -> Result<(), AppError> {
        let charges = sqlx::query_as(
            "SELECT p.id, p.amount_fen, a.id, a.email, a.mobile
               FROM payments p JOIN orders o ON o.id = p.order_id JOIN accounts a ON a.id = o.account_id
              WHERE p.status = 'pending'",
        )
        .fetch_all(&self.db)
        .await?;
        self.payments().request_pending_charges(charges);
        let refunds: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT id, payment_id, amount_fen FROM refunds WHERE status = 'pending'",
        )
        .fetch_all(&self.db)
        .await?;
        for (refund_id, payment_id, amount_fen) in refunds {
            self.payments().request_refund(RefundRequest {
                refund_id,
                payment_id,
                amount_fen,
            });
        }
        Ok(())
    }

    /// The terms of campaign `campaign_id`.
    pub(crate) async fn terms(self, campaign_id: &str) -> Result<Terms, AppError> {
        terms_with(&self.db, campaign_id).await
    }
}

/// The terms of campaign `campaign_id`, read through `executor` (the pool, or a transaction
/// that must see them as it commits).
async fn terms_with<'e, E>(executor: E, campaign_id: &str) -> Result<Terms, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    sqlx::query_as(
        "SELECT car_line, catalog_version, opens_at, closes_at, reservation_fen, earnest_fen,
                cooling_off_hours
           FROM campaigns WHERE id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(executor)
    .await?
    .ok_or_else(|| AppError::not_found(format!("campaign {campaign_id}")))
}

/// What locking means, in plain words (shown before the second confirmation).
pub fn lock_terms(order: &OrderView) -> String {
    format!(
        "Locking pays {} of earnest money. You can cancel with a full refund for {} hours after \
         locking; after that the earnest money is not refundable.",
        order.earnest.yuan_exact(),
        order.cooling_off_hours
    )
}

/// A new order as answered to its reservation: awaiting its payment, holding nothing yet.
#[allow(clippy::too_many_arguments)]
fn pending_order(
    id: String,
    campaign_id: &str,
    batch: i64,
    code: &str,
    terms: &Terms,
    selections: &[String],
    price: &Quote,
    now: i64,
) -> OrderView {
    OrderView {
        id,
        campaign_id: campaign_id.to_string(),
        batch: batch as u32,
        configuration_code: code.to_string(),
        car_line: terms.car_line.clone(),
        catalog_version: terms.catalog_version as u32,
        selections: selections.to_vec(),
        price: price.clone(),
        reservation: Money(terms.reservation_fen),
        earnest: Money(terms.earnest_fen),
        cooling_off_hours: terms.cooling_off_hours,
        status: OrderStatus::PendingPayment,
        held: Money(0),
        created_at: now,
        locked_at: None,
        refundable_until: None,
        timeline: vec![OrderEvent {
            at: now,
            kind: OrderEventKind::Reserved,
        }],
        dropped_option: None,
    }
}

/// Refuses a reservation outside the campaign's opening hours.
fn open_window(terms: &Terms, now: i64) -> Result<(), AppError> {
    if now < terms.opens_at {
        return Err(AppError::CampaignNotOpen {
            message: "reservations have not opened yet".into(),
        });
    }
    if now >= terms.closes_at {
        return Err(AppError::CampaignNotOpen {
            message: "the pre-sale has ended".into(),
        });
    }
    Ok(())
}

/// Refuses a configuration with an option that missed its demand threshold.
pub(super) fn refuse_dropped(selections: &[String], dropped: &[String]) -> Result<(), AppError> {
    match selections.iter().find(|s| dropped.contains(s)) {
        Some(option) => Err(AppError::invalid(
            "configuration_code",
            format!(
                "`{option}` missed its demand threshold and will not be built; choose another option"
            ),
        )),
        None => Ok(()),
    }
}

/// How long a campaign's terms are reused before a reservation reads them again.
const TERMS_TTL: Duration = Duration::from_secs(1);

/// Campaigns' terms as read lately (see [`crate::Orders::recent_terms`]).
#[derive(Default)]
pub(crate) struct TermsCache(Mutex<HashMap<String, (Instant, Arc<Terms>)>>);

impl TermsCache {
    /// The most campaigns remembered; only campaigns that exist are ever entered.
    const MAX: usize = 1024;

    fn get(&self, campaign_id: &str) -> Option<Arc<Terms>> {
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(campaign_id)
            .filter(|(at, _)| at.elapsed() < TERMS_TTL)
            .map(|(_, terms)| terms.clone())
    }

    fn put(&self, campaign_id: &str, terms: Arc<Terms>) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= Self::MAX {
            cache.retain(|_, (at, _)| at.elapsed() < TERMS_TTL);
        }
        if cache.len() < Self::MAX {
            cache.insert(campaign_id.to_string(), (Instant::now(), terms));
        }
    }
}

fn payer(account: &Account) -> String {
    account
        .email
        .clone()
        .or_else(|| account.mobile.clone())
        .unwrap_or_else(|| account.id.clone())
}

/// Why an order cannot be `action` ("cancelled", "locked") in its current state.
fn refusal(order: &OrderView, action: &str, now: i64) -> AppError {
    let message = match order.status {
        OrderStatus::PendingPayment => {
            format!("the order cannot be {action} while its payment is being confirmed")
        }
        OrderStatus::Locked
            if order.dropped_option.is_none()
                && order.refundable_until.is_some_and(|until| until <= now) =>
        {
            "the cooling-off period has ended: the earnest money is no longer refundable".into()
        }
        status => format!("an order that is {} cannot be {action}", status.as_str()),
    };
    AppError::OrderState {
        status: order.status,
        message,
    }
}

async fn insert_payment(
    tx: &mut Transaction<'static, Any>,
    payment_id: &str,
    order_id: &str,
    purpose: &str,
    amount_fen: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO payments (id, order_id, purpose, amount_fen, status, created_at)
         VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(payment_id)
    .bind(order_id)
    .bind(purpose)
    .bind(amount_fen)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Books a movement of an order's money outside a change of its state: the ledger entry and
/// the order's `held_fen` (up for a charge, down for a refund) in the same transaction.
async fn book(tx: &mut Transaction<'static, Any>, entry: Entry<'_>) -> Result<(), AppError> {
    let Owner::Order(order_id) = entry.owner else {
        return Err(AppError::Internal {
            message: "an auction's money booked on an order".into(),
        });
    };
    ledger::record(tx, entry).await?;
    let delta = match entry.kind {
        PaymentKind::Charge => entry.amount_fen,
        PaymentKind::Refund => -entry.amount_fen,
    };
    sqlx::query("UPDATE orders SET held_fen = held_fen + $1, updated_at = $2 WHERE id = $3")
        .bind(delta)
        .bind(entry.at)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn release_unit(tx: &mut Transaction<'static, Any>, order_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE campaign_batches SET held = held - 1
          WHERE campaign_id = (SELECT campaign_id FROM orders WHERE id = $1)
            AND seq = (SELECT batch_seq FROM orders WHERE id = $1)",
    )
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn add_event(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    kind: OrderEventKind,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO order_events (order_id, seq, at, kind)
         VALUES ($1, (SELECT COUNT(*) FROM order_events WHERE order_id = $1), $2, $3)",
    )
    .bind(order_id)
    .bind(at)
    .bind(kind)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn order_owner(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT account_id FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn order_in(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
) -> Result<OrderView, AppError> {
    let row: OrderRow =
        sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
            .bind(order_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| AppError::not_found(format!("order {order_id}")))?;
    let mut order = OrderView::try_from(row)?;
    order.timeline = events(tx, order_id).await?;
    Ok(order)
}

/// The timeline of one order.
async fn events(
    conn: &mut sqlx::AnyConnection,
    order_id: &str,
) -> Result<Vec<OrderEvent>, AppError> {
    let rows: Vec<OrderEventRow> = sqlx::query_as(
        "SELECT order_id, at, kind FROM order_events WHERE order_id = $1 ORDER BY seq",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(OrderEvent::from).collect())
}
