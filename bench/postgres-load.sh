#!/usr/bin/env bash
# Bookings at 256 connections on SQLite (one process) and on PostgreSQL with 1, 2 and 3 server
# processes, all on this machine (issue 25). A private PostgreSQL cluster is started in a
# temporary directory (Debian's postgresql; as the postgres user when run as root) and removed
# at the end. The seeded data directory is moved into it with `ticket-server migrate-to-postgres`.
# With N processes, N wrk instances share the 256 connections and the two client threads, one per
# process (as a balancer would spread them), on seats no other instance books.
# Usage: bench/postgres-load.sh [seconds per run]. Figures go by hand into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
connections=256

source bench/lib.sh
bench_wrk_setup postgres-load 1
bench_postgres_start 55439

# Hall 1 for SQLite, halls 2-4 for 1, 2 and 3 processes on PostgreSQL.
"$bin/server-load" seed --data "$work/data" --out "$work" --halls 4 --seats $((seconds * 12000)) --attendees 4000 >/dev/null
cp -a "$work/data" "$work/sqlite"
"$bin/ticket-server" migrate-to-postgres --data "$work/data" --database "$database"
event_of_hall() { sed -n "s/.*{ event = \([0-9]*\), seats.*/\1/p" "$work/load.lua" | sed -n "${1}p"; }

# CPU seconds used so far by every process of a command name ($1).
cpu_of() { { ps -C "$1" -o times= || true; } | awk '{ total += $1 } END { print total + 0 }'; }

# Runs wrk against each of the given ports at once, sharing the connections; prints the sum,
# and where the machine's CPU went meanwhile.
book() {  # hall, ports...
    local hall="$1"; shift
    local count=$# index=0 pids=()
    local server_before postgres_before
    server_before="$(cpu_of ticket-server)" postgres_before="$(cpu_of postgres)"
    for port in "$@"; do
        LOAD_HALL="$hall" LOAD_OFFSET=$((index * seconds * 4000)) wrk -t1 -c$((connections / count)) -d"${seconds}s" --latency \
            -s bench/wrk/book.lua "http://127.0.0.1:$port" >"$work/wrk-$hall-$port.txt" &
        pids+=($!)
        index=$((index + 1))
    done
    wait "${pids[@]}"
    echo "   CPU seconds in ${seconds}s: ticket-server $(( $(cpu_of ticket-server) - server_before )), postgres $(( $(cpu_of postgres) - postgres_before )) (of $((2 * seconds)) on two cores)"
    local booked=0 rate=0 worst=0 other=0
    for port in "$@"; do
        local file="$work/wrk-$hall-$port.txt"
        booked=$((booked + $(sed -n 's/^booked \([0-9]*\),.*/\1/p' "$file")))
        other=$((other + $(sed -n 's/.*other \([0-9]*\)$/\1/p' "$file")))
        rate=$(echo "$rate + $(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$file")" | bc)
        local p99; p99="$(sed -n 's/.*p99 \([0-9.]*\) ms/\1/p' "$file")"
        worst=$(echo "if ($p99 > $worst) $p99 else $worst" | bc)
        echo "   port $port: $(grep -E '^booked|^latency' "$file" | tr '\n' ' ')"
    done
    echo "   total: $rate requests/s, $booked booked, $other other answers, worst p99 $worst ms"
}

# Starts a server on each port; $1 is extra arguments.
start() {  # extra arguments, ports...
    local extra="$1"; shift
    pids=()
    for port in "$@"; do
        # shellcheck disable=SC2086 # extra arguments are words
        "$bin/ticket-server" serve --port "$port" --bookings-per-account 1000000 --polls-per-account 1000000 $extra \
            >"$work/server-$port.log" 2>&1 &
        pids+=($!)
        server_pid=$!
    done
    for port in "$@"; do bench_wait_for "http://127.0.0.1:$port"; done
}
stop() { kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; server_pid=""; }

check() {  # hall
    "${as_pg[@]}" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U festival -d festival -Atc \
        "SELECT 'live tickets ' || count(*) || ', distinct seats ' || count(DISTINCT seat_id) FROM ticket WHERE event_id = $(event_of_hall "$1") AND status = 'valid';
         SELECT 'classes over capacity ' || count(*) FROM ticket_class WHERE sold + held > capacity;"
}

echo "== SQLite, one process, $connections connections, ${seconds}s"
start "--data $work/sqlite" 18080
book 1 18080
stop
"$bin/server-load" verify --data "$work/sqlite" --event "$(event_of_hall 1)" --acknowledged "$(sed -n 's/^booked \([0-9]*\),.*/\1/p' "$work/wrk-1-18080.txt")" --in-flight "$connections"

for processes in 1 2 3; do
    hall=$((processes + 1))
    ports=()
    for index in $(seq "$processes"); do ports+=($((18080 + index))); done
    echo "== PostgreSQL, $processes process(es), $connections connections, ${seconds}s"
    start "--data $work/data --database $database" "${ports[@]}"
    book "$hall" "${ports[@]}"
    stop
    check "$hall"
done
