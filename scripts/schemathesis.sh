#!/usr/bin/env bash
# The API against its own OpenAPI document: Schemathesis generates requests from the document
# (examples, boundary values, random data) and checks every answer — no 5xx, only documented
# statuses and content types, bodies that fit their schemas — once as the demo consumer and
# once as the demo marketer, on a fresh SQLite file. Any failure fails the script.
# Expects `cargo leptos build --release --split` to have run (make test does); SERVER_BIN
# points it at another build of the server (e.g. target/debug/server).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SCHEMATHESIS_PORT:-3108}
server_bin=${SERVER_BIN:-target/server-release/server}
# Test cases per operation and phase: both runs stay within a few minutes on two cores.
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-15}
password=${C2M_DEMO_PASSWORD:-c2m-demo-2026}
dir=target/schemathesis
base="http://127.0.0.1:$port"

# Schemathesis from PyPI, in a venv of the repository (git-ignored).
venv=.venv
if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis>=4.1,<5'
fi

rm -rf "$dir" && mkdir -p "$dir"
DATABASE_URL="sqlite://$dir/c2m.db" C2M_ADDR="127.0.0.1:$port" C2M_SEED_DEMO=on C2M_PAYMENT_SANDBOX=on \
  C2M_DEMO_PASSWORD="$password" C2M_LOG=warn \
  LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD \
  "$server_bin" > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT

for _ in $(seq 240); do
  if curl -fsS "$base/api/v1/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$dir/server.log"; exit 1; fi
  sleep 0.5
done
curl -fsS "$base/api/v1/health" >/dev/null

# Both sessions first: the fuzzed logins of the first run make the login limiter back off for
# this client address.
token() {
  curl -fsS -H 'content-type: application/json' \
    -d "{\"login\": \"$1\", \"password\": \"$password\"}" "$base/api/v1/auth/login" |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
consumer=$(token consumer@demo.test)
marketer=$(token marketer@demo.test)

status=0
for who in consumer marketer; do
  echo "== Schemathesis as $who@demo.test"
  # Logging out would end the session the rest of the run uses. The live stream of an existing
  # auction never ends: it is read until the request timeout.
  "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer ${!who}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" \
    --exclude-path /api/v1/auth/logout \
    --request-timeout 5 \
    --workers 2 \
    --seed 16 \
    --no-color \
    --report junit --report-dir "$dir/report-$who" || status=1
done
if [ $status -ne 0 ]; then
  echo "Schemathesis found failures (server log: $dir/server.log)"
fi
exit $status
