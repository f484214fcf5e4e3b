//! The one error type of the application. It crosses the wire (server functions and the JSON
//! API both render it), so it is serializable; the conversions from server-only errors exist
//! only with the `sqlx` feature (the services').

use configurator::Reason;
use serde::{Deserialize, Serialize};

use crate::payment::CallbackRefusal;
use crate::OrderStatus;

/// Everything that can go wrong, each with a stable machine-readable code.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    /// No car line with this id.
    #[error("unknown car line `{line}`")]
    UnknownCarLine {
        /// The id that was asked for.
        line: String,
    },
    /// Option ids that the catalog does not have.
    #[error("unknown option(s): {}", options.join(", "))]
    UnknownOption {
        /// The ids that were not found.
        options: Vec<String>,
    },
    /// A share code that cannot be one (wrong length or characters).
    #[error("`{code}` is not a configuration code: codes are 8 letters and digits")]
    MalformedCode {
        /// The code as received.
        code: String,
    },
    /// Something that does not exist (a code, a campaign, a page).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The choices break the catalog's rules.
    #[error("the configuration breaks the catalog's rules")]
    InvalidConfiguration {
        /// A minimal set of clashing choices and the rules between them.
        conflict: Vec<Reason>,
    },
    /// The choices are consistent but something required is still open.
    #[error("the configuration is not complete: still to choose {}", open_groups.join(", "))]
    IncompleteConfiguration {
        /// The groups that still need a choice.
        open_groups: Vec<String>,
    },
    /// Input that is malformed in some other way.
    #[error("{message}")]
    BadRequest {
        /// What is wrong with it.
        message: String,
    },
    /// The request needs a logged-in account.
    #[error("please log in first")]
    Unauthenticated,
    /// The account's role does not allow this.
    #[error("{message}")]
    Forbidden {
        /// What is not allowed.
        message: String,
    },
    /// Wrong login or password (the answer does not tell which).
    #[error("the login or the password is wrong")]
    InvalidCredentials,
    /// Too many login attempts; try again later.
    #[error("too many login attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// Too many accounts registered from this client address lately; try again later.
    #[error("too many accounts were registered from this address; try again in {retry_after_secs} seconds")]
    TooManyRegistrations {
        /// Seconds until a registration from this address is accepted again.
        retry_after_secs: u64,
    },
    /// The e-mail address or mobile number already has an account.
    #[error("an account with this login already exists")]
    LoginTaken,
    /// A field that fails validation, with what is wrong in words.
    #[error("{field}: {message}")]
    InvalidField {
        /// The field, as named in the request.
        field: String,
        /// What is wrong and what would be right.
        message: String,
    },
    /// The campaign does not take reservations now.
    #[error("{message}")]
    CampaignNotOpen {
        /// Why (not yet open, closed).
        message: String,
    },
    /// Every batch of the campaign is full.
    #[error("all batches of this campaign are full")]
    SoldOut,
    /// The account already has an active order in this campaign.
    #[error("you already have an active reservation in this campaign")]
    AlreadyReserved,
    /// The order is not in a state that allows this.
    #[error("{message}")]
    OrderState {
        /// The order's current status.
        status: OrderStatus,
        /// Why the action is refused.
        message: String,
    },
    /// A step that must be confirmed explicitly (locking an order).
    #[error("{message}")]
    ConfirmationRequired {
        /// What the confirmation means, in plain words.
        message: String,
    },
    /// The idempotency key was used before for a different request.
    #[error("this idempotency key was already used for a different request")]
    IdempotencyKeyReused,
    /// An auction refused the request: the rule it broke, in words and as a code.
    #[error("{message}")]
    AuctionRule {
        /// The rule's code (`below_minimum`, `ended`, `deposit_too_low`, ...).
        rule: String,
        /// The rule in words, with the amounts that apply.
        message: String,
        /// The amounts behind the refusal (minimum, maximum, top-up needed, ...); boxed, so
        /// that every `Result<_, AppError>` stays small.
        details: Option<Box<RuleDetails>>,
    },
    /// The poll no longer takes votes.
    #[error("the poll closed")]
    PollClosed,
    /// The server is at its limit for this kind of work (password hashing, live streams);
    /// nothing was done, and the same request may be sent again later.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// This client already follows as many live streams as one client may.
    #[error("this client already follows {limit} live streams; close one to open another")]
    TooManyStreams {
        /// How many streams one client may follow at once.
        limit: u64,
    },
    /// A payment provider's callback whose signature is missing or wrong: nothing was read
    /// from it, whatever id it names.
    #[error("the callback signature is missing or not valid")]
    BadSignature,
    /// A payment provider's callback, correctly signed, that is not applied: stale, replayed,
    /// or for another amount than ours.
    #[error("callback refused ({reason}): {message}")]
    CallbackRefused {
        /// Why.
        reason: CallbackRefusal,
        /// What was wrong, in words.
        message: String,
    },
    /// A failure on our side; details are in the server log, not in the answer.
    #[error("internal error: {message}")]
    Internal {
        /// A short description safe to show.
        message: String,
    },
}

