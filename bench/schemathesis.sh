#!/usr/bin/env bash
# Checks the running server against its own OpenAPI document with Schemathesis (`--checks all`),
# once as an attendee and once as an organiser, on a fresh demo data directory.
#   bench/schemathesis.sh [max-examples]      default 50 per operation
# Needs Python 3 and `pip install schemathesis` (it is installed if missing). Exits non-zero when
# any check fails; the reports go to bench/schemathesis-reports/. Log-out is left out: it would end
# the very session the run signs its requests with (tests cover it).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-50}
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis
swift build -c release --product ticket-server
binary=$(swift build -c release --show-bin-path)/ticket-server

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
# Throttles are raised: Schemathesis signs up and logs in thousands of times from one address.
"$binary" demo --data "$work/data" --port 0 --signups-per-address 1000000 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/server.log" | head -1 | cut -d: -f2)
base="http://127.0.0.1:$port"
organiser_email=$(grep -o 'organiser: .*' "$work/server.log" | head -1 | cut -d' ' -f2)
organiser_password=$(grep -o 'password:  [^ ]*' "$work/server.log" | head -1 | awk '{print $2}')

token() {  # email password → session token
    curl -s -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])'
}
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"schemathesis@example.com","display_name":"Schema Thesis","password":"a long pass phrase"}' "$base/api/v1/auth/signup"
attendee=$(token schemathesis@example.com "a long pass phrase")
organiser=$(token "$organiser_email" "$organiser_password")

status=0
mkdir -p bench/schemathesis-reports
for role in attendee organiser; do
    echo "== Schemathesis as $role =="
    schemathesis --config-file bench/schemathesis.toml run "$base/api/v1/openapi.json" --url "$base" --checks all --max-examples "$examples" \
        --header "Authorization: Bearer ${!role}" --seed 2026 --workers 2 --request-timeout 30 \
        --exclude-path /api/v1/auth/logout \
        --report junit --report-junit-path "bench/schemathesis-reports/$role.xml" || status=1
done
exit $status
