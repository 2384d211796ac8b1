import Foundation
import Synchronization

/// A private PostgreSQL cluster for the tests: Debian's server (`/usr/lib/postgresql/*/bin`),
/// initialised into a temporary directory, listening on a free loopback port, stopped when the
/// test process exits. Started once, on first use; each test takes a database of its own
/// (`database()`), so tests running side by side never see each other's rows.
///
/// As root (CI), the server runs as the `postgres` user, which the package creates: initdb
/// refuses root. Otherwise it runs as whoever runs the tests.
public final class PostgresCluster: Sendable {
    public let port: Int
    public let directory: String
    private let binaries: String
    private let runAs: String?
    private let databases = Atomic<Int>(0)

    /// The cluster of this test process, started on first use. Its start (initdb, a few
    /// seconds) runs on a thread of its own, so the tests waiting for it hold none of Swift's.
    public static func shared() async throws -> PostgresCluster {
        try await sharedStart.value
    }

    private static let sharedStart = Task {
        try await offThePool {
            let cluster = try PostgresCluster()
            started.withLock { $0 = cluster }
            atexit { PostgresCluster.started.withLock { $0 }?.stop() }
            return cluster
        }
    }

    /// The shared cluster once started, for the exit handler, which cannot wait for a task.
    private static let started = Mutex<PostgresCluster?>(nil)

    /// A cluster of the caller's own, for a test that stops or restarts the server under the
    /// processes using it. Stop it when done.
    public static func dedicated() async throws -> PostgresCluster {
        try await offThePool { try PostgresCluster() }
    }

    private init() throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw PostgresClusterError(description: "PostgreSQL is not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin")
        }
        binaries = "/usr/lib/postgresql/\(newest)/bin"
        runAs = getuid() == 0 ? "postgres" : nil
        directory = NSTemporaryDirectory() + "festivalgate-postgres-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if runAs != nil { try Self.command("/bin/chown", ["postgres", directory], as: nil) }
        port = try LoopbackPort.free()
        try Self.command(binaries + "/initdb", ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], as: runAs)
        try start()
    }

    /// A new, empty database; its URL for `--database`.
    public func database() async throws -> String {
        let name = "test_\(ProcessInfo.processInfo.processIdentifier)_\(databases.add(1, ordering: .relaxed).newValue)"
        try await offThePool { [binaries, port, runAs] in
            try Self.command(binaries + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name], as: runAs)
        }
        return "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Stops the server as a crash would (`immediate`): what the processes using it see when
    /// PostgreSQL goes down. `start()` brings it back on the same port.
    public func crash() throws {
        try Self.command(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: runAs)
    }

    public func start() throws {
        // fsync stays on: the tests that kill a server process count on commits being durable.
        try Self.command(
            binaries + "/pg_ctl",
            ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "start",
             "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=800"],
            as: runAs)
    }

    /// Stops the server at once (`immediate`: nothing to keep) and removes its files.
    public func stop() {
        try? Self.command(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: runAs)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a PostgreSQL tool, as `user` when given; throws with its output when it fails.
    ///
    /// Not through Foundation's `Process`: `pg_ctl start` leaves a server running that would
    /// inherit the descriptors `Process` watches (and any pipe another test has open), so its
    /// end, or theirs, would never be seen. The tool runs under bash, which moves to `/` and
    /// closes every descriptor past standard error first; its output goes to a file.
    private static func command(_ executable: String, _ arguments: [String], as user: String?) throws {
        let outputFile = NSTemporaryDirectory() + "festivalgate-postgres-output-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        // From a directory the postgres user may enter.
        let closeAndRun = #"cd / || exit 1; for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
        var argv = ["/bin/bash", "-c", closeAndRun, "postgres-tool"]
        if let user { argv += ["/usr/sbin/runuser", "-u", user, "--"] }
        argv += [executable] + arguments
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw PostgresClusterError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        // Exited normally with 0: the low byte is the signal, the next one the exit code.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw PostgresClusterError(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}

public struct PostgresClusterError: Error, CustomStringConvertible {
    public let description: String
}
