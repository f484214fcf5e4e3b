//! The ledger: every money movement once, as it happened — a charge the provider confirmed, a
//! refund it paid out — written in the same transaction as the state it changes (the payment's
//! status, the order's money), so the two cannot disagree. The table only grows: the database
//! refuses UPDATE and DELETE on it (triggers created in [`crate::db::connect`]), and its
//! primary key is the payment's or refund's own id, so a movement cannot be recorded twice.

use sqlx::{Any, Transaction};

use models::error::AppError;
use models::payment::PaymentKind;

/// What a movement belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Owner<'a> {
    /// An order's reservation or earnest money.
    Order(&'a str),
    /// An auction's deposit or price.
    Auction(&'a str),
}

/// One movement of money.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'a> {
    /// The payment's id for a charge, the refund's id for a refund: the entry's own id.
    pub id: &'a str,
    /// Money in or out.
    pub kind: PaymentKind,
    /// Whose money.
    pub account_id: &'a str,
    /// What it was for.
    pub owner: Owner<'a>,
    /// The charge (refunded) payment.
    pub payment_id: &'a str,
    /// How much, in fen.
    pub amount_fen: i64,
    /// When it was confirmed (UTC milliseconds).
    pub at: i64,
}

impl<'a> Entry<'a> {
    /// A confirmed charge: its entry's id is the payment's.
    pub fn charge(
        payment_id: &'a str,
        account_id: &'a str,
        owner: Owner<'a>,
        amount_fen: i64,
        at: i64,
    ) -> Self {
        Entry {
            id: payment_id,
            kind: PaymentKind::Charge,
            account_id,
            owner,
            payment_id,
            amount_fen,
            at,
        }
    }

    /// A refund paid out of `payment_id`: its entry's id is the refund's.
    pub fn refund(
        refund_id: &'a str,
        payment_id: &'a str,
        account_id: &'a str,
        owner: Owner<'a>,
        amount_fen: i64,
        at: i64,
    ) -> Self {
        Entry {
            id: refund_id,
            kind: PaymentKind::Refund,
            account_id,
            owner,
            payment_id,
            amount_fen,
            at,
        }
    }
}

/// Records a movement in `tx`. A second record of the same movement fails on the primary key
/// (and with it the caller's transaction): callers record only when their own conditional
/// update moved the payment, so this never happens unless the books are wrong.
pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    let (order_id, auction_id) = match entry.owner {
        Owner::Order(id) => (Some(id), None),
        Owner::Auction(id) => (None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO ledger (id, kind, account_id, order_id, auction_id, payment_id, amount_fen, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.id)
    .bind(entry.kind)
    .bind(entry.account_id)
    .bind(order_id)
    .bind(auction_id)
    .bind(entry.payment_id)
    .bind(entry.amount_fen)
    .bind(entry.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The statements that make the ledger append-only on SQLite.
pub(crate) const SQLITE_APPEND_ONLY: &str = "
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
";

/// The statements that make the ledger append-only on PostgreSQL (run under an advisory lock:
/// instances starting together would otherwise race on the catalog).
pub(crate) const POSTGRES_APPEND_ONLY: &str = "
SELECT pg_advisory_xact_lock(7160017);
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$;
CREATE OR REPLACE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
";
