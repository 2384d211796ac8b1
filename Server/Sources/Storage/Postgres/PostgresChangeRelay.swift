import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Keeps every server process on one PostgreSQL database in step with the change log, as the
/// SQLite writer's commit keeps one process: it numbers what this process committed
/// (`PostgresChangeLog.numberNew`), and rings this process's `ChangeBell` for whatever any
/// process numbered, so a gate long-polling here hears a cancel made elsewhere.
///
/// LISTEN/NOTIFY is only the fast path: a notification is lost while the listening connection
/// is down, and is delivered to nobody who was not listening. So once a second the relay also
/// numbers whatever is left unnumbered (a process killed between its commit and its numbering
/// leaves some) and rings the events of every change numbered since it last looked. The table
/// is the truth; a lost notification costs a gate at most a second.
public final class PostgresChangeRelay: Service, Sendable {
    private let store: PostgresStore
    /// Told the events of every change numbered, by this process or another.
    private let changed: @Sendable (Set<UInt32>) -> Void
    /// This process committed changes: a numbering round is due. One waiting wake is enough.
    private let numberingDue = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Callers waiting for a numbering round that starts after they asked, and whether the
    /// relay runs at all (if not, nobody waits for it).
    private struct Waiting {
        var running = false
        var callers: [NumberingWait] = []
    }
    private let waiting = Mutex(Waiting())
    /// Which of the relay's loops are running: to say which one a stop is waiting for.
    private let parts = Mutex<Set<String>>([])
    var runningParts: [String] { parts.withLock { $0.sorted() } }

    /// Whether the relay's LISTEN is in place now (a notification would be heard).
    private let listening = Atomic<Bool>(false)
    var isListening: Bool { listening.load(ordering: .relaxed) }

    /// How often the relay looks at the table whatever it heard.
    static let sweepInterval: Duration = .seconds(1)

    public convenience init(store: PostgresStore, bell: ChangeBell) {
        self.init(store: store, changed: { bell.ring($0) })
    }

    /// `changed` hears the events of each numbered change: the server rings its gates' bell
    /// and drops those events' availability from its cache.
    init(store: PostgresStore, changed: @escaping @Sendable (Set<UInt32>) -> Void) {
        self.store = store
        self.changed = changed
    }

    /// Called after this process commits a transaction that appended to the change log.
    public func committed() {
        numberingDue.continuation.yield()
    }

    /// Called after this process commits changes, by a caller that answers only once they are
    /// numbered: an organiser reading the change log, or a gate pulling, right after hearing
    /// "done" finds the change there. Rounds run back to back, so a rush of commits shares them.
    /// Returns at once if the relay is not running; a failed round leaves it to the sweep.
    /// Waits at most `numberingPatience`: a caller is never held by a round that cannot finish
    /// (the database away), and the sweep numbers its change later.
    func committedAndNumbered() async {
        let once = NumberingWait()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            once.set(continuation)
            let queued = waiting.withLock { waiting in
                guard waiting.running else { return false }
                waiting.callers.append(once)
                return true
            }
            guard queued else { return once.resume() }
            numberingDue.continuation.yield()
            once.expire(after: Self.numberingPatience)
        }
    }

    static let numberingPatience: Duration = .seconds(2)

    public func run() async {
        waiting.withLock { $0.running = true }
        defer {
            let left = waiting.withLock { waiting in
                waiting.running = false
                defer { waiting.callers = [] }
                return waiting.callers
            }
            for caller in left { caller.resume() }
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.part("numbering") { await self.numberWhenDue() } }
                group.addTask { await self.part("listening") { await self.listen() } }
                group.addTask { await self.part("sweeping") { await self.sweep() } }
            }
        }
    }

    private var logger: Logger { store.logger }

    private func part(_ name: String, _ body: () async -> Void) async {
        parts.withLock { _ = $0.insert(name) }
        defer { parts.withLock { _ = $0.remove(name) } }
        await body()
    }

    private func numberWhenDue() async {
        for await _ in numberingDue.stream {
            let callers = waiting.withLock { waiting in
                defer { waiting.callers = [] }
                return waiting.callers
            }
            defer { for caller in callers { caller.resume() } }  // however the round ended
            do {
                changed(try await PostgresChangeLog.numberNew(store))
            } catch {
                if Task.isCancelled { return }
                // The sweep numbers it within a second if this keeps failing.
                logger.warning("numbering the change log failed: \(error)")
            }
        }
    }

    /// Rings the bell for each notification, on a connection of its own (the pool has no
    /// LISTEN); reconnects after a failure.
    private func listen() async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try store.location.connectionConfiguration(), id: 0, logger: logger)
                attempt = 0
                // Closed whatever ends the listening: a failure, or the relay stopping.
                var failure: (any Error)?
                do {
                    // Cancelling the relay closes the connection: the notifications then end
                    // with an error, whether or not postgres-nio's sequence heeds cancellation
                    // (a relay was seen waiting in it for over 75 s after its cancellation).
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: PostgresChangeLog.channel) { notifications in
                            listening.store(true, ordering: .relaxed)
                            defer { listening.store(false, ordering: .relaxed) }
                            for try await notification in notifications {
                                changed(Set(notification.payload.split(separator: ",").compactMap { UInt32($0) }))
                            }
                        }
                    } onCancel: {
                        let closing: EventLoopFuture<Void> = connection.close()
                        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
                    }
                } catch {
                    failure = error
                }
                try? await connection.close()
                if let failure { throw failure }
            } catch {
                if Task.isCancelled { return }
                attempt += 1
                if attempt == 1 { logger.warning("listening for changes failed, retrying: \(String(reflecting: error))") }
            }
            // At most two seconds apart: a server that comes back is heard again soon.
            try? await Task.sleep(for: .milliseconds(min(2_000, 100 << min(attempt, 6))))
        }
    }

    /// Once a second: numbers what nobody numbered, and rings the events of every change
    /// numbered since the last look.
    private func sweep() async {
        var seen: Int64?
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.sweepInterval)
            do {
                try await PostgresChangeLog.numberNew(store)
                let (top, events) = try await PostgresChangeLog.eventsNumbered(after: seen, store: store)
                if seen != nil { changed(events) }
                seen = top
            } catch {
                if Task.isCancelled { return }
                logger.warning("looking at the change log failed: \(error)")
            }
        }
    }
}

/// A continuation resumed by whichever comes first, a numbering round or the caller's patience;
/// the patience timer ends with it, so a busy server keeps no sleeping task per write.
final class NumberingWait: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<Void, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func expire(after patience: Duration) {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: patience)
            if !Task.isCancelled { self?.resume() }
        }
        let resumedAlready = state.withLock { state in
            guard state.continuation != nil else { return true }
            state.timer = timer
            return false
        }
        if resumedAlready { timer.cancel() }
    }

    func resume() {
        let (continuation, timer) = state.withLock { state in
            defer { state = State() }
            return (state.continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume()
    }
}
