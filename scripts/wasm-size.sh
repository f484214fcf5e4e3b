#!/usr/bin/env bash
# Size of the release wasm bundle as shipped: raw, gzip -9 and brotli -q 11.
# Expects `cargo leptos build --release` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v brotli >/dev/null || { apt-get update -qq && apt-get install -y -qq brotli >/dev/null; }
for f in target/site/pkg/c2m-studio.wasm target/site/pkg/c2m-studio.js target/site/pkg/c2m-studio.css; do
  printf '%-34s raw %8d  gzip %8d  brotli %8d bytes\n' "$f" \
    "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)" "$(brotli -q 11 -c "$f" | wc -c)"
done
