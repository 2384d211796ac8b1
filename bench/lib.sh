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
