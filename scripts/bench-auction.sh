#!/usr/bin/env bash
# Bids per second on one hot auction and bid-to-watcher latency, end to end over HTTP against
# the release server, plus the database's own limit in the same run.
#   scripts/bench-auction.sh sqlite|postgres [load generator flags, e.g. --watchers 1000]
# PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432) gets a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
shift || true
port=${BENCH_PORT:-3300}
dir=target/bench-auction
mkdir -p "$dir"

cargo build -q --profile server-release -p server --bin server --example auction_load
bin=${CARGO_TARGET_DIR:-target}/server-release

case "$backend" in
  sqlite)
    rm -f "$dir"/bench.db*
    url="sqlite://$dir/bench.db"
    ;;
  postgres)
    pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
    name="c2m_bench_$$"
    psql "$pg/test" -qc "CREATE DATABASE $name"
    trap 'psql "$pg/test" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
    url="$pg/$name"
    ;;
  *) echo "usage: $0 sqlite|postgres [flags]" >&2; exit 2 ;;
esac

# Every watcher of the load generator comes from 127.0.0.1: lift the per-address stream cap
# (8 in production) and the process's (10,000) above the watchers asked for.
streams=${BENCH_STREAMS:-20000}
DATABASE_URL="$url" C2M_ADDR="127.0.0.1:$port" C2M_STREAMS_PER_CLIENT=$streams C2M_STREAMS_TOTAL=$streams C2M_SEED_DEMO=on C2M_PAYMENT_SANDBOX=on C2M_LOG=warn C2M_SANDBOX_DELAY_MS=20 \
  LEPTOS_OUTPUT_NAME=c2m-studio "$bin/server" > "$dir/server.log" 2>&1 &
server=$!
cleanup_server() { kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; }
trap 'cleanup_server; [ "$backend" = postgres ] && psql "$pg/test" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "== auction load ($backend) =="
"$bin/examples/auction_load" --url "http://127.0.0.1:$port" "$@"
cleanup_server

echo "== database limit ($backend): one-row update per transaction =="
if [ "$backend" = sqlite ]; then
  rm -f "$dir"/limit.db*
  "$bin/examples/auction_load" --db-limit "sqlite://$dir/limit.db" --seconds 10
else
  psql "$url" -qc "CREATE TABLE bench (id INT PRIMARY KEY, v BIGINT NOT NULL); INSERT INTO bench VALUES (1, 0);"
  echo "UPDATE bench SET v = v + 1 WHERE id = 1;" > "$dir/update.sql"
  for clients in 1 8; do
    pgbench -n -T 10 -c $clients -f "$dir/update.sql" "$url" 2>/dev/null | grep -E "^(number of clients|tps)"
  done
fi
