//! API tokens for the demand feed: random, shown once, stored as SHA-256, one OEM each,
//! revocable. Only an OEM's own members manage its tokens.

use crate::accounts::{require_role, token_hash};
use crate::{now_ms, share_code};
use models::error::AppError;
use models::{Account, ApiTokenView, NewApiToken, Role};

/// What every token starts with, so a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "c2m_";

fn member_org(account: &Account) -> Result<&str, AppError> {
    require_role(account, &[Role::Oem], "manage API tokens")?;
    account.org_id.as_deref().ok_or(AppError::Forbidden {
        message: "this account belongs to no OEM".into(),
    })
}

/// The columns of an [`ApiTokenRow`].
const TOKEN_COLUMNS: &str = "id, name, prefix, created_at, last_used_at, revoked_at";

/// A token as its OEM sees it (never its hash).
#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: String,
    name: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<ApiTokenRow> for ApiTokenView {
    fn from(row: ApiTokenRow) -> ApiTokenView {
        ApiTokenView {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

impl crate::Demand<'_> {
    /// Creates a token for the member's OEM; the answer is the only place its secret appears.
    pub async fn create_api_token(
        self,
        account: &Account,
        name: &str,
    ) -> Result<NewApiToken, AppError> {
        let org = member_org(account)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(AppError::invalid(
                "name",
                "name the token in 1 to 80 characters, e.g. the system that uses it",
            ));
        }
        let secret = format!("{TOKEN_PREFIX}{}", share_code::token(40));
        let id = format!("t_{}", share_code::token(12));
        let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO api_tokens (id, org_id, name, token_hash, prefix, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(org)
        .bind(name)
        .bind(token_hash(&secret))
        .bind(&prefix)
        .bind(&account.id)
        .bind(now)
        .execute(&self.db)
        .await?;
        tracing::info!(token = %id, org = %org, "API token created");
        Ok(NewApiToken {
            token: ApiTokenView {
                id,
                name: name.to_string(),
                prefix,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            },
            secret,
        })
    }

    /// The member's OEM's tokens, newest first.
    pub async fn api_tokens(self, account: &Account) -> Result<Vec<ApiTokenView>, AppError> {
        let org = member_org(account)?;
        let rows: Vec<ApiTokenRow> = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(org)
        .fetch_all(&self.db)
        .await?;
        Ok(rows.into_iter().map(ApiTokenView::from).collect())
    }

    /// Revokes a token of the member's OEM (another OEM's token is not found). Revoking twice
    /// answers the first revocation.
    pub async fn revoke_api_token(
        self,
        account: &Account,
        id: &str,
    ) -> Result<ApiTokenView, AppError> {
        let org = member_org(account)?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .bind(org)
            .execute(&self.db)
            .await?;
        let row: ApiTokenRow = sqlx::query_as(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1 AND org_id = $2"
        ))
        .bind(id)
        .bind(org)
        .fetch_optional(&self.db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("token {id}")))?;
        Ok(row.into())
    }

    /// The OEM a feed token belongs to, if it is one of ours and not revoked.
    pub async fn api_token_org(self, secret: &str) -> Result<Option<String>, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
            return Ok(None);
        }
        let hash = token_hash(secret);
        let org: Option<String> = sqlx::query_scalar(
            "SELECT org_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&hash)
        .fetch_optional(&self.db)
        .await?;
        if org.is_some() {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now_ms())
                .bind(&hash)
                .execute(&self.db)
                .await?;
        }
        Ok(org)
    }
}
