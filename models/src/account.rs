use serde::{Deserialize, Serialize};

/// What an account may do. Self-registration gives [`Role::Consumer`]; the other roles are
/// created by an admin (or by the demo seed).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Configures, votes, reserves and locks orders.
    Consumer,
    /// Runs campaigns, polls and auctions.
    Marketer,
    /// A member of an OEM's product team: sees the demand of the OEM's own car lines.
    Oem,
    /// Manages accounts and organisations.
    Admin,
}

impl Role {
    /// Every role, in the order of the authorization matrix.
    pub const ALL: [Role; 4] = [Role::Consumer, Role::Marketer, Role::Oem, Role::Admin];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Consumer => "consumer",
            Role::Marketer => "marketer",
            Role::Oem => "oem",
            Role::Admin => "admin",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// An account as its owner (and the server) sees it. Never carries the password hash.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Stable id.
    pub id: String,
    /// Login e-mail, if registered with one.
    pub email: Option<String>,
    /// Login mobile number, if registered with one.
    pub mobile: Option<String>,
    /// What the account may do.
    pub role: Role,
    /// The OEM organisation of an OEM team member.
    pub org_id: Option<String>,
    /// Name shown in the UI.
    pub display_name: String,
}
