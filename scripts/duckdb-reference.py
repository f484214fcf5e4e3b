#!/usr/bin/env python3
"""The demand aggregation in DuckDB, as the reference for BENCHMARKS.md: the signals of the
demo campaign exported from the SQLite database to CSV, then the funnel per day, province and
sales mode, and the take rate of every option per signal, aggregated by DuckDB from the CSV.

    python3 scripts/duckdb-reference.py target/bench-demand/bench.db target/bench-demand
"""
import csv
import sqlite3
import sys
import time

import duckdb

db, out = sys.argv[1], sys.argv[2]
campaign = "xiaoman-presale"
con = sqlite3.connect(db)
started = time.perf_counter()
exports = {
    "configurations": "SELECT created_at, province, city, sales_mode, selections FROM configurations WHERE campaign_id = ? AND counted = 1",
    "orders": "SELECT created_at, province, city, sales_mode, selections, status FROM orders WHERE campaign_id = ? AND status IN ('reserved', 'locking', 'locked')",
}
for name, sql in exports.items():
    with open(f"{out}/{name}.csv", "w", newline="") as f:
        w = csv.writer(f)
        cur = con.execute(sql, (campaign,))
        w.writerow([d[0] for d in cur.description])
        w.writerows(cur)
export_s = time.perf_counter() - started

duck = duckdb.connect()
started = time.perf_counter()
funnel = duck.execute(f"""
    SELECT stage, day, province, sales_mode, COUNT(*) AS people FROM (
      SELECT 'configured' AS stage, (created_at + 28800000) // 86400000 AS day, province, sales_mode FROM read_csv_auto('{out}/configurations.csv')
      UNION ALL
      SELECT CASE WHEN status = 'locked' THEN 'locked' ELSE 'reserved' END, (created_at + 28800000) // 86400000, province, sales_mode FROM read_csv_auto('{out}/orders.csv'))
    GROUP BY ALL""").fetchall()
options = duck.execute(f"""
    SELECT stage, option, COUNT(*) AS people FROM (
      SELECT 'configured' AS stage, unnest(CAST(json(selections) AS VARCHAR[])) AS option FROM read_csv_auto('{out}/configurations.csv')
      UNION ALL
      SELECT CASE WHEN status = 'locked' THEN 'locked' ELSE 'reserved' END, unnest(CAST(json(selections) AS VARCHAR[])) FROM read_csv_auto('{out}/orders.csv'))
    GROUP BY ALL""").fetchall()
aggregate_s = time.perf_counter() - started
print({
    "export_csv_s": round(export_s, 2),
    "duckdb_aggregate_s": round(aggregate_s, 2),
    "funnel_cells": len(funnel),
    "option_figures": len(options),
    "duckdb": duckdb.__version__,
})
