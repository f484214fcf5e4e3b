//! The connection pool. One set of SQL runs on SQLite and on PostgreSQL through sqlx's `Any`
//! driver: placeholders are `$1`, integers are 64-bit, times are UTC milliseconds, booleans
//! are 0/1, so both backends behave the same. Each backend has its own migration folder.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyTypeInfo, AnyValueRef};
use sqlx::decode::Decode;
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::{Any, AnyPool, Database, Executor, Type};

use models::error::AppError;

/// The pool type used everywhere.
pub type Db = AnyPool;

/// The database behind a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// Production.
    Postgres,
}

impl Backend {
    /// Tells the backend from a `DATABASE_URL`.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens a pool and applies the migrations of its backend.
pub async fn connect(url: &str) -> Result<(Db, Backend), AppError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url);
    let url = match backend {
        Backend::Sqlite => sqlite_url(url)?,
        Backend::Postgres => url.to_string(),
    };
    let options: AnyConnectOptions = url.parse().map_err(|e: sqlx::Error| AppError::Internal {
        message: format!("DATABASE_URL is not usable: {e}"),
    })?;
    let pool = match backend {
        Backend::Sqlite => {
            AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets readers work during a write; the busy timeout makes a
                        // writer wait for the lock instead of failing at once.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await?
        }
        Backend::Postgres => {
            AnyPoolOptions::new()
                .max_connections(16)
                .connect_with(options)
                .await?
        }
    };
    // One schema for both backends: the SQL is the dialect both understand (BIGINT integers,
    // TEXT, UTC milliseconds), so one folder cannot drift into two schemas.
    sqlx::migrate!("../migrations").run(&pool).await?;
    // What the shared dialect cannot say: the ledger refuses UPDATE and DELETE.
    let mut tx = pool.begin().await?;
    tx.execute(match backend {
        Backend::Sqlite => crate::ledger::SQLITE_APPEND_ONLY,
        Backend::Postgres => crate::ledger::POSTGRES_APPEND_ONLY,
    })
    .await?;
    tx.commit().await?;
    Ok((pool, backend))
}

/// Rows of one statement at most in a multi-row insert: far below both backends' limits on
/// bound parameters (SQLite 32,766, PostgreSQL 65,535) for the widest table written this way.
pub(crate) const ROWS_PER_INSERT: usize = 500;

/// The `VALUES` list of a multi-row insert of `rows` rows of `width` columns:
/// `($1, $2), ($3, $4)` for two rows of two. One statement for many rows is one round trip and
/// one parse where a statement per row would be many.
pub(crate) fn value_rows(rows: usize, width: usize) -> String {
    value_rows_after(0, rows, width)
}

/// [`value_rows`] numbered after the statement's first `before` parameters.
pub(crate) fn value_rows_after(before: usize, rows: usize, width: usize) -> String {
    let mut sql = String::with_capacity(rows * width * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(before + row * width + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// The parameters `$before+1, …, $before+n`, for `x IN (…)`: a plain list, which PostgreSQL
/// turns into `= ANY(…)` on the column's index, where a `VALUES` list may be joined by a scan
/// of the whole table.
pub(crate) fn parameter_list(before: usize, n: usize) -> String {
    (before + 1..=before + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON document in a TEXT column, typed: a row struct holds `Json<Quote>` where it would
/// otherwise hold a `String` and call `serde_json::from_str` on it. Reading fails as a decode
/// error of its column (which [`AppError`] reports as unreadable stored data); writing
/// serialises with `serde_json::to_string`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The document.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Type<Any> for Json<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T: DeserializeOwned> Decode<'r, Any> for Json<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        // A row's values are borrowed from it: no copy of the text before parsing.
        let text = <&'r str as Decode<'r, Any>>::decode(value)?;
        Ok(Json(serde_json::from_str(text)?))
    }
}

impl<'q, T: Serialize> Encode<'q, Any> for Json<T> {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Any>>::encode(serde_json::to_string(&self.0)?, buf)
    }
}

/// Makes sure an SQLite file can be created: its folder exists and `mode=rwc` is set.
fn sqlite_url(url: &str) -> Result<String, AppError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| AppError::Internal {
            message: format!("DATABASE_URL must start with sqlite: or postgres://, not `{url}`"),
        })?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| AppError::Internal {
                message: format!(
                    "cannot create the database folder {}: {e}",
                    parent.display()
                ),
            })?;
        }
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(
            sqlite_url("sqlite://data/c2m.db").unwrap(),
            "sqlite://data/c2m.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url("sqlite:x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
        assert!(sqlite_url("mysql://x").is_err());
        assert_eq!(Backend::of_url("postgres://h/db"), Backend::Postgres);
    }

    #[tokio::test]
    async fn json_columns_round_trip_and_refuse_what_is_not_their_type() {
        sqlx::any::install_default_drivers();
        let db: Db = AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        type Names = Json<Vec<String>>;
        let written = Json(vec!["a".to_string(), "b\"c".to_string()]);
        let (read, text, missing): (Names, String, Option<Names>) =
            sqlx::query_as("SELECT $1, $1, NULL")
                .bind(&written)
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(read, written);
        assert_eq!(text, r#"["a","b\"c"]"#);
        assert_eq!(missing, None);

        let wrong = sqlx::query_scalar::<_, Json<Vec<String>>>("SELECT '{\"a\": 1}'")
            .fetch_one(&db)
            .await
            .unwrap_err();
        assert!(matches!(wrong, sqlx::Error::ColumnDecode { .. }), "{wrong}");
        // Read as unreadable stored data, as `serde_json::from_str(..)?` was.
        assert_eq!(
            AppError::from(wrong),
            AppError::Internal {
                message: "stored data could not be read".into()
            }
        );
        let number = sqlx::query_scalar::<_, Json<i64>>("SELECT 1")
            .fetch_one(&db)
            .await;
        assert!(number.is_err());
    }

    #[test]
    fn value_rows_number_the_parameters_row_by_row() {
        assert_eq!(value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(1, 1), "($1)");
        assert_eq!(value_rows(0, 4), "");
        assert_eq!(value_rows_after(1, 2, 1), "($2), ($3)");
        assert_eq!(parameter_list(1, 3), "$2, $3, $4");
    }
}
