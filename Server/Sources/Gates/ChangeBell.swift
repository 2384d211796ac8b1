import ServiceLifecycle
import Synchronization

/// Wakes the gates' long-polls when an event changes. The writer rings it after each commit
/// with the events the batch changed; a gate waiting on its event's changes wakes at once
/// instead of asking again and again.
///
/// A waiter registers before it reads the change log and waits only if the read found nothing,
/// so a commit between the read and the wait is never missed.
public final class ChangeBell: Sendable {
    private struct State {
        var nextID: UInt64 = 0
        var waiters: [UInt32: [UInt64: Waiter]] = [:]
        /// Waiters for a change to any event (the waitlist's notifier).
        var anyEvent: [UInt64: Waiter] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes every waiter of every event in `events`.
    public func ring(_ events: Set<UInt32>) {
        guard !events.isEmpty else { return }
        let woken = state.withLock { state in
            let any = Array(state.anyEvent.values)
            state.anyEvent = [:]
            return any + events.flatMap { state.waiters.removeValue(forKey: $0).map { Array($0.values) } ?? [] }
        }
        for waiter in woken { waiter.wake() }
    }

    /// A waiter for `eventID`'s next change, registered now.
    func waiter(for eventID: UInt32) -> Waiter {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let waiter = Waiter { [weak self] in self?.forget(id, of: eventID) }
            state.waiters[eventID, default: [:]][id] = waiter
            return waiter
        }
    }

    /// A waiter for the next change to any event, registered now.
    func waiterForAnyEvent() -> Waiter {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let waiter = Waiter { [weak self] in self?.forget(id, of: nil) }
            state.anyEvent[id] = waiter
            return waiter
        }
    }

    private func forget(_ id: UInt64, of eventID: UInt32?) {
        state.withLock { state in
            guard let eventID else {
                state.anyEvent[id] = nil
                return
            }
            state.waiters[eventID]?[id] = nil
            if state.waiters[eventID]?.isEmpty == true { state.waiters[eventID] = nil }
        }
    }

    /// Waiters currently registered, for tests and the long-poll cost figure.
    var waiting: Int { state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    /// One long-poll's wait: woken by a ring, or given up after a time or on cancellation.
    final class Waiter: Sendable {
        private let unregister: @Sendable () -> Void
        private let lock = Mutex<(rung: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

        fileprivate init(unregister: @escaping @Sendable () -> Void) {
            self.unregister = unregister
        }

        fileprivate func wake() {
            let continuation = lock.withLock { state -> CheckedContinuation<Void, Never>? in
                state.rung = true
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume()
        }

        /// Forgets the waiter: the read found changes already, or the request ended otherwise.
        /// Safe to call more than once.
        func cancel() {
            unregister()
        }

        /// Returns when rung (at once if it already was), after `timeout`, on cancellation, or
        /// when the server shuts down gracefully: SIGTERM waits for requests in flight, and a
        /// gate's long-poll must not hold the server up for its whole wait.
        func wait(upTo timeout: Duration) async {
            defer { unregister() }
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.rung() }
                    group.addTask { try? await Task.sleep(for: timeout) }
                    await group.next()
                    group.cancelAll()
                    self.wake()  // lets the ring task end if the timer won
                }
            } onGracefulShutdown: {
                self.wake()
            }
        }

        private func rung() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = lock.withLock { state -> Bool in
                        if state.rung { return true }
                        state.continuation = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                wake()
            }
        }
    }
}
