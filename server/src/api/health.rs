use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::{ApiError, ApiState};

/// Liveness: answers once the database answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "meta",
    responses((status = 200, description = "The server and its database are up", body = Object, example = json!({"status": "ok"}))))]
pub async fn health(State(services): State<ApiState>) -> Result<Json<Value>, ApiError> {
    services.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}
