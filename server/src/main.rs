//! The C2M Studio server binary.
//!
//! `server` (or `server serve`) starts the web server; `server migrate` only applies the
//! migrations; `server seed-demo` seeds the demo into an empty database.

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
            Ok(services) => services
                .seed_demo()
                .await
                .map(|seeded| tracing::info!(seeded, "demo seed"))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        },
        "-h" | "--help" | "help" => {
            println!("usage: server [serve | migrate | seed-demo]\nSettings come from the environment; see README.md.");
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
