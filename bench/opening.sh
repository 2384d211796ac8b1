#!/usr/bin/env bash
# The opening minute through the waiting room, on a release ticket-server on loopback: 10,000
# clients from 1,000 accounts (four tickets each at most) join the line within the 60 s before
# the opening, look at their place every 10-20 s, and book in their turns: 500 seats (picked
# from the availability) and 2,000 standing tickets. 200 turns at once, 10 minutes each.
# Then the database is checked for oversell and the server's peak RSS is read. The same crowd
# without a waiting room, all at one instant, is bench/rush.sh.
# Usage: bench/opening.sh [clients]. Figures go by hand into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-10000}"
port=18082
source bench/lib.sh
bench_build ticket-server
bench_build server-load
bin="$(swift build -c release --show-bin-path)"

bench_work
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The room opens in 5 s; the sale 65 s later.
"$bin/server-load" seed --data "$work/data" --out "$work" --halls 1 --seats 500 --general-admission 2000 \
    --attendees 1000 --per-person-limit 4 --waiting-room-opens-in 5 --sale-opens-in 70 --active-buyers 200 --turn-seconds 600
event="$(sed -n "s/.*{ event = \([0-9]*\), seats.*/\1/p" "$work/load.lua" | head -1)"
"$bin/ticket-server" serve --data "$work/data" --port "$port" --max-connections 20000 >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_for "http://127.0.0.1:$port"
"$bin/server-load" opening --data "$work/data" --out "$work" --event "$event" --port "$port" --clients "$clients" | tee "$work/opening.txt"
echo "server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
booked="$(sed -n 's/^tickets booked: \([0-9]*\);.*/\1/p' "$work/opening.txt")"
"$bin/server-load" verify --data "$work/data" --event "$event" --acknowledged "$booked" --in-flight 0
curl -s "http://127.0.0.1:$port/api/v1/events/$event/queue" | head -c 300; echo
grep -i "warning\|error" "$work/server.log" | head -5 || true
