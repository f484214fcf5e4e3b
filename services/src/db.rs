//! The connection pool. One set of SQL runs on SQLite and on PostgreSQL through sqlx's `Any`
//! driver: placeholders are `$1`, integers are 64-bit, times are UTC milliseconds, booleans
//! are 0/1, so both backends behave the same. Each backend has its own migration folder.

use std::path::Path;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

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
    Ok((pool, backend))
}

/// Rows of one statement at most in a multi-row insert: far below both backends' limits on
/// bound parameters (SQLite 32,766, PostgreSQL 65,535) for the widest table written this way.
pub(crate) const ROWS_PER_INSERT: usize = 500;

/// The `VALUES` list of a multi-row insert of `rows` rows of `width` columns:
/// `($1, $2), ($3, $4)` for two rows of two. One statement for many rows is one round trip and
/// one parse where a statement per row would be many.
pub(crate) fn value_rows(rows: usize, width: usize) -> String {
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
            sql.push_str(&(row * width + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
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

    #[test]
    fn value_rows_number_the_parameters_row_by_row() {
        assert_eq!(value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(1, 1), "($1)");
        assert_eq!(value_rows(0, 4), "");
    }
}
