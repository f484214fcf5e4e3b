//! Idempotency keys for requests that move money. The key is claimed by the first statement
//! of the request's transaction (an insert, so on SQLite the transaction takes the write lock
//! at once and on PostgreSQL a concurrent claim waits for the first to commit); the outcome is
//! stored in the same transaction, so a retry gets exactly the first answer and a crash leaves
//! either both or neither.

use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{Any, Transaction};

use super::now_ms;
use models::error::AppError;

/// An answer that can be replayed: the outcome of the first request with its key.
#[derive(Debug)]
pub struct Replayable<T> {
    /// The outcome (a refusal such as "sold out" is an outcome too).
    pub result: Result<T, AppError>,
    /// Whether this is a replay of an earlier request's answer.
    pub replayed: bool,
}

/// The start of a request with an idempotency key: a transaction that holds the key, or the
/// first request's answer to replay.
pub(super) enum Start<T> {
    /// The key is new: do the work in this transaction and [`record`] its outcome there.
    Fresh(Transaction<'static, Any>),
    /// The key was used before for the same request: its answer.
    Replay(Replayable<T>),
}

/// Opens the request's transaction and claims `key` in it (see [`Start`]).
pub(super) async fn start<T: DeserializeOwned>(
    db: &super::Db,
    account: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Start<T>, AppError> {
    let mut tx = db.begin().await?;
    match claim(&mut tx, account, key, fingerprint).await? {
        None => Ok(Start::Fresh(tx)),
        Some(first) => {
            tx.rollback().await?;
            Ok(Start::Replay(Replayable {
                result: first,
                replayed: true,
            }))
        }
    }
}

/// Checks the form of a client's idempotency key.
pub fn validate_key(key: &str) -> Result<(), AppError> {
    let ok = (8..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "idempotency_key",
            "8 to 100 visible ASCII characters, unique per request (a UUID is ideal)",
        ))
    }
}

/// Claims `key` for `account`. `None`: the key is new and this request does the work;
/// `Some`: the stored outcome of the first request with this key.
async fn claim<T: DeserializeOwned>(
    tx: &mut Transaction<'static, Any>,
    account: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Result<T, AppError>>, AppError> {
    validate_key(key)?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (account_id, idem_key, fingerprint, status_code, response, created_at)
         VALUES ($1, $2, $3, 0, '', $4)
         ON CONFLICT (account_id, idem_key) DO NOTHING",
    )
    .bind(account)
    .bind(key)
    .bind(fingerprint)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    // The response stays text until the fingerprint matches: another request's answer is
    // never read.
    let (stored, response): (String, String) = sqlx::query_as(
        "SELECT fingerprint, response FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2",
    )
    .bind(account)
    .bind(key)
    .fetch_one(&mut **tx)
    .await?;
    if stored != fingerprint {
        return Err(AppError::IdempotencyKeyReused);
    }
    Ok(Some(serde_json::from_str(&response)?))
}

/// Stores the outcome for `key` (in the transaction that did the work).
pub(super) async fn record<T: Serialize>(
    tx: &mut Transaction<'static, Any>,
    account: &str,
    key: &str,
    result: &Result<T, AppError>,
) -> Result<(), AppError> {
    let status = match result {
        Ok(_) => 200,
        Err(e) => i64::from(e.status()),
    };
    sqlx::query(
        "UPDATE idempotency_keys SET status_code = $1, response = $2
          WHERE account_id = $3 AND idem_key = $4",
    )
    .bind(status)
    .bind(serde_json::to_string(result)?)
    .bind(account)
    .bind(key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An answer to store under its key, written by a group writer for many keys at once.
pub(crate) struct NewAnswer {
    pub account: String,
    pub key: String,
    pub fingerprint: String,
    /// The HTTP status of the answer.
    pub status: i64,
    /// The answer as JSON.
    pub response: String,
}

/// Stores the answers of a group's fresh keys with one statement per
/// [`crate::db::ROWS_PER_INSERT`] keys. A key taken meanwhile by another request (of another
/// kind, or on another server) fails the group: nothing is acknowledged twice.
pub(crate) async fn store_answers(
    tx: &mut Transaction<'static, Any>,
    answers: &[NewAnswer],
    now: i64,
) -> Result<(), AppError> {
    use crate::db::{value_rows, ROWS_PER_INSERT};
    for rows in answers.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO idempotency_keys
               (account_id, idem_key, fingerprint, status_code, response, created_at)
             VALUES {}
             ON CONFLICT (account_id, idem_key) DO NOTHING",
            value_rows(rows.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for answer in rows {
            query = query
                .bind(&answer.account)
                .bind(&answer.key)
                .bind(&answer.fingerprint)
                .bind(answer.status)
                .bind(&answer.response)
                .bind(now);
        }
        let stored = query.execute(&mut **tx).await?;
        if stored.rows_affected() != rows.len() as u64 {
            return Err(AppError::Internal {
                message: "an idempotency key was used by two requests at once; retry".into(),
            });
        }
    }
    Ok(())
}

/// An answer stored with an idempotency key (the response is read only for its own request:
/// compare the fingerprint first).
#[derive(sqlx::FromRow)]
pub(crate) struct StoredAnswer {
    pub account_id: String,
    pub idem_key: String,
    pub fingerprint: String,
    pub response: String,
}

/// The answers stored for these (account, key) pairs, for a group writer's whole group: one
/// query per [`crate::db::ROWS_PER_INSERT`] pairs, by account and by key (each an indexed
/// list; pairs of one person's account and another's key are dropped here).
pub(crate) async fn stored_answers(
    tx: &mut Transaction<'static, Any>,
    keys: &[(&str, &str)],
) -> Result<HashMap<(String, String), StoredAnswer>, AppError> {
    use crate::db::{parameter_list, ROWS_PER_INSERT};
    let asked: HashSet<(&str, &str)> = keys.iter().copied().collect();
    let mut stored = HashMap::new();
    for keys in keys.chunks(ROWS_PER_INSERT) {
        let n = keys.len();
        let sql = format!(
            "SELECT account_id, idem_key, fingerprint, response FROM idempotency_keys
              WHERE account_id IN ({}) AND idem_key IN ({})",
            parameter_list(0, n),
            parameter_list(n, n)
        );
        let mut query = sqlx::query_as::<_, StoredAnswer>(&sql);
        for (account, _) in keys {
            query = query.bind(*account);
        }
        for (_, key) in keys {
            query = query.bind(*key);
        }
        for answer in query.fetch_all(&mut **tx).await? {
            if asked.contains(&(answer.account_id.as_str(), answer.idem_key.as_str())) {
                stored.insert((answer.account_id.clone(), answer.idem_key.clone()), answer);
            }
        }
    }
    Ok(stored)
}
