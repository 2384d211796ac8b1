import Foundation
import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Shared
import Synchronization

/// The connections the server's repositories run on when the database is PostgreSQL, each used
/// the way SQLite's are: one caller at a time, every statement waited for.
///
/// Reads borrow a connection on the caller's thread, as SQLite's readers do. Writes run on the
/// pool's own threads, one transaction per write, so a request waiting for PostgreSQL holds one
/// of those threads and never one of Swift's shared ones. A caller that gets no connection
/// within 5 s (`PostgresStore.retryAfterSeconds`) is told `DatabaseUnavailable` (503,
/// `Retry-After`).
final class BlockingPostgresPool: Sendable {
    private struct State {
        var idle: [BlockingPostgresConnection] = []
        var opened = 0
        var inUse = 0
        var waiting = 0
        var waitedTotal = 0
    }

    let location: PostgresLocation
    let size: Int
    private let slots: DispatchSemaphore
    private let state = Mutex(State())
    private let threads: NIOThreadPool
    private let logger: Logger

    init(location: PostgresLocation, size: Int, logger: Logger) {
        self.location = location
        self.size = size
        self.logger = logger
        slots = DispatchSemaphore(value: size)
        threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
    }

    deinit {
        // Not waited for: the last reference may go on one of these very threads.
        threads.shutdownGracefully { _ in }
        for connection in state.withLock({ $0.idle }) { Self.close(connection) }
    }

    /// What `/metrics` shows of the pool: connections lent out, callers waiting for one, and
    /// how many callers ever had to wait.
    var figures: (open: Int, inUse: Int, waiting: Int, waitedTotal: Int) {
        state.withLock { ($0.opened, $0.inUse, $0.waiting, $0.waitedTotal) }
    }

    /// Runs `body` with a connection of its own, on this thread.
    func withConnection<Result>(_ body: (BlockingPostgresConnection) throws -> Result) throws -> Result {
        if slots.wait(timeout: .now()) != .success {
            state.withLock {
                $0.waiting += 1
                $0.waitedTotal += 1
            }
            let got = slots.wait(timeout: .now() + .seconds(Int(PostgresStore.retryAfterSeconds)))
            state.withLock { $0.waiting -= 1 }
            guard got == .success else { throw DatabaseUnavailable(retryAfter: PostgresStore.retryAfterSeconds) }
        }
        defer { slots.signal() }
        let connection = try idleConnection() ?? open()
        state.withLock { $0.inUse += 1 }
        defer {
            state.withLock { state in
                state.inUse -= 1
                if connection.isClosed {
                    state.opened -= 1
                } else {
                    state.idle.append(connection)
                }
            }
        }
        return try body(connection)
    }

    /// Runs `body` in a transaction on one of the pool's threads; committed when it returns,
    /// rolled back when it throws. A transaction PostgreSQL rolled back for a deadlock or a
    /// serialization failure runs again, after a short random pause, up to `maxAttempts` times.
    func transaction<Result: Sendable>(
        _ isolation: WriteIsolation, _ body: @escaping @Sendable (BlockingPostgresConnection) throws -> Result
    ) async throws -> Result {
        try await threads.runIfActive { [self] in try transactionOnThisThread(isolation, body) }
    }

    /// `transaction`, run on the calling thread: for a command that does one thing.
    func transactionOnThisThread<Result>(_ isolation: WriteIsolation, _ body: (BlockingPostgresConnection) throws -> Result) throws -> Result {
        let begin = isolation == .serial ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN"
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try withConnection { connection in try Self.inTransaction(connection, begin: begin, body) }
            } catch let conflict as PostgresConflict where attempt < Self.maxAttempts {
                logger.debug("transaction runs again after \(conflict)")
                // Exponential backoff with jitter, up to 100 ms: contenders spread out instead of
                // colliding again in step.
                let ceiling = min(0.1, 0.002 * Double(1 << min(attempt, 10)))
                Thread.sleep(forTimeInterval: Double.random(in: 0.001...ceiling))
            }
        }
    }

    static let maxAttempts = 40

    private static func inTransaction<Result>(
        _ connection: BlockingPostgresConnection, begin: String, _ body: (BlockingPostgresConnection) throws -> Result
    ) throws -> Result {
        try connection.execute(begin)
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            // A connection that cannot even roll back is closed, not lent out again mid-transaction.
            do { try connection.execute("ROLLBACK") } catch { Self.close(connection) }
            throw error
        }
    }

    /// Closes `connection`, keeping it until it is closed (postgres-nio asserts that a connection
    /// is never let go open).
    private static func close(_ connection: BlockingPostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    private func idleConnection() -> BlockingPostgresConnection? {
        state.withLock { state in
            while let connection = state.idle.popLast() {
                if !connection.isClosed { return connection }
                state.opened -= 1
            }
            return nil
        }
    }

    private func open() throws -> BlockingPostgresConnection {
        let id = state.withLock { state in
            state.opened += 1
            return state.opened
        }
        do {
            var configuration = try location.connectionConfiguration()
            configuration.options.connectTimeout = .seconds(PostgresStore.retryAfterSeconds)
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
            ).wait()
            return BlockingPostgresConnection(connection, logger: logger)
        } catch {
            state.withLock { $0.opened -= 1 }
            logger.warning("cannot connect to \(location): \(String(reflecting: error))")
            throw DatabaseUnavailable(retryAfter: PostgresStore.retryAfterSeconds)
        }
    }
}
