#!/usr/bin/env bash
# The waitlist under load, on a release ticket-server on loopback (issue 23). Two identical big
# halls and a demo-sized one (240 seats); every hall's standing class holds 200.
#  1. Nobody waits: availability reads of the small hall and bookings in hall 1 (wrk).
#  2. The standing classes of hall 2 and the small hall sell out, and 10,000 people join each
#     line. Then the same reads, and bookings in hall 2 (beside its own line) and hall 1, in turn.
#  3. Tickets of hall 2 are cancelled one at a time while the head of the line looks (cancel →
#     offer seen, → notify command started); an organiser adds 1,000 tickets, whose offers are
#     all notified, then accepted 64 at a time.
# Usage: bench/waitlist.sh [seconds per wrk run] [people waiting]. Needs wrk.
# Figures go by hand into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
waiting="${2:-10000}"
threads=2
port=18082
base="http://127.0.0.1:$port"

source bench/lib.sh
bench_wrk_setup waitlist "$threads"

# Enough seats that bookings never run out within two runs.
"$bin/server-load" seed --data "$work/data" --out "$work" --halls 2 --seats $((seconds * 8000)) \
    --general-admission 200 --attendees $((waiting + 2000))
# The notify command notes when it started, then the offer it was given.
notify="{ printf '%s ' \"\$(date +%s.%N)\"; cat; echo; } >> $work/notified.log"
"$bin/ticket-server" serve --data "$work/data" --port "$port" --bookings-per-account 1000000 --polls-per-account 1000000 \
    --notify-command "$notify" >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_for "$base"
event_of_hall() { sed -n "s/.*{ event = \([0-9]*\), seats.*/\1/p" "$work/load.lua" | sed -n "${1}p"; }
hall2="$(event_of_hall 2)"
small="$(sed -n 's/.*read_event = \([0-9]*\).*/\1/p' "$work/load.lua")"
on() { echo --data "$work/data" --out "$work" --event "$1" --port "$port"; }

reads() {
    echo "== availability reads of the small hall ($1): 64 connections, ${seconds}s"
    wrk -t"$threads" -c64 -d"${seconds}s" --latency "$base/api/v1/events/$small/availability" | grep -E "Requests/sec|50%|99%"
}
bookings() {  # hall, what, first seat (a second run in a hall starts half-way)
    echo "== bookings in hall $1 ($2): 64 connections, ${seconds}s"
    LOAD_HALL="$1" LOAD_OFFSET="${3:-0}" wrk -t"$threads" -c64 -d"${seconds}s" --latency -s bench/wrk/book.lua "$base" | grep -E "^booked|^latency"
}
reads "nobody waiting"
reads "nobody waiting"
bookings 1 "nobody waiting anywhere"

for event in "$hall2" "$small"; do
    "$bin/server-load" waitlist sell-out $(on "$event")
    "$bin/server-load" waitlist line $(on "$event") --waiting "$waiting"
done
reads "$waiting waiting for its standing class"
reads "$waiting waiting for its standing class"
bookings 2 "$waiting waiting for its standing class"
bookings 1 "nobody waiting in its event" $((seconds * 4000))
bookings 2 "$waiting waiting for its standing class" $((seconds * 4000))

"$bin/server-load" waitlist offers $(on "$hall2") --rounds 20 --raise 1000 --notify-log "$work/notified.log"
for event in "$(event_of_hall 1)" "$hall2" "$small"; do
    "$bin/server-load" verify --data "$work/data" --event "$event" --acknowledged 0 --in-flight 1000000 | head -1
done
echo "server peak RSS: $(grep VmHWM "/proc/$server_pid/status" | awk '{print $2, $3}')"
grep -i "warning\|error" "$work/server.log" | head -5 || true
