use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, ApiState};

/// The answer of a health check.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`: a server or database that is down does not answer 200.
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness: answers once the database answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    responses((status = 200, description = "The server and its database are up", body = Health)))]
pub async fn health(State(services): State<ApiState>) -> Result<Json<Health>, ApiError> {
    services.ping().await?;
    Ok(Json(Health { status: "ok" }))
}
