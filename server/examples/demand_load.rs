//! The dashboard's server time under load: a demand report requested again and again over
//! HTTP with an OEM API token, under the filters an OEM uses (none, a sales mode, a province,
//! a date range, all together), one request at a time; prints p50, p90, p99 per filter as JSON.
//!
//!   demand_load --url http://127.0.0.1:3000 --token c2m_... [--campaign ID] [--requests 50]
//!
//! `scripts/bench-demand.sh` seeds the data set, starts the release server, makes the token
//! and runs this.

use std::time::Instant;

use serde_json::{json, Value};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = arg("--url").unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let token = arg("--token").ok_or("--token c2m_... is required")?;
    let campaign = arg("--campaign").unwrap_or_else(|| "xiaoman-presale".into());
    let requests: usize = arg("--requests")
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(50);
    let client = reqwest::Client::new();
    let get = |query: String| {
        let client = client.clone();
        let url = format!("{url}/api/v1/demand/{campaign}{query}");
        let token = token.clone();
        async move {
            let started = Instant::now();
            let response = client.get(&url).bearer_auth(&token).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if !status.is_success() {
                return Err(format!("{url}: {status} {}", String::from_utf8_lossy(&body)).into());
            }
            Ok::<(f64, Vec<u8>), Box<dyn std::error::Error>>((ms, body.to_vec()))
        }
    };
    // The span of the data decides the date-range filter.
    let (_, first) = get(String::new()).await?;
    let report: Value = serde_json::from_slice(&first)?;
    let (from, to) = match report["span"].as_array() {
        Some(span) => (
            span[0].as_str().unwrap_or("").to_string(),
            span[1].as_str().unwrap_or("").to_string(),
        ),
        None => (String::new(), String::new()),
    };
    let middle_from = report["trend"]
        .as_array()
        .and_then(|t| t.get(t.len() / 3))
        .and_then(|d| d["date"].as_str())
        .unwrap_or(&from)
        .to_string();
    let filters = [
        ("none", String::new()),
        ("sales_mode", "?sales_mode=lease".to_string()),
        ("province", "?province=guangdong".to_string()),
        ("date_range", format!("?from={middle_from}&to={to}")),
        (
            "all",
            format!("?sales_mode=purchase&province=zhejiang&from={middle_from}&to={to}"),
        ),
        ("csv", ".csv".to_string()),
    ];
    let mut out = serde_json::Map::new();
    for (name, query) in filters {
        let query = if name == "csv" { String::new() } else { query };
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let q = query.clone();
            let (ms, _) = if name == "csv" {
                let started = Instant::now();
                let response = client
                    .get(format!("{url}/api/v1/demand/{campaign}.csv"))
                    .bearer_auth(&token)
                    .send()
                    .await?;
                let _ = response.bytes().await?;
                (started.elapsed().as_secs_f64() * 1000.0, Vec::new())
            } else {
                get(q).await?
            };
            times.push(ms);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        out.insert(
            name.into(),
            json!({
                "p50_ms": (percentile(&times, 0.5) * 10.0).round() / 10.0,
                "p90_ms": (percentile(&times, 0.9) * 10.0).round() / 10.0,
                "p99_ms": (percentile(&times, 0.99) * 10.0).round() / 10.0,
                "requests": requests,
            }),
        );
    }
    println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
    Ok(())
}
