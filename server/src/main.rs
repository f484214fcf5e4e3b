//! The C2M Studio server binary.
//!
//! `server` (or `server serve`) starts the web server; `server migrate` only applies the
//! migrations; `server seed-demo` seeds the demo into an empty database; `server create-admin
//! LOGIN` creates the first admin account (password from `C2M_ADMIN_PASSWORD`, else read
//! from standard input); `server seed-demand --reservations N` seeds the demo if needed and
//! generates realistic demand for its campaign (three saved configurations per reservation
//! unless `--configurations` says otherwise); `server demand-recount` recounts a campaign's
//! demand from its signals, says whether the kept cells equalled it, and rebuilds them.

use std::process::ExitCode;

use server::config::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("configuration error: {message}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(&settings.log);
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    let result = match command.as_str() {
        "serve" => server::serve(settings).await,
        "migrate" => server::connect(&settings).await.map(|_| ()),
        "seed-demo" => match server::connect(&settings).await {
            Ok(services) => match services.seed_demo(settings.demo_password.expose()).await {
                Ok(seeded) => services
                    .auctions()
                    .seed_demo_auction(settings.demo_password.expose())
                    .await
                    .map(|auction| tracing::info!(seeded, auction, "demo seed"))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e),
        },
        "create-admin" => create_admin(&settings).await,
        "seed-demand" => seed_demand(&settings).await,
        "demand-recount" => demand_recount(&settings).await,
        "-h" | "--help" | "help" => {
            println!("usage: server [serve | migrate | seed-demo | create-admin LOGIN | seed-demand --reservations N [--configurations M] [--campaign ID] [--seed S] | demand-recount [--campaign ID]]\nSettings come from the environment; see README.md.");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`; try `server --help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Creates an admin account: the bootstrap for a fresh production database.
async fn create_admin(settings: &Settings) -> Result<(), String> {
    let login = std::env::args()
        .nth(2)
        .ok_or("usage: server create-admin LOGIN (an e-mail address or mobile number)")?;
    let password = match std::env::var("C2M_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!("password for {login} (then Enter):");
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let services = server::connect(settings).await?;
    let account = services
        .accounts()
        .create_account(services::accounts::NewAccount {
            login: &login,
            password: &password,
            display_name: Some("Admin"),
            role: models::Role::Admin,
            org_id: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    println!("created admin account {} ({login})", account.id);
    Ok(())
}

/// The value after `--name` on the command line.
fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn number_arg(name: &str) -> Result<Option<u64>, String> {
    arg(name)
        .map(|v| v.parse().map_err(|e| format!("{name} `{v}`: {e}")))
        .transpose()
}

/// Generates demand for a campaign (the demo's by default) and prints what it wrote.
async fn seed_demand(settings: &Settings) -> Result<(), String> {
    let reservations = number_arg("--reservations")?
        .ok_or("usage: server seed-demand --reservations N [--configurations M] [--campaign ID] [--seed S]")?;
    let services = server::connect(settings).await?;
    services
        .seed_demo(settings.demo_password.expose())
        .await
        .map_err(|e| e.to_string())?;
    let mut plan = services::demo::demand::DemandPlan::reservations(reservations);
    if let Some(c) = number_arg("--configurations")? {
        plan.configurations = c.max(reservations);
    }
    if let Some(s) = number_arg("--seed")? {
        plan.seed = s;
    }
    let campaign = arg("--campaign").unwrap_or_else(|| services::DEMO_CAMPAIGN_ID.into());
    let generated = services
        .demand()
        .generate_demand(&campaign, &plan)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::json!({
            "campaign": campaign,
            "rows": generated.rows,
            "distinct_configurations": generated.distinct_configurations,
            "insert_ms": generated.insert_ms as u64,
            "recount_ms": generated.recount_ms as u64,
            "cells": generated.cells,
        })
    );
    Ok(())
}

/// Recounts a campaign's demand from its signals, compares, and rebuilds the cells.
async fn demand_recount(settings: &Settings) -> Result<(), String> {
    let campaign = arg("--campaign").unwrap_or_else(|| services::DEMO_CAMPAIGN_ID.into());
    let services = server::connect(settings).await?;
    let started = std::time::Instant::now();
    let recount = services
        .demand()
        .recount_demand(&campaign)
        .await
        .map_err(|e| e.to_string())?;
    let recount_ms = started.elapsed().as_millis() as u64;
    let stored = services
        .demand()
        .stored_demand(&campaign)
        .await
        .map_err(|e| e.to_string())?;
    let equal = recount == stored;
    let started = std::time::Instant::now();
    let cells = services
        .demand()
        .rebuild_demand(&campaign)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::json!({
            "campaign": campaign,
            "recount_ms": recount_ms,
            "kept_cells_equal_recount": equal,
            "rebuild_ms": started.elapsed().as_millis() as u64,
            "cells": cells,
        })
    );
    Ok(())
}
