//! The `configurator` binary end to end on the demo catalog (a product catalog read as a
//! feature model): its JSON answers and its exit codes.

use std::process::Command;

use serde_json::{json, Value};

const CATALOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../seed/catalogs/xiaoman.toml");

/// Runs the binary; answers its exit code and its output as JSON.
fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_configurator"))
        .args(args)
        .output()
        .expect("the binary runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    });
    (out.status.code().expect("an exit code"), json)
}

#[test]
fn propagate_with_reasons_and_explain() {
    let (code, p) = run(&["propagate", CATALOG, "--select", "lease", "--reasons"]);
    assert_eq!(code, 0, "{p}");
    assert_eq!(p["satisfiable"], true);
    assert_eq!(p["conflict"], json!([]));
    assert_eq!(p["options"]["lease"], "selected");
    assert_eq!(p["options"]["purchase"], "excluded");
    assert_eq!(p["options"]["pack_fixed"], "excluded");
    assert_eq!(
        p["reasons"]["lease"],
        json!({ "kind": "chosen", "because": [] })
    );
    assert_eq!(
        p["reasons"]["pack_fixed"],
        json!({ "kind": "implied", "because": [{ "select": "lease" }] })
    );
    assert!(p["ms"].is_number() && p["sat_calls"].is_number());

    let (code, e) = run(&[
        "explain",
        CATALOG,
        "--select",
        "lease",
        "--option",
        "pack_fixed",
    ]);
    assert_eq!(code, 0, "{e}");
    assert_eq!(e["state"], "excluded");
    assert_eq!(e["because"], json!([{ "select": "lease" }]));
    assert_eq!(e["by_model_alone"], false);
}

#[test]
fn analyze_and_bench() {
    let (code, a) = run(&["analyze", CATALOG]);
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["consistent"], true);
    assert_eq!(a["features"], 31);
    assert_eq!(a["core_count"], 0);
    assert_eq!(a["dead_count"], 0);

    let (code, b) = run(&["bench", CATALOG, "--clicks", "5", "--seed", "1"]);
    assert_eq!(code, 0, "{b}");
    assert_eq!(b["clicks"], 5);
    assert_eq!(b["mismatches_vs_baseline"], 0, "{b}");
}

#[test]
fn errors_are_json_with_exit_code_2() {
    let (code, e) = run(&[]);
    assert_eq!(code, 2);
    assert!(e["error"]
        .as_str()
        .unwrap()
        .starts_with("usage: configurator"));
    let (code, e) = run(&["propagate", CATALOG, "--select", "no_such_option"]);
    assert_eq!(code, 2);
    assert_eq!(e["error"], "unknown feature `no_such_option`");
}
