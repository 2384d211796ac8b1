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
