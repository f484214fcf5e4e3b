use leptos::prelude::*;

use crate::error::AppError;
use crate::models::ConfiguratorData;

/// The catalog and starting point of the configurator: a car line's published catalog, or a
/// saved configuration (by share code) re-checked against it. `pick` (comma-separated option
/// ids, from the page's address) is where the visitor left off; it replaces the starting
/// selections, and ids the catalog does not have are ignored.
#[server(endpoint = "load_configurator")]
pub async fn load_configurator(
    line: Option<String>,
    code: Option<String>,
    pick: Option<String>,
) -> Result<ConfiguratorData, AppError> {
    crate::request::use_services()?
        .configurations()
        .configurator(line.as_deref(), code.as_deref(), pick.as_deref())
        .await
}

/// Re-checks a configuration on the server and saves it; answers the share code.
#[server(endpoint = "save_configuration")]
pub async fn save_configuration(line: String, selections: Vec<String>) -> Result<String, AppError> {
    let services = crate::request::use_services()?;
    // A signed-in person's configuration counts as theirs (their latest one counts).
    let account = crate::request::request_account(&services).await?;
    services
        .configurations()
        .save_configuration_by(account.as_ref(), &line, &selections)
        .await
}
