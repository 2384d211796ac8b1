import Foundation
import GateProtocol
import Shared

/// How this replica is tied to a server: set by `gate-kiosk enroll`, absent for a gate that
/// only ever imports files.
public struct Enrollment: Sendable, Equatable {
    public let server: URL
    public let deviceID: Int64
    public let direction: Direction
    /// Classes admitted here; nil admits every class.
    public let classes: [UInt16]?
    /// Certificates to trust for an https:// server besides the system's.
    public let caFile: String?

    public init(server: URL, deviceID: Int64, direction: Direction, classes: [UInt16]?, caFile: String?) {
        self.server = server
        self.deviceID = deviceID
        self.direction = direction
        self.classes = classes
        self.caFile = caFile
    }

    /// The device credential's file in the data directory: owner-only, like the replica.
    public static let credentialFile = "device-credential"
}

/// Where the replica stands with the server.
public struct SyncCursor: Sendable, Equatable {
    /// The last change-feed entry applied.
    public var lastSeq: Int64 = 0
    /// Kiosk time (milliseconds, corrected) the replica last caught up with the feed.
    public var syncedAt: Int64?
    /// The server's clock minus the kiosk's, milliseconds, as last measured.
    public var clockOffset: Int64 = 0
    /// An organiser revoked this gate: the server refuses every call.
    public var revoked = false
}

extension KioskReplica {
    // MARK: Enrollment

    public func enrollment() throws -> Enrollment? {
        guard let server = try setting("server_url").flatMap(URL.init(string:)),
            let deviceID = try setting("device_id").flatMap(Int64.init),
            let direction = try setting("direction").flatMap(Direction.init(rawValue:))
        else { return nil }
        let classes = try setting("classes").map { $0.split(separator: ",").compactMap { UInt16($0) } }
        return Enrollment(server: server, deviceID: deviceID, direction: direction, classes: classes, caFile: try setting("ca_file"))
    }

    /// Ties the replica to a device on `enrollment.server` (`initialise` set its gate name). A
    /// new enrollment of a revoked gate starts it afresh.
    public func enroll(_ enrollment: Enrollment) throws {
        try database.transaction { database in
            let values: [(String, String?)] = [
                ("server_url", enrollment.server.absoluteString), ("device_id", String(enrollment.deviceID)),
                ("direction", enrollment.direction.rawValue), ("classes", enrollment.classes.map { $0.map(String.init).joined(separator: ",") }),
                ("ca_file", enrollment.caFile), ("device_revoked", nil),
            ]
            for (name, value) in values {
                try Self.store(name, value, in: database)
            }
        }
    }

    // MARK: The feed

    public func syncCursor() throws -> SyncCursor {
        SyncCursor(
            lastSeq: try setting("last_seq").flatMap(Int64.init) ?? 0, syncedAt: try setting("synced_at").flatMap(Int64.init),
            clockOffset: try setting("clock_offset_ms").flatMap(Int64.init) ?? 0, revoked: try setting("device_revoked") == "1")
    }

    public func saveClockOffset(_ milliseconds: Int64) throws {
        try Self.store("clock_offset_ms", String(milliseconds), in: database)
    }

    public func markRevoked() throws {
        try Self.store("device_revoked", "1", in: database)
    }

    /// Applies one page of the change feed in one transaction, with the keys it carried: the
    /// server's word on each ticket (status, holder, seat, class) and the entries and exits
    /// other gates made, unless this gate knows of a newer movement. `now` is the corrected
    /// kiosk time; a page with nothing more behind it marks the replica caught up.
    public func apply(_ page: FeedPage, keys: KeyRing, now: Int64) throws -> Int {
        guard page.device.eventID == eventID else {
            throw LinkError.badAnswer("the server's feed is for event \(page.device.eventID), but this kiosk checks event \(eventID)")
        }
        return try database.transaction { database in
            var applied = 0
            for change in page.changes {
                guard let id = change.ticketID.flatMap(UInt64.init) else { continue }  // an event or class change
                if let status = change.status {
                    try database.run(
                        """
                        INSERT INTO ticket (id, event_id, status, holder, seat, ticket_class, origin, updated_at, known_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'import', ?7, ?7)
                        ON CONFLICT (id) DO UPDATE SET status = excluded.status, holder = excluded.holder, seat = excluded.seat,
                            ticket_class = excluded.ticket_class, origin = 'import', updated_at = excluded.updated_at,
                            known_at = excluded.known_at
                        """, id, eventID, status.rawValue, change.holder ?? "", change.seat ?? "", change.ticketClass, now)
                }
                if let at = change.at, let gate = change.gate, change.kind == .ticketAdmitted || change.kind == .ticketExited {
                    let entered = change.kind == .ticketAdmitted
                    try database.run(
                        """
                        UPDATE ticket SET inside = ?1,
                            used_gate = CASE WHEN used_at IS NULL AND ?1 THEN ?2 ELSE used_gate END,
                            used_at = CASE WHEN ?1 THEN coalesce(used_at, ?3) ELSE used_at END,
                            moved_at = ?3, updated_at = ?4
                        WHERE id = ?5 AND coalesce(moved_at, -1) <= ?3
                        """, entered, gate, at, now, id)
                }
                applied += 1
            }
            if try keyRing() != keys { try Self.replaceKeys(with: keys, in: database) }
            try Self.store("last_seq", String(page.lastSeq), in: database)
            if !page.more { try Self.store("synced_at", String(now), in: database) }
            return applied
        }
    }

    // MARK: The scan log

    /// The oldest scans not yet pushed, in order.
    public func pendingScans(limit: Int) throws -> [PushedScan] {
        try database.rows(
            """
            SELECT seq, ticket_id, at, verdict, reason, direction, source, mode, redeem_id FROM scan
            WHERE synced = 0 ORDER BY seq LIMIT ?
            """, limit
        ).map { row in
            let ticketID: UInt64? = try row["ticket_id"]
            return PushedScan(
                scanNumber: try row["seq"], ticketID: ticketID.map(String.init), at: try row["at"], verdict: try row["verdict"],
                reason: try row["reason"], direction: try row["direction"], source: try row["source"], mode: try row["mode"],
                redeemID: try row["redeem_id"])
        }
    }

    /// Marks scans the server stored; returns how many were still pending.
    public func markSynced(_ scanNumbers: [Int64]) throws -> Int {
        try database.transaction { database in
            var marked = 0
            for number in scanNumbers {
                marked += try database.run("UPDATE scan SET synced = 1 WHERE seq = ? AND synced = 0", number)
            }
            return marked
        }
    }

    /// Whether this gate's log has an admit of `ticketID` at exactly `at`.
    func hasAdmit(ticketID: UInt64, at: Int64) throws -> Bool {
        try database.scalar("SELECT 1 FROM scan WHERE ticket_id = ? AND at = ? AND verdict = 'admit'", ticketID, at, as: Int.self) != nil
    }

    // MARK: Settings

    func setting(_ name: String) throws -> String? {
        try Self.setting(name, in: database)
    }
}
