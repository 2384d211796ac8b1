import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// The server's one writing connection, on a thread of its own, with group commit.
///
/// Every write is a job. The thread takes all jobs waiting, runs them in one transaction, each
/// inside its own savepoint (a job that throws undoes only its own changes), commits once — a
/// single fsync with `synchronous=FULL` — and only then answers every job. A job's caller thus
/// never hears "done" before its change is on disk, and under load hundreds of bookings share
/// one fsync instead of waiting for one each. The writer only writes: slow work such as
/// signing tokens is done before a job is queued.
///
/// As a service, its thread starts in `run()` and stops after graceful shutdown or
/// cancellation, once every job queued by then is committed and answered. Jobs queued before
/// `run()` wait for it.
///
/// On PostgreSQL (`init(postgres:)`) the same jobs run unchanged, each in a transaction of its
/// own on a pooled connection: several server processes write at once, and the database, not
/// one thread, orders them. There is no batch to share then: PostgreSQL's own group commit
/// shares the fsyncs.
public final class DatabaseWriter: Service, Sendable {
    private enum Backend: Sendable {
        case sqlite(ConnectionHandOff)
        case postgres(BlockingPostgresPool)
    }

    /// A queued job. `run` does the work inside the batch and returns how to answer its caller,
    /// which happens only after the commit; `fail` answers with an error instead.
    private struct Job: Sendable {
        let run: @Sendable (WriteTransaction) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var stopping = false
    }

    /// Jobs taken into one transaction at most, so one batch never delays answers for long.
    static let maxBatch = 512

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let backend: Backend
    private let onCommit: @Sendable (_ changedEvents: Set<UInt32>) -> Void
    /// On PostgreSQL: awaited after each commit, before its caller is answered.
    private let afterCommit: (@Sendable (_ changedEvents: Set<UInt32>) async -> Void)?
    private let metrics: ServerMetrics?
    private let logger: Logger

    /// Opens the database at `path`, creating and migrating it. `onCommit` hears which events a
    /// batch changed once the batch is durable and before any of its callers is answered, so no
    /// one who has heard "booked" can read a cache from before the booking.
    public init(
        path: String, metrics: ServerMetrics? = nil, logger: Logger,
        onCommit: @escaping @Sendable (_ changedEvents: Set<UInt32>) -> Void = { _ in }
    ) throws {
        let database = try SQLiteDatabase(path: path, durability: .full)
        for collision in try ServerSchema.migrate(database) {
            logger.warning("\(collision)")
        }
        backend = .sqlite(ConnectionHandOff(database))
        self.onCommit = onCommit
        afterCommit = nil
        self.metrics = metrics
        self.logger = logger
    }

