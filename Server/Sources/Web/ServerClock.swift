import Foundation
import Synchronization

/// "Now" in unix seconds, injected so tests can open a sale or start an event without waiting.
public final class ServerClock: Sendable {
    private let offset = Atomic<Int64>(0)
    private let fixed: Int64?

    /// The system clock.
    public init() { fixed = nil }

    /// A clock that starts at `start` and moves only when told to.
    public init(fixedAt start: Int64) { fixed = start }

    public func now() -> Int64 {
        (fixed ?? Int64(Date().timeIntervalSince1970)) + offset.load(ordering: .relaxed)
    }

    /// Now in milliseconds, for gates: scan times and clock offsets are kept to the millisecond.
    public func nowMilliseconds() -> Int64 {
        guard fixed == nil else { return now() * 1_000 }
        return Int64(Date().timeIntervalSince1970 * 1_000) + offset.load(ordering: .relaxed) * 1_000
    }

    /// Moves the clock on by `seconds` (tests).
    public func advance(by seconds: Int64) {
        offset.add(seconds, ordering: .relaxed)
    }
}
