#!/usr/bin/env bash
# The OEM dashboard at scale: generate N reservations (and 3N saved configurations) for the
# demo campaign, serve it with the release server, and time the demand report over HTTP with
# an OEM token under several filters; then the full recount, and the same aggregation in
# DuckDB on a CSV export of the same signals (the reference).
#   scripts/bench-demand.sh sqlite|postgres [RESERVATIONS]   (default 1,000,000)
# PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432) gets a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
n=${2:-1000000}
port=${BENCH_PORT:-3310}
dir=target/bench-demand
mkdir -p "$dir"

cargo build -q --profile server-release -p server --bin server --example demand_load
bin=${CARGO_TARGET_DIR:-target}/server-release

case "$backend" in
  sqlite)
    rm -f "$dir"/bench.db*
    url="sqlite://$dir/bench.db"
    ;;
  postgres)
    pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
    name="c2m_demand_$$"
    psql "$pg/test" -qc "CREATE DATABASE $name"
    url="$pg/$name"
    ;;
  *) echo "usage: $0 sqlite|postgres [reservations]" >&2; exit 2 ;;
esac
drop_db() { [ "$backend" = postgres ] && psql "$pg/test" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true; }

echo "== seed-demand --reservations $n ($backend)"
DATABASE_URL="$url" C2M_LOG=warn "$bin/server" seed-demand --reservations "$n" | tee "$dir/seed-$backend.json"

DATABASE_URL="$url" C2M_ADDR="127.0.0.1:$port" C2M_PAYMENT_SANDBOX=on C2M_LOG=warn \
  LEPTOS_OUTPUT_NAME=c2m-studio "$bin/server" > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; drop_db' EXIT
for _ in $(seq 240); do
  curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.5
done

base="http://127.0.0.1:$port/api/v1"
session=$(curl -fsS -H 'content-type: application/json' -H "origin: http://127.0.0.1:$port" \
  -d '{"login":"oem@demo.test","password":"c2m-demo-2026"}' "$base/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
token=$(curl -fsS -H 'content-type: application/json' -H "origin: http://127.0.0.1:$port" -H "authorization: Bearer $session" \
  -d '{"name":"bench"}' "$base/oem/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')

echo "== dashboard over HTTP (one request at a time)"
"$bin/examples/demand_load" --url "http://127.0.0.1:$port" --token "$token" --requests "${REQUESTS:-50}" | tee "$dir/load-$backend.json"
kill $server; wait $server 2>/dev/null || true

echo "== full recount (and whether the kept cells equalled it)"
DATABASE_URL="$url" C2M_LOG=warn "$bin/server" demand-recount | tee "$dir/recount-$backend.json"

if [ "$backend" = sqlite ]; then
  echo "== DuckDB reference on a CSV export of the same signals"
  python3 scripts/duckdb-reference.py "$dir/bench.db" "$dir"
fi
