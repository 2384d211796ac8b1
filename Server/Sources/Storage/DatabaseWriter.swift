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
/// one fsync instead of waiting for one each.
public final class DatabaseWriter: Service, Sendable {
    private struct Job: Sendable {
        let run: @Sendable (SQLiteDatabase) throws -> any Sendable
        let finish: @Sendable (Result<any Sendable, any Error>) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var stopping = false
    }

    /// Jobs taken into one transaction at most, so one batch never delays answers for long.
    static let maxBatch = 512

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// Opens the database at `path` (creating and migrating it) and starts the writer thread.
    public init(path: String, logger: Logger) throws {
        let database = try SQLiteDatabase(path: path, durability: .full)
        try ServerSchema.migrator.migrate(database)
        self.logger = logger
        let handOff = ConnectionHandOff(database)
        let thread = Thread { [self] in runLoop(handOff.database) }
        thread.name = "festivalgate-db-writer"
        thread.start()
    }

    /// Runs `body` in the next group commit and returns its result once that commit is durable.
    /// If `body` throws, its changes are rolled back and the error is rethrown here.
    public func write<Result: Sendable>(_ body: @escaping @Sendable (SQLiteDatabase) throws -> Result) async throws -> Result {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let job = Job(run: { try body($0) }, finish: { continuation.resume(with: $0) })
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
        return value as! Result
    }

    /// Stops taking new jobs, finishes every job already queued, and closes the database.
    public func shutdown() {
        let alreadyStopping = queue.withLock { queue in
            defer { queue.stopping = true }
            return queue.stopping
        }
        guard !alreadyStopping else { return }
        wakeUp.signal()
        stopped.wait()
    }

    /// As a service: runs until graceful shutdown, then drains the queue. Listed before the
    /// HTTP server in the service group, it stops after the server has finished its requests.
    public func run() async throws {
        try? await gracefulShutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                shutdown()
                continuation.resume()
            }
        }
    }

    /// Each queued job and each shutdown signals once, so every job is seen; a wake-up that
    /// finds the queue already emptied by an earlier batch just goes round.
    private func runLoop(_ database: SQLiteDatabase) {
        while true {
            wakeUp.wait()
            let (batch, finished) = queue.withLock { queue -> ([Job], Bool) in
                let batch = Array(queue.jobs.prefix(Self.maxBatch))
                queue.jobs.removeFirst(batch.count)
                return (batch, queue.stopping && queue.jobs.isEmpty)
            }
            if !batch.isEmpty { commit(batch, on: database) }
            if finished { break }
        }
        stopped.signal()
    }

    private func commit(_ batch: [Job], on database: SQLiteDatabase) {
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        do {
            try database.execute("BEGIN IMMEDIATE")
        } catch {
            for job in batch { job.finish(.failure(error)) }
            return
        }
        for job in batch {
            do {
                try database.execute("SAVEPOINT job")
                let value = try job.run(database)
                try database.execute("RELEASE job")
                results.append(.success(value))
            } catch {
                try? database.execute("ROLLBACK TO job")
                try? database.execute("RELEASE job")
                results.append(.failure(error))
            }
        }
        do {
            try database.execute("COMMIT")
        } catch {
            logger.error("group commit failed; \(batch.count) writes rolled back: \(error)")
            try? database.execute("ROLLBACK")
            for job in batch { job.finish(.failure(error)) }
            return
        }
        for (job, result) in zip(batch, results) { job.finish(result) }
    }
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