/// The amounts behind an auction's refusal of a bid or a proxy maximum: the refusal's `code`
/// (the same as the error's `rule`) and the amounts of that refusal, the others absent (not
/// `null`) on the wire. Amounts are fen, times UTC milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDetails {
    /// The rule's code (`below_minimum`, `deposit_too_low`, ...).
    #[serde(default)]
    pub code: String,
    /// `not_started`: when bidding opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    /// `ended`: when bidding ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// `clock_went_back`: the request's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    /// `clock_went_back`: the last accepted request's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<i64>,
    /// `below_minimum`, `proxy_below_minimum`: the lowest valid bid now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    /// `above_max_raise`: the highest valid bid now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<i64>,
    /// `deposit_too_low`: the deposit the amount needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<i64>,
    /// `deposit_too_low`: how much more deposit the bidder must pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_up: Option<i64>,
    /// `proxy_not_raised`: the bidder's current maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<i64>,
    /// `deposit_above_maximum`: the deposit paid or pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<i64>,
    /// `deposit_above_maximum`: the most that can still be paid in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_up_max: Option<i64>,
}

impl AppError {
    /// The stable code, as in `{"error": code}`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::UnknownCarLine { .. } => "unknown_car_line",
            AppError::UnknownOption { .. } => "unknown_option",
            AppError::MalformedCode { .. } => "malformed_code",
            AppError::NotFound { .. } => "not_found",
            AppError::InvalidConfiguration { .. } => "invalid_configuration",
            AppError::IncompleteConfiguration { .. } => "incomplete_configuration",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden { .. } => "forbidden",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::TooManyRegistrations { .. } => "too_many_registrations",
            AppError::LoginTaken => "login_taken",
            AppError::InvalidField { .. } => "invalid_field",
            AppError::CampaignNotOpen { .. } => "campaign_not_open",
            AppError::SoldOut => "sold_out",
            AppError::AlreadyReserved => "already_reserved",
            AppError::OrderState { .. } => "order_state",
            AppError::ConfirmationRequired { .. } => "confirmation_required",
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::PollClosed => "poll_closed",
            AppError::AuctionRule { .. } => "auction_rule",
            AppError::Busy { .. } => "busy",
            AppError::TooManyStreams { .. } => "too_many_streams",
            AppError::BadSignature => "bad_signature",
            AppError::CallbackRefused { .. } => "callback_refused",
            AppError::Internal { .. } => "internal",
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::UnknownCarLine { .. } | AppError::NotFound { .. } => 404,
            AppError::UnknownOption { .. }
            | AppError::InvalidConfiguration { .. }
            | AppError::IncompleteConfiguration { .. } => 422,
            AppError::MalformedCode { .. } | AppError::BadRequest { .. } => 400,
            AppError::Unauthenticated | AppError::InvalidCredentials | AppError::BadSignature => {
                401
            }
            AppError::Forbidden { .. } => 403,
            AppError::RateLimited { .. }
            | AppError::TooManyRegistrations { .. }
            | AppError::TooManyStreams { .. } => 429,
            AppError::InvalidField { .. }
            | AppError::ConfirmationRequired { .. }
            | AppError::IdempotencyKeyReused => 422,
            AppError::LoginTaken
            | AppError::CampaignNotOpen { .. }
            | AppError::SoldOut
            | AppError::AlreadyReserved
            | AppError::OrderState { .. }
            | AppError::PollClosed
            | AppError::AuctionRule { .. }
            | AppError::CallbackRefused { .. } => 409,
            AppError::Internal { .. } => 500,
            AppError::Busy { .. } => 503,
        }
    }

    /// For refusals that pass with time: the seconds to wait (the `Retry-After` header).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::TooManyRegistrations { retry_after_secs }
            | AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Shorthand for [`AppError::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    /// Shorthand for [`AppError::InvalidField`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`AppError::Forbidden`].
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden {
            message: message.into(),
        }
    }

    /// Shorthand for [`AppError::BadRequest`].
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
        }
    }
}

#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr;
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::BadRequest { message }
            }
            other => AppError::Internal {
                message: other.to_string(),
            },
        }
    }
}

#[cfg(feature = "sqlx")]
mod storage {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            // A typed JSON column (`services::db::Json`) that does not parse: stored JSON, as
            // when the services parsed the text themselves.
            if let sqlx::Error::ColumnDecode { source, .. } = &error {
                if source.downcast_ref::<serde_json::Error>().is_some() {
                    tracing::error!(%error, "stored JSON could not be read");
                    return AppError::Internal {
                        message: "stored data could not be read".into(),
                    };
                }
            }
            tracing::error!(%error, "database error");
            AppError::Internal {
                message: "database error".into(),
            }
        }
    }

    impl From<sqlx::migrate::MigrateError> for AppError {
        fn from(error: sqlx::migrate::MigrateError) -> Self {
            tracing::error!(%error, "migration error");
            AppError::Internal {
                message: format!("migration failed: {error}"),
            }
        }
    }

    impl From<serde_json::Error> for AppError {
        fn from(error: serde_json::Error) -> Self {
            tracing::error!(%error, "stored JSON could not be read");
            AppError::Internal {
                message: "stored data could not be read".into(),
            }
        }
    }
}
