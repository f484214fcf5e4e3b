//! Secure by default, with the real binary: alone it seeds no demo, and on a public address it
//! refuses to start while a default secret or the demo password is in effect, naming the
//! setting to change.

use std::process::Stdio;
use std::time::Duration;

use crate::common::process::{free_port, start};
use crate::common::TestDb;

/// Runs the binary with `vars` until it exits (at most 20 s); answers its exit code and
/// standard error.
async fn refused(vars: &[(&str, String)]) -> (Option<i32>, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_OUTPUT_NAME", "c2m-studio")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .expect("the server refuses at once instead of serving")
        .expect("run the server binary");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_public_address_refuses_default_secrets_and_the_demo_password() {
    let db = TestDb::new().await;
    let public = format!("0.0.0.0:{}", free_port());
    let base = [
        ("DATABASE_URL", db.url.clone()),
        ("C2M_ADDR", public.clone()),
        ("C2M_PAYMENT_SANDBOX", "on".to_string()),
    ];

    // Nothing but the address: the public sandbox secret is in effect.
    let (code, stderr) = refused(&base).await;
    assert_ne!(code, Some(0));
    assert!(stderr.contains("C2M_PAYMENT_SECRET"), "{stderr}");

    // A secret of our own, but the demo seeded with its published password.
    let mut demo = base.to_vec();
    demo.push(("C2M_PAYMENT_SECRET", "x".repeat(40)));
    demo.push(("C2M_SEED_DEMO", "on".to_string()));
    let (code, stderr) = refused(&demo).await;
    assert_ne!(code, Some(0));
    assert!(stderr.contains("C2M_DEMO_PASSWORD"), "{stderr}");
    assert!(
        !stderr.contains(&"x".repeat(40)),
        "the secret is never printed: {stderr}"
    );

    // Without the sandbox switched on there is no payment provider to serve with.
    let (code, stderr) = refused(&[
        ("DATABASE_URL", db.url.clone()),
        ("C2M_ADDR", format!("127.0.0.1:{}", free_port())),
    ])
    .await;
    assert_ne!(code, Some(0));
    assert!(stderr.contains("C2M_PAYMENT_SANDBOX"), "{stderr}");
}

#[tokio::test]
async fn the_binary_alone_opens_no_demo_account() {
    let db = TestDb::new().await;
    let port = free_port();
    // `start` runs the binary as an operator would: no C2M_SEED_DEMO of its own choosing.
    let _server = start(&db.url, port).await;
    let client = reqwest::Client::new();
    let login = client
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": "admin@demo.test", "password": "c2m-demo-2026"}))
        .send()
        .await
        .expect("login answered");
    assert_eq!(login.status(), 401, "no demo account exists");
    let lines = client
        .get(format!("http://127.0.0.1:{port}/api/v1/car-lines"))
        .send()
        .await
        .expect("car lines answered");
    let lines: serde_json::Value = lines.json().await.expect("json");
    assert_eq!(lines, serde_json::json!([]), "no demo car line");
}
