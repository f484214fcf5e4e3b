# C2M Studio. `make run` serves the app with a demo campaign; `make test` runs every check.
# Both install what is missing first (scripts/setup.sh).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

DATABASE_URL ?= sqlite://data/c2m.db
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
C2M_DEMO_PASSWORD ?= c2m-demo-2026
# Reservations of generated demand for the OEM dashboard of a freshly seeded demo.
C2M_DEMO_DEMAND ?= 20000

.PHONY: setup run build test lint unit wasm-check release e2e schemathesis test-postgres bench bench-demand bench-rush fmt

setup:
	@scripts/setup.sh

## Build (release) and serve on http://127.0.0.1:3000 with the demo campaign on SQLite.
run: setup
	@echo "C2M Studio: http://127.0.0.1:3000  (database: $(DATABASE_URL))"
	@echo "Demo accounts: consumer@demo.test, marketer@demo.test, oem@demo.test (demand dashboard at /oem), admin@demo.test"
	@echo "Demo password: $(C2M_DEMO_PASSWORD)  (set C2M_DEMO_PASSWORD to change it)"
	DATABASE_URL=$(DATABASE_URL) C2M_SEED_DEMO=on C2M_PAYMENT_SANDBOX=on C2M_DEMO_PASSWORD=$(C2M_DEMO_PASSWORD) C2M_DEMO_DEMAND=$(C2M_DEMO_DEMAND) cargo leptos serve --release --split

build: setup
	cargo leptos build --release --split

## Everything CI runs on SQLite: format, lints, unit/property/server tests, release build, browser
## tests, and Schemathesis against the API's OpenAPI document.
test: setup lint unit release e2e schemathesis

lint:
	cargo fmt --all -- --check
	cargo clippy -p money -p configurator -p feature-model -p configurator-cli --all-targets -- -D warnings
	cargo clippy -p auction --all-targets -- -D warnings
	cargo clippy -p demand --all-targets -- -D warnings
	cargo clippy -p models -p services -p app -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test -p money -p configurator -p feature-model -p configurator-cli
	cargo test -p auction
	cargo test -p demand
	cargo test -p models -p services -p app -p server

release:
	cargo leptos build --release --split

e2e:
	scripts/e2e.sh

## The API against its OpenAPI document with Schemathesis (installed into .venv/ if missing),
## as the demo consumer and the demo marketer; needs the release build (`make release`).
schemathesis:
	scripts/schemathesis.sh

## The server suite against PostgreSQL (each test creates and drops its own database).
test-postgres: setup
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) cargo test -p server

## Benchmarks (figures go into BENCHMARKS.md): engine click native and in wasm, SSR, bundle size.
bench: setup
	cargo bench -p configurator --bench click
	cargo bench -p server --bench ssr
	cargo build --manifest-path configurator/wasm-bench/Cargo.toml --target wasm32-unknown-unknown --release
	node scripts/bench-wasm.mjs
	cargo leptos build --release --split
	scripts/wasm-size.sh

## The OEM dashboard at 1,000,000 reservations on both databases, with the DuckDB reference.
bench-demand: setup
	pip install -q duckdb
	scripts/bench-demand.sh sqlite 1000000
	scripts/bench-demand.sh postgres 1000000

## A launch-day rush over HTTP on both databases, with the oversell check and pgbench's ratio.
RUSH_FLAGS ?= --consumers 12000 --cap 10000 --concurrency 64
bench-rush: setup
	scripts/bench-rush.sh sqlite $(RUSH_FLAGS)
	scripts/bench-rush.sh postgres $(RUSH_FLAGS)

fmt:
	cargo fmt --all
