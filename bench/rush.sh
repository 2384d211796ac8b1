#!/usr/bin/env bash
# The opening instant without a waiting room, on a release ticket-server on loopback: 10,000
# connections from 1,000 accounts book at once (500 seats, each asked for ten times; 2,000
# standing tickets), with --max-connections 20000, while /healthz is probed every 100 ms.
# Then the database is checked for oversell and the server's peak RSS is read.
# Usage: bench/rush.sh [connections]. Figures go by hand into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-10000}"
port=18081
source bench/lib.sh
bench_build ticket-server
bench_build server-load
bin="$(swift build -c release --show-bin-path)"

bench_work
# The test process and the server each hold one end of every connection.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$bin/server-load" seed --data "$work/data" --out "$work" --halls 1 --seats 500 --general-admission 2000 \
    --attendees 1000 --per-person-limit 10
event="$(sed -n "s/.*{ event = \([0-9]*\), seats.*/\1/p" "$work/load.lua" | head -1)"
"$bin/ticket-server" serve --data "$work/data" --port "$port" --max-connections 20000 >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_for "http://127.0.0.1:$port"
"$bin/server-load" rush --data "$work/data" --out "$work" --event "$event" --port "$port" --connections "$connections" | tee "$work/rush.txt"
echo "server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
booked="$(sed -n 's/^answers: .*201: \([0-9]*\).*/\1/p' "$work/rush.txt")"
"$bin/server-load" verify --data "$work/data" --event "$event" --acknowledged "${booked:-0}" --in-flight 0
grep -i "warning\|error" "$work/server.log" | head -5 || true
