#!/usr/bin/env bash
# A launch-day rush: reservations per second into one batch, end to end over HTTP against the
# release server, with the oversell check and the database's own limit in the same run.
#   scripts/bench-rush.sh sqlite|postgres [load generator flags, e.g. --consumers 6000 --cap 5000 --concurrency 64]
# PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432) gets a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
shift || true
port=${BENCH_PORT:-3400}
dir=target/bench-rush
mkdir -p "$dir"

cargo build -q --profile server-release -p server --bin server --example rush_load --example auction_load
bin=${CARGO_TARGET_DIR:-target}/server-release

case "$backend" in
  sqlite)
    rm -f "$dir"/bench.db*
    url="sqlite://$dir/bench.db"
    ;;
  postgres)
    pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
    name="c2m_rush_$$"
    psql "$pg/test" -qc "CREATE DATABASE $name"
    url="$pg/$name"
    ;;
  *) echo "usage: $0 sqlite|postgres [flags]" >&2; exit 2 ;;
esac

DATABASE_URL="$url" C2M_ADDR="127.0.0.1:$port" C2M_SEED_DEMO=on C2M_PAYMENT_SANDBOX=on C2M_LOG=${RUSH_LOG:-warn} \
  C2M_SANDBOX_DELAY_MS=${RUSH_SANDBOX_DELAY_MS:-300} C2M_DEMO_PASSWORD=c2m-demo-2026 LEPTOS_OUTPUT_NAME=c2m-studio "$bin/server" > "$dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  if [ "$backend" = postgres ]; then
    psql "$pg/test" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "== rush ($backend), load average $(cut -d' ' -f1-3 /proc/loadavg) =="
"$bin/examples/rush_load" --url "http://127.0.0.1:$port" --database "$url" "$@" | tee "$dir/result-$backend.json"
kill $server 2>/dev/null || true
wait $server 2>/dev/null || true

echo "== database limit ($backend): one-row update per transaction =="
if [ "$backend" = sqlite ]; then
  rm -f "$dir"/limit.db*
  "$bin/examples/auction_load" --db-limit "sqlite://$dir/limit.db" --seconds 10 | tee "$dir/limit.txt"
  limit=$(sed -n 's/.*"tps":\([0-9.]*\).*/\1/p' "$dir/limit.txt")
else
  psql "$url" -qc "CREATE TABLE bench (id INT PRIMARY KEY, v BIGINT NOT NULL); INSERT INTO bench VALUES (1, 0);"
  echo "UPDATE bench SET v = v + 1 WHERE id = 1;" > "$dir/update.sql"
  limit=
  for clients in 1 8; do
    tps=$(pgbench -n -T 10 -c $clients -f "$dir/update.sql" "$url" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    echo "pgbench, $clients client(s): $tps one-row updates/s"
    [ -n "$limit" ] || limit=$tps
  done
fi
rate=$(sed -n 's/.*"reservations_per_second": \([0-9.]*\).*/\1/p' "$dir/result-$backend.json")
awk -v r="$rate" -v l="$limit" 'BEGIN { if (l > 0) printf "ratio: %.0f reservations/s over %.0f one-row updates/s (one client) = %.2f\n", r, l, r / l }'
