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
    use crate::models::Restored;
    let services = crate::request::use_services()?;
    let (line, selections, restored) = match code {
        Some(code) => {
            let saved = services.configurations().load_configuration(&code).await?;
            let restored = Restored {
                code: saved.code,
                saved_version: saved.catalog_version,
                current_version: saved.current_version,
                withdrawn: saved.withdrawn,
            };
            (saved.car_line, saved.selections, Some(restored))
        }
        None => {
            let line = match line {
                Some(line) => line,
                None => services
                    .campaigns()
                    .featured_campaign()
                    .await?
                    .map(|c| c.car_line)
                    .ok_or_else(|| AppError::not_found("car line"))?,
            };
            (line, Vec::new(), None)
        }
    };
    let compiled = services.catalogs().published_catalog(&line).await?;
    let selections = match pick {
        Some(pick) => pick
            .split(',')
            .filter(|id| compiled.catalog.option(id).is_some())
            .map(str::to_owned)
            .collect(),
        None => selections,
    };
    let campaign = services.campaigns().campaign_for_line(&line).await?;
    let thresholds = match &campaign {
        Some(c) => services.campaigns().campaign_thresholds(&c.id).await?,
        None => Vec::new(),
    };
    Ok(ConfiguratorData {
        catalog: (*compiled.catalog).clone(),
        campaign,
        selections,
        restored,
        thresholds,
    })
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
