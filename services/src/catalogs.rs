//! Car lines and their versioned catalogs. A catalog version is stored whole (as JSON of
//! [`configurator::Catalog`]) and compiled once per process into an [`Engine`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use configurator::{Catalog, Choice, Engine};

use super::db::Json;
use super::now_ms;
use models::error::AppError;
use models::CheckResult;

/// Most selections a check accepts; a real car has a few dozen.
const MAX_SELECTIONS: usize = 512;

/// A catalog version with its compiled engine.
pub struct CompiledCatalog {
    /// The catalog as published.
    pub catalog: Arc<Catalog>,
    /// One engine per core: concurrent checks (a launch's reservations, the configurator's
    /// clicks) run side by side instead of queueing on one lock.
    engines: Vec<Mutex<Engine>>,
    /// Where the next caller that finds every engine busy waits.
    next: std::sync::atomic::AtomicUsize,
    /// The groups and rule pairs the demand release needs, worked out once.
    demand: std::sync::OnceLock<Arc<super::demand::DemandRules>>,
}

impl CompiledCatalog {
    /// What the demand release must know of this catalog (computed on first use: one engine
    /// check per option).
    pub fn demand_rules(&self) -> Arc<super::demand::DemandRules> {
        self.demand
            .get_or_init(|| Arc::new(super::demand::DemandRules::of(self)))
            .clone()
    }

    /// An engine of this catalog: a free one if any, else the next in turn (a check takes
    /// well under a millisecond).
    pub fn engine(&self) -> MutexGuard<'_, Engine> {
        for engine in &self.engines {
            match engine.try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        let turn =
            self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.engines.len();
        self.engines[turn]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks selections (option ids in the order chosen) and prices them.
    pub fn check(&self, selections: &[String]) -> Result<CheckResult, AppError> {
        if selections.len() > MAX_SELECTIONS {
            return Err(AppError::bad_request(format!(
                "at most {MAX_SELECTIONS} selections are accepted"
            )));
        }
        let unknown: Vec<String> = selections
            .iter()
            .filter(|id| self.catalog.option(id).is_none())
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(AppError::UnknownOption { options: unknown });
        }
        let mut seen = std::collections::HashSet::new();
        let choices: Vec<Choice> = selections
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| Choice::Select(id.clone()))
            .collect();
        let mut engine = self.engine();
        let check = engine.check(&choices);
        let price = engine.quote(&check);
        Ok(CheckResult { check, price })
    }
}

#[derive(Default)]
pub(super) struct CatalogCache(Mutex<HashMap<(String, u32), Arc<CompiledCatalog>>>);

/// A car line as listed by the API.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct CarLineSummary {
    /// Stable id.
    pub id: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The published catalog version, if any.
    pub published_version: Option<i64>,
}

impl crate::Catalogs<'_> {
    /// Every car line with its published version.
    pub async fn car_lines(self) -> Result<Vec<CarLineSummary>, AppError> {
        Ok(sqlx::query_as(
            "SELECT l.id, l.name_zh, l.name_en,
                    (SELECT MAX(v.version) FROM catalog_versions v
                      WHERE v.car_line = l.id AND v.status = 'published') AS published_version
               FROM car_lines l ORDER BY l.id",
        )
        .fetch_all(&self.db)
        .await?)
    }

    /// The published catalog of a car line, compiled.
    pub async fn published_catalog(self, line: &str) -> Result<Arc<CompiledCatalog>, AppError> {
        let version: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM catalog_versions WHERE car_line = $1 AND status = 'published'",
        )
        .bind(line)
        .fetch_one(&self.db)
        .await?;
        let version = version.ok_or_else(|| AppError::UnknownCarLine { line: line.into() })?;
        self.catalog_version(line, version as u32).await
    }

    /// A given catalog version of a car line, compiled (cached per process).
    pub async fn catalog_version(
        self,
        line: &str,
        version: u32,
    ) -> Result<Arc<CompiledCatalog>, AppError> {
        self.catalog_version_with(&self.db, line, version).await
    }

    /// [`Services::catalog_version`] read through `executor` on a cache miss: inside a
    /// transaction, its own connection (waiting for a second one from the pool while holding
    /// SQLite's write lock could wait for ever).
    pub(crate) async fn catalog_version_with<'e, E>(
        self,
        executor: E,
        line: &str,
        version: u32,
    ) -> Result<Arc<CompiledCatalog>, AppError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let key = (line.to_string(), version);
        if let Some(hit) = self.cache().get(&key) {
            return Ok(hit.clone());
        }
        let body: Option<Json<Catalog>> = sqlx::query_scalar(
            "SELECT body FROM catalog_versions WHERE car_line = $1 AND version = $2",
        )
        .bind(line)
        .bind(i64::from(version))
        .fetch_optional(executor)
        .await?;
        let Json(catalog) = body.ok_or_else(|| AppError::UnknownCarLine { line: line.into() })?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let engines = (0..cores)
            .map(|_| Engine::new(catalog.clone()).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::Internal {
                message: format!("stored catalog {line} v{version} does not compile: {e}"),
            })?;
        let compiled = Arc::new(CompiledCatalog {
            catalog: Arc::new(catalog),
            engines,
            next: Default::default(),
            demand: Default::default(),
        });
        self.cache().insert(key, compiled.clone());
        Ok(compiled)
    }

    /// Validates a catalog and publishes it as the car line's current version; earlier
    /// published versions are retired. Creates the car line if it is new.
    pub async fn publish_catalog(self, catalog: &Catalog) -> Result<(), AppError> {
        Engine::new(catalog.clone()).map_err(|e| AppError::bad_request(e.to_string()))?;
        let now = now_ms();
        let body = serde_json::to_string(catalog)?;
        let mut tx = self.db.begin().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM car_lines WHERE id = $1")
            .bind(&catalog.car_line)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            sqlx::query(
                "INSERT INTO car_lines (id, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&catalog.car_line)
            .bind(&catalog.name.zh)
            .bind(&catalog.name.en)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE catalog_versions SET status = 'retired' WHERE car_line = $1 AND status = 'published'",
        )
        .bind(&catalog.car_line)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO catalog_versions (car_line, version, status, body, created_at, published_at)
             VALUES ($1, $2, 'published', $3, $4, $4)",
        )
        .bind(&catalog.car_line)
        .bind(i64::from(catalog.version))
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn cache(&self) -> MutexGuard<'_, HashMap<(String, u32), Arc<CompiledCatalog>>> {
        self.catalog_cache
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
