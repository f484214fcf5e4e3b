#!/usr/bin/env bash
# Size of the release wasm as shipped: raw, gzip -9 and brotli -q 11. The main bundle is what
# every page loads; pages split out (`--split`) load their chunks when first visited.
# Expects `cargo leptos build --release --split` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v brotli >/dev/null || { apt-get update -qq && apt-get install -y -qq brotli >/dev/null; }
pkg=target/site/pkg
size() { printf '%-58s raw %8d  gzip %8d  brotli %8d bytes\n' "$1" "$(cat "${@:2}" | wc -c)" \
  "$(for f in "${@:2}"; do gzip -9c "$f"; done | wc -c)" "$(for f in "${@:2}"; do brotli -q 11 -c "$f"; done | wc -c)"; }
size "$pkg/c2m-studio.wasm (main bundle)" "$pkg/c2m-studio.wasm"
size "$pkg/c2m-studio.js" "$pkg/c2m-studio.js"
size "$pkg/c2m-studio.css" "$pkg/c2m-studio.css"
shopt -s nullglob
for f in "$pkg"/split___*.wasm; do
  name=${f##*/split___}
  size "  route chunk ${name%%_view_*}" "$f"
done
chunks=("$pkg"/chunk_*.wasm)
((${#chunks[@]})) && size "  ${#chunks[@]} shared chunks (each loaded with the routes that need it)" "${chunks[@]}"
