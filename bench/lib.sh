# Shared by the bench scripts (sourced): release builds, and a work directory that is removed on
# exit with the server in it stopped.

# Builds a release product; on failure prints the compiler's errors and stops.
bench_build() {
    swift build -c release --product "$1" >"/tmp/bench-build-$1.log" 2>&1 || { grep error: "/tmp/bench-build-$1.log" >&2; exit 1; }
}

# Sets `work` (with an empty `work/data`) and `server_pid`, and cleans both up on exit.
bench_work() {
    work="$(mktemp -d)"
    server_pid=""
    trap 'bench_cleanup' EXIT
    mkdir -p "$work/data"
}

bench_cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}

# Waits (up to 10 s) until the server at base URL $1 answers its health probe.
bench_wait_for() {
    for _ in $(seq 100); do curl -sf "$1/healthz" >/dev/null && return; sleep 0.1; done
}

# For the wrk scripts: checks that wrk is there, builds the server and its load tool, and sets
# `bin`, `work` (as bench_work does) and the variables the Lua scripts read. $1 names the
# script in the error; $2 is wrk's thread count.
bench_wrk_setup() {
    command -v wrk >/dev/null || { echo "$1: wrk is missing (apt-get install -y wrk)" >&2; exit 2; }
    bench_build ticket-server
    bench_build server-load
    bin="$(swift build -c release --show-bin-path)"
    bench_work
    export LOAD_DIR="$work" LOAD_THREADS="$2" LOAD_SCRIPTS="$PWD/bench/wrk"
}

# Starts a private PostgreSQL cluster in `work/pg` (Debian's postgresql; as the postgres user when
# run as root) on port $1, stopped and removed on exit, with an empty database `festival`. Sets
# `database` (its URL), and `pg_bin`, `pg_port` and `as_pg` for psql. Call after bench_work.
bench_postgres_start() {
    pg_bin=/usr/lib/postgresql/15/bin
    [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL 15 is missing (apt-get install -y postgresql)" >&2; exit 2; }
    as_pg=()
    [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
    pg_port="$1"
    local cluster="$work/pg"
    mkdir -p "$cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres "$cluster" && chmod 755 "$work"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$cluster/data" -A trust -U festival >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w start \
        -o "-p $pg_port -k $cluster -c listen_addresses=127.0.0.1 -c max_connections=400" >/dev/null
    trap '"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1; bench_cleanup' EXIT
    "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U festival festival
    database="postgres://festival@127.0.0.1:$pg_port/festival"
}
