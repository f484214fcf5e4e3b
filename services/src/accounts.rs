//! Accounts, passwords and sessions. Passwords are stored as Argon2id PHC strings; a session
//! is a random 256-bit token held by the client (cookie or bearer) of which only the SHA-256
//! is stored, so a leaked database does not leak live sessions.

use sha2::{Digest, Sha256};

use super::now_ms;
use models::error::AppError;
use models::{Account, Role};

/// How long a session lives without a new login.
pub const SESSION_TTL_MS: i64 = 7 * models::time::DAY_MS;

/// Shortest password accepted.
const MIN_PASSWORD: usize = 8;

/// A login as typed: an e-mail address or a mainland mobile number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    /// Lower-cased e-mail address.
    Email(String),
    /// Eleven digits, `1` first (a `+86` prefix and spaces are dropped).
    Mobile(String),
}

impl Login {
    /// Reads a login, or explains what a login must look like.
    pub fn parse(text: &str) -> Result<Login, AppError> {
        let text = text.trim();
        if text.contains('@') {
            let email = text.to_lowercase();
            let valid = email.len() <= 254
                && email.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                })
                && !email.chars().any(char::is_whitespace);
            return if valid {
                Ok(Login::Email(email))
            } else {
                Err(AppError::invalid(
                    "login",
                    "not an e-mail address (like name@example.com)",
                ))
            };
        }
        let digits: String = text
            .strip_prefix("+86")
            .unwrap_or(text)
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if digits.len() == 11
            && digits.starts_with('1')
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            Ok(Login::Mobile(digits))
        } else {
            Err(AppError::invalid(
                "login",
                "enter an e-mail address or an 11-digit mobile number",
            ))
        }
    }

    fn column(&self) -> &'static str {
        match self {
            Login::Email(_) => "email",
            Login::Mobile(_) => "mobile",
        }
    }

    fn value(&self) -> &str {
        match self {
            Login::Email(v) | Login::Mobile(v) => v,
        }
    }
}

/// A new account's details.
pub struct NewAccount<'a> {
    /// E-mail or mobile.
    pub login: &'a str,
    /// Clear-text password (hashed here).
    pub password: &'a str,
    /// Name shown in the UI; defaults to the login.
    pub display_name: Option<&'a str>,
    /// Role.
    pub role: Role,
    /// OEM organisation (required for [`Role::Oem`]).
    pub org_id: Option<&'a str>,
}

/// A new session: the token goes to the client once.
pub struct Session {
    /// The bearer token / cookie value.
    pub token: String,
    /// The account.
    pub account: Account,
    /// Expiry (UTC milliseconds).
    pub expires_at: i64,
}

