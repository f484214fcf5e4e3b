//! The real server binary, started on a free port and stopped (or SIGKILLed) by tests.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// Whether the server on `port` answers its health check.
pub async fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let request = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    response.starts_with(b"HTTP/1.1 200")
}

/// One HTTP/1.1 request over a fresh connection; `None` when the connection fails or drops
/// (a killed server acknowledges nothing).
pub async fn post(port: u16, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let text = String::from_utf8_lossy(&response);
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let (_, body) = text.split_once("\r\n\r\n")?;
    Some((status, body.to_string()))
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts the server binary on `url` and `port` (payments confirm after 200 ms; auction
/// deadlines are checked every second) and waits until it is healthy.
pub async fn start(url: &str, port: u16) -> Child {
    start_with(url, port, &[], None).await
}

/// [`start`] with more environment variables, and its log (stdout and stderr, at warn) in
/// `log` if given.
pub async fn start_with(
    url: &str,
    port: u16,
    vars: &[(&str, &str)],
    log: Option<&std::path::Path>,
) -> Child {
    let (out, err) = match log {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("the server's log file");
            (
                Stdio::from(file.try_clone().expect("log file")),
                Stdio::from(file),
            )
        }
        None => (server_log(), server_log()),
    };
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", url)
        .env("C2M_ADDR", format!("127.0.0.1:{port}"))
        .env("C2M_PAYMENT_SANDBOX", "on")
        .env("C2M_SANDBOX_DELAY_MS", "200")
        .env(
            "C2M_LOG",
            std::env::var("C2M_TEST_SERVER_LEVEL").unwrap_or_else(|_| "warn".into()),
        )
        .env("LEPTOS_OUTPUT_NAME", "c2m-studio")
        .envs(vars.iter().copied())
        .stdout(out)
        .stderr(err)
        .kill_on_drop(true)
        .spawn()
        .expect("start the server binary");
    for _ in 0..200 {
        if healthy(port).await {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

/// Where the spawned servers' log goes: `C2M_TEST_SERVER_LOG` (a file, appended to) while
/// debugging, nowhere otherwise; `C2M_TEST_SERVER_LEVEL` sets its level (default warn).
fn server_log() -> Stdio {
    std::env::var("C2M_TEST_SERVER_LOG")
        .ok()
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map(Stdio::from)
        .unwrap_or_else(Stdio::null)
}
