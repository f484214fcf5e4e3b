use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::Path;
use super::openapi::ErrorBody;
use super::{ApiError, ApiState};

/// A car line and its published catalog version.
#[derive(Serialize, ToSchema)]
pub struct CarLine {
    /// Stable id, used in every other call.
    id: String,
    /// Names in Chinese and English.
    name: Names,
    /// The catalog version on sale, if one is published.
    published_version: Option<i64>,
}

/// A name in both languages.
#[derive(Serialize, ToSchema)]
pub struct Names {
    zh: String,
    en: String,
}

/// Every car line.
#[utoipa::path(get, path = "/api/v1/car-lines", tag = "catalog",
    responses((status = 200, description = "The car lines", body = [CarLine])))]
pub async fn car_lines(State(services): State<ApiState>) -> Result<Json<Vec<CarLine>>, ApiError> {
    let lines = services.catalogs().car_lines().await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| CarLine {
                id: l.id,
                name: Names {
                    zh: l.name_zh,
                    en: l.name_en,
                },
                published_version: l.published_version,
            })
            .collect(),
    ))
}

/// The published catalog of a car line: groups, options, rules, prices (fen).
#[utoipa::path(get, path = "/api/v1/car-lines/{line}/catalog", tag = "catalog",
    params(("line" = String, Path, description = "Car line id")),
    responses(
        (status = 200, description = "The published catalog (see the Catalog schema)", body = configurator::Catalog),
        (status = 400, description = "A path parameter does not parse (`invalid_path`)", body = ErrorBody),
        (status = 404, description = "Unknown car line", body = ErrorBody)))]
pub async fn catalog(
    State(services): State<ApiState>,
    Path(line): Path<String>,
) -> Result<Json<configurator::Catalog>, ApiError> {
    let compiled = services.catalogs().published_catalog(&line).await?;
    Ok(Json((*compiled.catalog).clone()))
}
