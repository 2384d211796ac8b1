#!/usr/bin/env bash
# The web pages under wrk, as a signed-in attendee's browser asks for them: an event page with a
# 2,000-seat map (50 rows of 40, 700 seats sold) and My tickets (6 tickets with their QR codes).
# Then the weight of the event page with its stylesheet and script, as sent and gzipped.
# Usage: bench/pages.sh [seconds per run]. Needs wrk and curl. Figures go into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
port=18081
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "pages: wrk is missing (apt-get install -y wrk)" >&2; exit 2; }
swift build -c release --product ticket-server >/tmp/pages-build.log 2>&1 || { grep error: /tmp/pages-build.log >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$bin/ticket-server" demo --data "$work/data" --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
password="$(awk '/password:/ {print $2}' "$work/server.log")"

json() { curl -sf -H 'Content-Type: application/json' "$@"; }
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])'; }
organiser="$(json -d "{\"email\":\"organiser@greenforest.example\",\"password\":\"$password\"}" "$base/api/v1/auth/login" | token_of)"
now="$(date +%s)"
event="$(json -H "Authorization: Bearer $organiser" -d "{\"name\":\"Big Hall Night\",\"venue\":\"Arena\",\"starts_at\":$((now + 864000)),\"ends_at\":$((now + 878400)),\"gates_open_at\":$((now + 860400)),\"sale_opens_at\":$((now - 60)),\"sale_closes_at\":$((now + 864000)),\"per_person_limit\":100,\"time_zone\":\"Asia/Seoul\",\"currency\":\"KRW\",\"classes\":[{\"ticket_class\":1,\"name\":\"Floor\",\"price_cents\":55000},{\"ticket_class\":2,\"name\":\"Balcony\",\"price_cents\":33000},{\"ticket_class\":3,\"name\":\"Standing\",\"price_cents\":22000,\"capacity\":1000}]}" "$base/api/v1/events" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
python3 -c '
import string
rows = [a + b for a in ["", "A", "B"] for b in string.ascii_uppercase][:50]
print("row,seat,label,ticket_class")
for i, row in enumerate(rows):
    for seat in range(1, 41): print(f"{row},{seat},{row}-{seat},{1 if i < 20 else 2}")' >"$work/hall.csv"
curl -sf -X PUT -H "Authorization: Bearer $organiser" -H 'Content-Type: text/csv' --data-binary @"$work/hall.csv" "$base/api/v1/events/$event/seatmap" >/dev/null
seats="$(curl -sf "$base/api/v1/events/$event/availability" | python3 -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(sys.stdin)["seats"]))')"
read -r -a ids <<<"$seats"
# Seven buyers take 700 seats in bookings of 100; the eighth, the one measured, holds 6.
for buyer in $(seq 0 7); do
    token="$(json -d "{\"email\":\"buyer$buyer@example.com\",\"display_name\":\"Buyer $buyer\",\"password\":\"a long pass phrase\"}" "$base/api/v1/auth/signup" | token_of)"
    count=100; [ "$buyer" -eq 7 ] && count=6
    list="$(IFS=,; echo "${ids[*]:$((buyer * 100 * 2)):$((count * 2))}" | tr ',' '\n' | awk 'NR % 2 == 1' | paste -sd,)"
    json -H "Authorization: Bearer $token" -d "{\"seats\":[$list]}" "$base/api/v1/events/$event/bookings" >/dev/null
done
cookie="Cookie: fg_session=$token"

# As a browser asks (gzip), then without compression (every byte of the seat map sent).
echo "== event page, ${#ids[@]} seats, signed in, gzip"
wrk -t2 -c32 -d"${seconds}s" -H "$cookie" -H 'Accept-Language: ko' -H 'Accept-Encoding: gzip, deflate, br' "$base/events/$event" | grep -E "Requests/sec|Latency|Socket|Non-2xx"
echo "== event page, ${#ids[@]} seats, signed in, uncompressed"
wrk -t2 -c32 -d"${seconds}s" -H "$cookie" -H 'Accept-Language: ko' "$base/events/$event" | grep -E "Requests/sec|Latency|Socket|Non-2xx"
echo "== My tickets, 6 tickets, gzip"
wrk -t2 -c32 -d"${seconds}s" -H "$cookie" -H 'Accept-Encoding: gzip, deflate, br' "$base/tickets" | grep -E "Requests/sec|Latency|Socket|Non-2xx"
echo "== seat poll, unchanged (304)"
etag="$(curl -sf -D - -o /dev/null "$base/events/$event/seats" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')"
wrk -t2 -c32 -d"${seconds}s" -H "If-None-Match: $etag" "$base/events/$event/seats" | grep -E "Requests/sec|Non-2xx"

echo "== weight of the event page (bytes): as sent, then gzipped (-6)"
curl -sf -H "$cookie" -H 'Accept-Encoding: gzip' -o "$work/page.html" -w "page as sent: %{size_download} (Content-Encoding: %header{content-encoding})\n" "$base/events/$event"
curl -sf -H "$cookie" "$base/events/$event" >"$work/raw.html"
for part in raw.html; do printf "page: %s raw, %s gzipped\n" "$(wc -c <"$work/$part")" "$(gzip -6c "$work/$part" | wc -c)"; done
for asset in app.css app.js; do
    curl -sf "$base/static/$asset" >"$work/$asset"
    printf "%s: %s raw, %s gzipped\n" "$asset" "$(wc -c <"$work/$asset")" "$(gzip -6c "$work/$asset" | wc -c)"
done
printf "total gzipped: %s\n" "$(( $(gzip -6c "$work/raw.html" | wc -c) + $(gzip -6c "$work/app.css" | wc -c) + $(gzip -6c "$work/app.js" | wc -c) ))"
echo "== server RSS after: $(ps -o rss= -p "$server_pid") KiB"
