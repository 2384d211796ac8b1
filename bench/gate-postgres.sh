#!/usr/bin/env bash
# The gate benchmark (bench/GateBench) with the server on PostgreSQL: a private cluster in a
# temporary directory (bench/lib.sh), the seeded tickets moved in by migrate-to-postgres, then the
# full pull, redeem, propagation and idle-gate figures as on SQLite (issue 25).
# Usage: bench/gate-postgres.sh [gate-bench options, e.g. --tickets 100000 --devices 64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_build ticket-server
bench_build gate-kiosk
bench_build gate-bench
bin="$(swift build -c release --show-bin-path)"
bench_work
bench_postgres_start 55440
"$bin/gate-bench" --database "$database" "$@"
"${as_pg[@]}" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U festival -d festival -Atc \
    "SELECT 'admissions in PostgreSQL: ' || count(*) FROM admission"
