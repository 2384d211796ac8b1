import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The server's PostgreSQL database, for several server processes on one database: the
/// connection pool, which runs as a service of the server's group, and the schema it is
/// migrated to.
public final class PostgresStore: Service, Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger

    /// Connections this process opens at most. PostgreSQL allows 100 by default: three
    /// processes of 20, the tools and a margin fit (docs/SERVER.md).
    public static let defaultPool = 20

    /// Two connections of the kind the repositories use, for the change relay's rounds: after
    /// PostgreSQL crashed, postgres-nio's pool was seen to keep a leased query waiting for
    /// minutes, which held every writer waiting for its change to be numbered. These fail
    /// instead, and connect again (`BlockingPostgresPool`).
    let numbering: BlockingPostgresPool

    public init(location: PostgresLocation, pool: Int = defaultPool, logger: Logger) {
        self.location = location
        self.logger = logger
        client = PostgresClient(configuration: location.clientConfiguration(pool: pool), backgroundLogger: logger)
        numbering = BlockingPostgresPool(location: location, size: 2, logger: logger)
    }

    /// Keeps the pool's connections until the service group stops.
    public func run() async {
        await client.run()
    }

    /// Runs `body` with the pool running, then closes it: for a command that does one thing.
    public func whileRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await self.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// How long a request waits for a pooled connection before it is told the database is away
    /// (`DatabaseUnavailable`, answered 503 with `Retry-After`): postgres-nio's pool would let it
    /// wait for as long as PostgreSQL is down.
    static let connectionWait: Duration = .seconds(5)
    /// What `Retry-After` says then: as long as the next request would wait.
    static let retryAfterSeconds: Int64 = 5

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws. Its own error comes out as it was thrown (a domain error such as
    /// `AccountError.lastOrganiser`), not wrapped in postgres-nio's transaction error.
    ///
    /// Throws `DatabaseUnavailable` when no connection is to be had within `connectionWait` (or
    /// the one had is dead: its `BEGIN` fails), and `CancellationError` as soon as the caller is
    /// cancelled while waiting for one. Either way `body` never runs afterwards, even if the pool
    /// hands over a connection later: a request told "unavailable" changes nothing. The caller
    /// does not wait for the pool to take the cancellation in (after PostgreSQL crashed, a
    /// waiting lease was seen to keep a cancelled task for longer than 15 s). Once `body` has
    /// its connection, it takes as long as it takes.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let lease = LeaseState()
        let work = Task { [client, logger] in
            try await Self.transaction(client, logger: logger) { connection in
                guard lease.take() else { throw CancellationError() }
                return try await body(connection)
            }
        }
        let answer = AnswerOnce<T>()
        let timer = Task {
            try? await Task.sleep(for: Self.connectionWait)
            if lease.giveUp() {
                work.cancel()
                answer.resume(with: .failure(DatabaseUnavailable(retryAfter: Self.retryAfterSeconds)))
            }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.set(continuation)
                Task {
                    answer.resume(with: await work.result)
                    // A transaction that is done needs no timer sleeping out its five seconds.
                    timer.cancel()
                }
            }
        } onCancel: {
            if lease.giveUp() {
                work.cancel()
                answer.resume(with: .failure(CancellationError()))
            }
        }
    }

    static func transaction<T: Sendable>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError { throw thrown }
            // BEGIN failed, so the body never ran: a pooled connection PostgreSQL closed when it
            // crashed (seen under load in PostgresStoreTests) is the database being away.
            if error.beginError != nil { throw DatabaseUnavailable(retryAfter: retryAfterSeconds) }
            throw error
        }
    }

    /// Brings the schema to the newest, once however many processes start together; how many
    /// migrations this call ran.
    @discardableResult
    public func migrate() async throws -> Int {
        try await PostgresSchema.migrate(client, logger: logger)
    }
}

/// The database could not be reached in time: the request changed nothing, and may be tried
/// again after `retryAfter` seconds.
public struct DatabaseUnavailable: Error, Equatable, CustomStringConvertible {
    public let retryAfter: Int64
    public var description: String { "the database cannot be reached just now; nothing was changed, try again in \(retryAfter) s" }
}

/// Whether a transaction's body got its connection first, or its caller gave up first: only one
/// of them ever happens.
private final class LeaseState: Sendable {
    private enum State { case waiting, leased, gaveUp }
    private let state = Mutex(State.waiting)

    /// The body may run: true unless the caller gave up.
    func take() -> Bool {
        state.withLock { state in
            guard case .waiting = state else { return false }
            state = .leased
            return true
        }
    }

    /// The caller stops waiting: true unless the body already has its connection.
    func giveUp() -> Bool {
        state.withLock { state in
            guard case .waiting = state else { return false }
            state = .gaveUp
            return true
        }
    }
}

/// A continuation resumed once, by whichever comes first: the work's result, the wait's end, or
/// the caller's cancellation (which may come before the continuation exists).
private final class AnswerOnce<T: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T, any Error>)
        case answered(Result<T, any Error>)
        case done
    }

    private let state = Mutex(State.empty)

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if case .answered(let result) = state {
                state = .done
                return result
            }
            state = .waiting(continuation)
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .answered(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .answered, .done:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
