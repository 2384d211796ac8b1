import Foundation
import Synchronization

/// What the kiosk knows of its link to the server, shared by the sync loops, the redeem step
/// and the screen; and the clock corrected by the server's time.
public final class SyncStatus: Sendable {
    public enum Connection: Sendable, Equatable {
        /// Not enrolled: tickets come from files, scans stay here.
        case standalone
        /// Enrolled, not heard from the server yet in this run.
        case connecting
        case online
        /// The last call failed; the reason is for the screen.
        case offline(String)
        /// An organiser withdrew this gate; it judges offline from what it has.
        case revoked
    }

    public struct Snapshot: Sendable, Equatable {
        public var connection: Connection
        /// Corrected kiosk time the replica last caught up with the server's feed.
        public var syncedAt: Int64?
        /// The server's clock minus the kiosk's, milliseconds.
        public var clockOffset: Int64

        public init(connection: Connection, syncedAt: Int64? = nil, clockOffset: Int64 = 0) {
            self.connection = connection
            self.syncedAt = syncedAt
            self.clockOffset = clockOffset
        }
    }

    /// Past this the screen warns that the kiosk's clock is off (the server's time is used).
    public static let clockWarning: Int64 = 60_000

    private let state: Mutex<Snapshot>
    private let offset: Atomic<Int64>
    private let systemClock: KioskClock

    public init(_ snapshot: Snapshot, systemClock: KioskClock = .system) {
        state = Mutex(snapshot)
        offset = Atomic(snapshot.clockOffset)
        self.systemClock = systemClock
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Worth asking the server: enrolled, and not known to be away or to have revoked the gate.
    public var mayAskServer: Bool {
        switch snapshot.connection {
        case .online, .connecting: true
        case .standalone, .offline, .revoked: false
        }
    }

    /// The kiosk's time corrected by the server's: for scan times and validity windows.
    public var clock: KioskClock {
        KioskClock { [self] in systemClock.now() + offset.load(ordering: .relaxed) }
    }

    /// The uncorrected clock, for measuring the offset.
    var localNow: Int64 { systemClock.now() }

    /// An answer arrived carrying the server's time: the link is up, and the offset is measured
    /// again (on a LAN the answer's flight is milliseconds, far below what matters at a gate).
    func heard(serverTime: Int64?, receivedAt: Int64) {
        state.withLock { state in
            if let serverTime {
                state.clockOffset = serverTime - receivedAt
                offset.store(state.clockOffset, ordering: .relaxed)
            }
            if state.connection != .revoked { state.connection = .online }
        }
    }

    func caughtUp(at time: Int64) {
        state.withLock { $0.syncedAt = time }
    }

    func lost(_ reason: String) {
        state.withLock { state in
            if state.connection != .revoked { state.connection = .offline(reason) }
        }
    }

    /// Returns whether this is news (the first part of the kiosk to hear it reports it).
    @discardableResult
    func revoked() -> Bool {
        state.withLock { state in
            defer { state.connection = .revoked }
            return state.connection != .revoked
        }
    }
}

/// Waits between attempts to reach the server: doubling from a quarter second up to a cap of a
/// few seconds, each wait drawn at random from its upper half, so gates that lost the server
/// together do not all come back in the same instant.
struct Backoff {
    private let first: Duration = .milliseconds(250)
    private let cap: Duration = .seconds(4)
    private var current: Duration = .zero

    mutating func next() -> Duration {
        current = current == .zero ? first : min(cap, current * 2)
        let milliseconds = Int64(current / .milliseconds(1))
        return .milliseconds(Int64.random(in: milliseconds / 2...milliseconds))
    }

    mutating func reset() { current = .zero }
}
