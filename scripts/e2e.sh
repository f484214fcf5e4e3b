#!/usr/bin/env bash
# Browser tests: the release server on a fresh SQLite file, then Playwright in Debian's chromium.
# Expects `cargo leptos build --release --split` to have run (make test does).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${E2E_PORT:-3107}
dir=target/e2e
rm -rf "$dir" && mkdir -p "$dir"

# Deadlines are checked every half second so a threshold test need not wait half a minute.
# Generated demand (10,000 reservations) gives the OEM dashboard test real figures, enough that
# complete configurations reach K whatever the weekday (3,000 did not on some days).
DATABASE_URL="sqlite://$dir/c2m.db" C2M_ADDR="127.0.0.1:$port" C2M_SEED_DEMO=on C2M_PAYMENT_SANDBOX=on C2M_LOG=warn C2M_DEADLINE_CHECK_MS=500 C2M_DEMO_DEMAND=10000 \
  LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD \
  target/server-release/server > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT

# cargo-leptos does not wait for the server; we do.
for _ in $(seq 120); do
  if curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$dir/server.log"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null

BASE_URL="http://127.0.0.1:$port" npx playwright test --config end2end/playwright.config.ts "$@"
