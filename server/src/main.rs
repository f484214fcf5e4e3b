//! The C2M Studio server binary.
//!
//! `server` (or `server serve`) starts the web server; `server migrate` only applies the
//! migrations; `server seed-demo` seeds the demo into an empty database; `server create-admin
//! LOGIN` creates the first admin account (password from `C2M_ADMIN_PASSWORD`, else read
//! from standard input).

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
            Ok(services) => match services.seed_demo(&settings.demo_password).await {
                Ok(seeded) => services
                    .seed_demo_auction(&settings.demo_password)
                    .await
                    .map(|auction| tracing::info!(seeded, auction, "demo seed"))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e),
        },
        "create-admin" => create_admin(&settings).await,
        "-h" | "--help" | "help" => {
            println!("usage: server [serve | migrate | seed-demo | create-admin LOGIN]\nSettings come from the environment; see README.md.");
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
        .create_account(app::services::accounts::NewAccount {
            login: &login,
            password: &password,
            display_name: Some("Admin"),
            role: app::models::Role::Admin,
            org_id: None,
        })
        .await
        .map_err(|e| e.to_string())?;
    println!("created admin account {} ({login})", account.id);
    Ok(())
}
