#!/usr/bin/env bash
# Operations figures (release build): cold start of the demo to its first request served, binary
# sizes, idle memory of both programs, and the cost of a /metrics scrape after a sale.
# Usage: bench/operations.sh [runs]. Needs curl and wrk. Figures go into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
port=18091
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "operations: wrk is missing (apt-get install -y wrk)" >&2; exit 2; }
swift build -c release --product ticket-server >/tmp/operations-build.log 2>&1 || { grep error: /tmp/operations-build.log >&2; exit 1; }
swift build -c release --product gate-kiosk >>/tmp/operations-build.log 2>&1 || { grep error: /tmp/operations-build.log >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

echo "== cold start: exec of 'ticket-server demo' on a fresh directory to its first /healthz answer"
for run in $(seq "$runs"); do
    start=$(now_ms)
    "$bin/ticket-server" demo --data "$work/cold$run" --port "$port" >"$work/cold$run.log" 2>&1 &
    pid=$!
    until curl -sf "$base/healthz" >/dev/null 2>&1; do sleep 0.002; done
    echo "run $run: $(( $(now_ms) - start )) ms"
    kill "$pid"; wait "$pid" || true
done

echo "== binary sizes (bytes): as built, and stripped"
for program in ticket-server gate-kiosk; do
    cp "$bin/$program" "$work/$program.stripped" && strip "$work/$program.stripped"
    echo "$program: $(stat -c %s "$bin/$program") built, $(stat -c %s "$work/$program.stripped") stripped"
done

echo "== idle memory (VmRSS after 10 s idle)"
"$bin/ticket-server" demo --data "$work/idle" --port "$port" --signups-per-address 100 >"$work/idle.log" 2>&1 &
server=$!
pids+=("$server")
until curl -sf "$base/healthz" >/dev/null 2>&1; do sleep 0.01; done
"$bin/ticket-server" keys export-kiosk --data "$work/idle" --output "$work/kiosk-keys.json" >/dev/null 2>&1 || true
"$bin/gate-kiosk" init --data "$work/kiosk" --event 1 --keys "$work/kiosk-keys.json" --gate North-1 >/dev/null
mkfifo "$work/frames"
"$bin/gate-kiosk" run --data "$work/kiosk" --source - --json --metrics 127.0.0.1:19464 <"$work/frames" >"$work/kiosk.log" 2>&1 &
kiosk=$!
pids+=("$kiosk")
exec 3>"$work/frames"
printf 'YUV4MPEG2 W1280 H720 F30:1 Cmono\n' >&3
sleep 10
echo "ticket-server (demo, idle): $(rss_kb "$server") kB"
echo "gate-kiosk (run, metrics on, waiting for frames): $(rss_kb "$kiosk") kB"

echo "== /metrics after a sale: 50 people, 100 bookings (wrk -t1 -c1, one scrape at a time)"
for person in $(seq 50); do
    token="$(curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"p$person@example.com\",\"display_name\":\"P $person\",\"password\":\"a long pass phrase\"}" "$base/api/v1/auth/signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])')"
    for _ in 1 2; do
        curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"ticket_class":3,"count":1}' "$base/api/v1/events/1/bookings" || true
    done
done
echo "scrape size: $(curl -sf "$base/metrics" | wc -c) bytes, $(curl -sf "$base/metrics" | grep -vc '^#') series lines"
wrk -t1 -c1 -d10s "$base/metrics" | grep -E "Requests/sec|Latency"
echo "kiosk scrape: $(curl -sf http://127.0.0.1:19464/metrics | wc -c) bytes"
wrk -t1 -c1 -d10s "http://127.0.0.1:19464/metrics" | grep -E "Requests/sec|Latency"
