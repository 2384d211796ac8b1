#!/usr/bin/env bash
# Load test of a release ticket-server on loopback with wrk: bookings at 64 and 256 connections
# (every request a distinct seat), availability reads, QR PNG renders, then an oversell check
# of the database and the server's peak RSS. Usage: bench/server-load.sh [seconds per run]
# Needs wrk (Debian: apt-get install -y wrk). Figures go by hand into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
threads=2
port=18080
base="http://127.0.0.1:$port"

source bench/lib.sh
bench_wrk_setup server-load "$threads"

# Enough seats that even 10,000 bookings/s never runs out within a run.
"$bin/server-load" seed --data "$work/data" --out "$work" --halls 2 --seats $((seconds * 10000)) --attendees 4000
"$bin/ticket-server" serve --data "$work/data" --port "$port" --bookings-per-account 1000000 --polls-per-account 1000000 >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_for "$base"
event_of_hall() { sed -n "s/.*{ event = \([0-9]*\), seats.*/\1/p" "$work/load.lua" | sed -n "${1}p"; }

run_bookings() {  # hall, connections
    echo "== bookings: $2 connections, ${seconds}s"
    LOAD_HALL="$1" wrk -t"$threads" -c"$2" -d"${seconds}s" --latency -s bench/wrk/book.lua "$base" | tee "$work/book-$2.txt"
    local booked
    booked="$(sed -n 's/^booked \([0-9]*\),.*/\1/p' "$work/book-$2.txt")"
    "$bin/server-load" verify --data "$work/data" --event "$(event_of_hall "$1")" --acknowledged "$booked" --in-flight "$2"
}
run_bookings 1 64
run_bookings 2 256

read_event="$(sed -n 's/.*read_event = \([0-9]*\).*/\1/p' "$work/load.lua")"
echo "== availability reads: 64 connections, ${seconds}s"
wrk -t"$threads" -c64 -d"${seconds}s" --latency "$base/api/v1/events/$read_event/availability"

"$bin/server-load" qr-targets --data "$work/data" --out "$work"
echo "== QR PNG renders: 64 connections, ${seconds}s"
wrk -t"$threads" -c64 -d"${seconds}s" --latency -s bench/wrk/qr.lua "$base"

echo "== server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
