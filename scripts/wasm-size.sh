#!/usr/bin/env bash
# Size of the release wasm as shipped: raw, gzip -9 and brotli -q 11. The main bundle is what
# every page loads (it holds the islands of the landing and configurator pages); a page with a
# lazy island (`#[island(lazy)]`, split out by `--split`) also loads that island's chunks.
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
for f in "$pkg"/split_*.wasm; do
  name=${f##*/split_}
  size "  island chunk ${name%%_loader_*}" "$f"
done
chunks=("$pkg"/chunk_*.wasm)
((${#chunks[@]})) && size "  ${#chunks[@]} shared chunks (each loaded with the islands that need it)" "${chunks[@]}"

# What the first page with each lazy island downloads: the main bundle plus the chunks the
# splitter's manifest lists for the island.
manifest=$pkg/__wasm_split_manifest.json
if [ -f "$manifest" ] && command -v python3 >/dev/null; then
  python3 - "$pkg" <<'PY'
import json, os, subprocess, sys
pkg = sys.argv[1]
sizes = {}
def brotli(name):
    if name not in sizes:
        path = os.path.join(pkg, name + ".wasm")
        sizes[name] = len(subprocess.run(["brotli", "-q", "11", "-c", path], capture_output=True, check=True).stdout) if os.path.exists(path) else 0
    return sizes[name]
main = brotli("c2m-studio")
for route, chunks in sorted(json.load(open(os.path.join(pkg, "__wasm_split_manifest.json"))).items()):
    name = route.split("_loader_")[0]
    print(f"main bundle + the {name:<13} island: brotli {main + sum(brotli(c) for c in chunks):8d} bytes in total")
PY
fi