    /// Writes to PostgreSQL through `pool` (already migrated, `PostgresStore.migrate`).
    /// `afterCommit` is awaited with each transaction's events once it is committed, before
    /// its caller hears "done".
    init(
        postgres pool: BlockingPostgresPool, metrics: ServerMetrics? = nil, logger: Logger,
        afterCommit: @escaping @Sendable (_ changedEvents: Set<UInt32>) async -> Void
    ) {
        backend = .postgres(pool)
        onCommit = { _ in }
        self.afterCommit = afterCommit
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `body` in the next group commit and returns its result once that commit is durable.
    /// If `body` throws, its changes are rolled back and the error is rethrown here.
    ///
    /// On PostgreSQL, `isolation` says how `body` is kept from other processes' transactions;
    /// SQLite's one writer runs every job alone anyway.
    public func write<Result: Sendable>(
        _ isolation: WriteIsolation = .serial, _ body: @escaping @Sendable (WriteTransaction) throws -> Result
    ) async throws -> Result {
        if case .postgres(let pool) = backend { return try await write(body, isolation: isolation, on: pool) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let job = Job(
                run: { transaction in
                    let result = try body(transaction)
                    return { continuation.resume(returning: result) }
                },
                fail: { continuation.resume(throwing: $0) })
            let accepted = queue.withLock { queue in
                guard !queue.stopping else { return false }
                queue.jobs.append(job)
                return true
            }
            if accepted {
                wakeUp.signal()
            } else {
                continuation.resume(throwing: ServerStorageError.shuttingDown)
            }
        }
    }

    private func write<Result: Sendable>(
        _ body: @escaping @Sendable (WriteTransaction) throws -> Result, isolation: WriteIsolation, on pool: BlockingPostgresPool
    ) async throws -> Result {
        guard !queue.withLock({ $0.stopping }) else { throw ServerStorageError.shuttingDown }
        let started = ContinuousClock.now
        let (result, changedEvents) = try await pool.transaction(isolation) { connection in
            let transaction = WriteTransaction(connection)
            let result = try body(transaction)
            return (result, transaction.changedEvents)
        }
        metrics?.committed(batchSize: 1, duration: ContinuousClock.now - started)
        await afterCommit?(changedEvents)
        return result
    }

    /// Starts the writer thread and keeps it until graceful shutdown or cancellation; then takes
    /// no new jobs, commits and answers the queued ones, and returns. Listed before the HTTP
    /// server in the service group, it stops after the server has finished its requests.
    public func run() async throws {
        guard case .sqlite(let connection) = backend else {
            try? await gracefulShutdown()
            queue.withLock { $0.stopping = true }
            return
        }
        let stopped = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            runLoop(WriteTransaction(connection.database))
            stopped.signal()
        }
        thread.name = "festivalgate-db-writer"
        thread.start()
        // Returns on graceful shutdown, or throws when the task is cancelled: either way, stop.
        try? await gracefulShutdown()
        queue.withLock { $0.stopping = true }
        wakeUp.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // The thread may still be committing; wait for it off the async threads.
            DispatchQueue.global().async {
                stopped.wait()
                continuation.resume()
            }
        }
    }

    /// Each queued job and the stop signal once, so every job is seen; a wake-up that finds the
    /// queue already emptied by an earlier batch just goes round.
    private func runLoop(_ transaction: WriteTransaction) {
        while true {
            wakeUp.wait()
            let (batch, finished) = queue.withLock { queue -> ([Job], Bool) in
                let batch = Array(queue.jobs.prefix(Self.maxBatch))
                queue.jobs.removeFirst(batch.count)
                return (batch, queue.stopping && queue.jobs.isEmpty)
            }
            if !batch.isEmpty { commit(batch, in: transaction) }
            if finished { break }
        }
    }

    private func commit(_ batch: [Job], in transaction: WriteTransaction) {
        let database = transaction.connection
        let started = ContinuousClock.now
        transaction.forgetChanges()
        do {
            try database.execute("BEGIN IMMEDIATE")
        } catch {
            for job in batch { job.fail(error) }
            return
        }
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(batch.count)
        for job in batch {
            do {
                try database.execute("SAVEPOINT job")
            } catch {
                return abandon(batch, database: database, because: error)
            }
            do {
                let answer = try job.run(transaction)
                do {
                    try database.execute("RELEASE job")
                } catch {
                    return abandon(batch, database: database, because: error)
                }
                answers.append(answer)
            } catch {
                do {
                    try database.execute("ROLLBACK TO job")
                    try database.execute("RELEASE job")
                } catch let rollbackError {
                    // The failed job's partial writes could not be undone: committing now
                    // would make them durable. Nothing of this batch is committed.
                    return abandon(batch, database: database, because: rollbackError)
                }
                answers.append({ job.fail(error) })
            }
        }
        do {
            try database.execute("COMMIT")
        } catch {
            return abandon(batch, database: database, because: error)
        }
        metrics?.committed(batchSize: batch.count, duration: ContinuousClock.now - started)
        onCommit(transaction.changedEvents)
        for answer in answers { answer() }
    }

    /// Rolls the whole batch back and tells every job it failed.
    private func abandon(_ batch: [Job], database: any SQLConnection, because error: any Error) {
        logger.error("group commit failed; \(batch.count) writes rolled back: \(error)")
        try? database.execute("ROLLBACK")  // fails only if SQLite already rolled back itself
        for job in batch { job.fail(error) }
    }
}

/// How a write job is kept apart from the others when several run at once (PostgreSQL).
public enum WriteIsolation: Sendable {
    /// As if it ran alone, as on SQLite: PostgreSQL's SERIALIZABLE, the job run again when
    /// PostgreSQL cannot order it with another. Every job but the booking rush's.
    case serial
    /// READ COMMITTED: the job locks the rows whose checks it relies on, and the schema's
    /// constraints decide the rest (`BookingEngine.book`; docs/SERVER.md argues it). Under a
    /// rush on one class, jobs wait for the class's row instead of failing and running again.
    case lockedRows
}

/// Carries a connection to the one thread that will use it from then on.
/// @unchecked Sendable: one thread uses it at a time — the writer keeps it for good; the read
/// pool lends it out under its lock and takes it back when the borrower is done.
struct ConnectionHandOff: @unchecked Sendable {
    let database: SQLiteDatabase
    init(_ database: SQLiteDatabase) { self.database = database }
}

public enum ServerStorageError: Error, CustomStringConvertible {
    case shuttingDown

    public var description: String {
        switch self {
        case .shuttingDown: "the server is shutting down and takes no more changes"
        }
    }
}
