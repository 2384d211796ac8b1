import Synchronization

/// Availability JSON per event, reused until a committed change touches the event.
///
/// Each event has a generation that writers bump after their commit. A reader notes the
/// generation before it queries and files its answer under it; an answer filed under an older
/// generation than the current one is never served. So a cached answer is never staler than
/// the last commit that finished before the request began.
final class AvailabilityCache: Sendable {
    private struct State {
        var generations: [UInt32: UInt64] = [:]
        var answers: [UInt32: (generation: UInt64, body: String)] = [:]
    }

    private let state = Mutex(State())

    func generation(of eventID: UInt32) -> UInt64 {
        state.withLock { $0.generations[eventID, default: 0] }
    }

    func answer(for eventID: UInt32) -> String? {
        state.withLock { state in
            guard let answer = state.answers[eventID], answer.generation == state.generations[eventID, default: 0] else { return nil }
            return answer.body
        }
    }

    func store(_ body: String, for eventID: UInt32, generation: UInt64) {
        state.withLock { state in
            if generation == state.generations[eventID, default: 0] { state.answers[eventID] = (generation, body) }
        }
    }

    /// Called by the writer after a commit that changed these events' seats, classes or tickets.
    func invalidate(_ eventIDs: Set<UInt32>) {
        guard !eventIDs.isEmpty else { return }
        state.withLock { state in
            for eventID in eventIDs {
                state.generations[eventID, default: 0] += 1
                state.answers[eventID] = nil
            }
        }
    }
}
