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

    public init(location: PostgresLocation, pool: Int = defaultPool, logger: Logger) {
        self.location = location
        self.logger = logger
        client = PostgresClient(configuration: location.clientConfiguration(pool: pool), backgroundLogger: logger)
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

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws. Its own error comes out as it was thrown (a domain error such as
    /// `AccountError.lastOrganiser`), not wrapped in postgres-nio's transaction error. Throws
    /// `DatabaseUnavailable` when no connection is to be had within `connectionWait`; once it
    /// has one, the transaction takes as long as it takes.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: T?.self) { [client, logger] group in
            group.addTask {
                try await Self.transaction(client, logger: logger) { connection in
                    leased.value.store(true, ordering: .sequentiallyConsistent)
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: Self.connectionWait)
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                // The wait is over: give up only if no connection was leased meanwhile.
                if !leased.value.load(ordering: .sequentiallyConsistent) {
                    group.cancelAll()
                    throw DatabaseUnavailable(retryAfter: 5)
                }
            }
            throw CancellationError()
        }
    }

    static func transaction<T: Sendable>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError { throw thrown }
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

/// Whether a transaction got its connection, as its deadline watcher sees it.
private final class LeaseFlag: Sendable {
    let value = Atomic<Bool>(false)
}