impl crate::Accounts<'_> {
    /// Creates an account after validating it (login format, password length, role and
    /// organisation).
    pub async fn create_account(self, new: NewAccount<'_>) -> Result<Account, AppError> {
        if new.password.chars().count() < MIN_PASSWORD {
            return Err(AppError::invalid(
                "password",
                format!("use at least {MIN_PASSWORD} characters"),
            ));
        }
        if new.password.len() > 1024 {
            return Err(AppError::invalid("password", "at most 1024 bytes"));
        }
        let password = new.password.to_string();
        // Argon2 is deliberately slow: off the async workers, and within the hashing limit.
        let hash = self
            .hashing
            .run(move || password_auth::generate_hash(password))
            .await?;
        self.insert_account(&new, &hash).await
    }

    /// Registers a consumer and opens their first session: what both doors (the register form
    /// and `POST /api/v1/auth/register`) do. A blank display name counts as none (the login is
    /// shown instead), whichever door it came through. One client address registers at most
    /// [`crate::quota::REGISTRATIONS`] accounts an hour (a registration that fails does not
    /// count): each costs a password hash and a row.
    pub async fn register_consumer(
        self,
        login: &str,
        password: &str,
        display_name: Option<&str>,
        client: &str,
    ) -> Result<Session, AppError> {
        let key = format!("addr:{client}");
        self.registrations.take(&key, now_ms())?;
        let display_name = display_name.filter(|name| !name.trim().is_empty());
        let account = self
            .create_account(NewAccount {
                login,
                password,
                display_name,
                role: Role::Consumer,
                org_id: None,
            })
            .await;
        let account = match account {
            Ok(account) => account,
            Err(error) => {
                self.registrations.give_back(&key);
                return Err(error);
            }
        };
        self.open_session(&account.id).await
    }

    /// Stores an account with an already computed password hash (bulk imports and tests).
    pub async fn insert_account(
        self,
        new: &NewAccount<'_>,
        password_hash: &str,
    ) -> Result<Account, AppError> {
        let login = Login::parse(new.login)?;
        let display_name = new.display_name.map(str::trim).unwrap_or(login.value());
        if display_name.is_empty() || display_name.chars().count() > 60 {
            return Err(AppError::invalid("display_name", "1 to 60 characters"));
        }
        let org_id = match (new.role, new.org_id) {
            (Role::Oem, None) => {
                return Err(AppError::invalid(
                    "org_id",
                    "an OEM team member belongs to an organisation",
                ))
            }
            (_, org) => org,
        };
        let id = super::share_code::token(12);
        let (email, mobile) = match &login {
            Login::Email(e) => (Some(e.as_str()), None),
            Login::Mobile(m) => (None, Some(m.as_str())),
        };
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, email, mobile, password_hash, role, org_id, display_name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(email)
        .bind(mobile)
        .bind(password_hash)
        .bind(new.role.as_str())
        .bind(org_id)
        .bind(display_name)
        .bind(now_ms())
        .execute(&self.db)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AppError::LoginTaken)
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Account {
            id,
            email: email.map(str::to_string),
            mobile: mobile.map(str::to_string),
            role: new.role,
            org_id: org_id.map(str::to_string),
            display_name: display_name.to_string(),
        })
    }

    /// Checks a login and password and opens a session. Failed attempts back off per account
    /// and per client address (see [`crate::limiter`]); an unknown login costs a verification
    /// like a known one, so the time of the answer does not tell whether the account exists.
    pub async fn login(
        self,
        login: &str,
        password: &str,
        client: &str,
    ) -> Result<Session, AppError> {
        let login = Login::parse(login).map_err(|_| AppError::InvalidCredentials)?;
        let account_key = format!("login:{}", login.value());
        let client_key = format!("addr:{client}");
        // Counted from here; given back if no answer is reached (busy, database failure).
        let attempt = self
            .limiter
            .attempt(&[&account_key, &client_key], now_ms())?;
        let row: Option<(String, String)> = sqlx::query_as(&format!(
            "SELECT id, password_hash FROM accounts WHERE {} = $1",
            login.column()
        ))
        .bind(login.value())
        .fetch_optional(&self.db)
        .await?;
        let (account_id, hash): (Option<String>, Option<String>) = match row {
            Some((id, hash)) => (Some(id), Some(hash)),
            None => (None, None),
        };
        let password = password.to_string();
        let verified = self
            .hashing
            .run(move || {
                let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
                password_auth::verify_password(password, hash).is_ok()
            })
            .await?;
        let Some(account_id) = account_id.filter(|_| verified) else {
            attempt.failed();
            return Err(AppError::InvalidCredentials);
        };
        attempt.succeeded();
        self.open_session(&account_id).await
    }

    /// The most password hashes (and verifications) that ran at once so far, and how many
    /// ran (for tests).
    #[doc(hidden)]
    pub fn hashing_counts(self) -> (usize, usize) {
        self.hashing.counts()
    }

    /// Opens a session for an account (after a login or a registration).
    pub async fn open_session(self, account_id: &str) -> Result<Session, AppError> {
        let account = self
            .account(account_id)
            .await?
            .ok_or_else(|| AppError::not_found("account"))?;
        let token = super::share_code::token(43);
        let now = now_ms();
        let expires_at = now + SESSION_TTL_MS;
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(account_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.db)
        .await?;
        Ok(Session {
            token,
            account,
            expires_at,
        })
    }

    /// The account behind a session token, if the session is live.
    pub async fn session_account(self, token: &str) -> Result<Option<Account>, AppError> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        // One query, not a session read then an account read: every signed-in request pays it.
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT a.id, a.email, a.mobile, a.role, a.org_id, a.display_name
               FROM sessions s JOIN accounts a ON a.id = s.account_id
              WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(&self.db)
        .await?;
        row.map(Account::try_from).transpose()
    }

    /// Ends a session (unknown tokens are ignored).
    pub async fn logout(self, token: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash(token))
            .bind(now_ms())
            .execute(&self.db)
            .await?;
        Ok(())
    }

    /// One account by id.
    pub async fn account(self, id: &str) -> Result<Option<Account>, AppError> {
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, email, mobile, role, org_id, display_name FROM accounts WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db)
        .await?;
        row.map(Account::try_from).transpose()
    }

    /// Creates an OEM organisation (idempotent by id).
    pub async fn ensure_organisation(self, id: &str, name: &str) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(now_ms())
        .execute(&self.db)
        .await?;
        Ok(())
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "c2m_session";

/// The `Set-Cookie` value for a session token (an empty value and age 0 clear it).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

/// A cookie's value out of `Cookie` header values.
pub fn cookie_value<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<String> {
    headers
        .into_iter()
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Requires one of `roles`, or explains who may do this.
pub fn require_role(account: &Account, roles: &[Role], what: &str) -> Result<(), AppError> {
    if roles.contains(&account.role) {
        Ok(())
    } else {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(AppError::forbidden(format!(
            "only {} accounts may {what}",
            names.join(" or ")
        )))
    }
}

/// A hash no password is checked against but for logins without an account: verifying
/// against it costs what verifying a real one costs. Made once (with the same parameters as
/// every hash), on the first unknown login, inside the hashing limit.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash(super::share_code::token(24)))
}

pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An account as stored (without its password hash): `id, email, mobile, role, org_id,
/// display_name`.
#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    email: Option<String>,
    mobile: Option<String>,
    role: String,
    org_id: Option<String>,
    display_name: String,
}

impl TryFrom<AccountRow> for Account {
    type Error = AppError;

    fn try_from(row: AccountRow) -> Result<Account, AppError> {
        Ok(Account {
            role: Role::parse(&row.role).ok_or_else(|| AppError::Internal {
                message: format!("unknown stored role `{}`", row.role),
            })?,
            id: row.id,
            email: row.email,
            mobile: row.mobile,
            org_id: row.org_id,
            display_name: row.display_name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Login;

    #[test]
    fn logins() {
        assert_eq!(
            Login::parse(" Li.Wei@Example.COM ").unwrap(),
            Login::Email("li.wei@example.com".into())
        );
        assert_eq!(
            Login::parse("+86 138-0013-8000").unwrap(),
            Login::Mobile("13800138000".into())
        );
        assert!(Login::parse("12345").is_err());
        assert!(Login::parse("a@b").is_err());
        assert!(Login::parse("@b.cn").is_err());
    }
}
