import GateProtocol
import Shared

/// A gate of one event: a kiosk enrolled with a one-time code, then known by its credential.
public struct Device: Sendable, Equatable {
    /// The words the gates share (GateProtocol).
    public typealias Direction = GateDirection
    public typealias Status = DeviceStatus

    public let id: Int64
    public let eventID: UInt32
    public let name: String
    public let direction: Direction
    /// The ticket classes it admits; nil admits every class.
    public let classes: [UInt16]?
    public let status: Status
    public let enrollmentExpiresAt: Int64
    public let createdAt: Int64
    public let enrolledAt: Int64?
    public let revokedAt: Int64?
    /// What the gate last reported of itself on a sync call.
    public let lastSeenAt: Int64?
    public let replicaSeq: Int64
    public let pendingScans: Int
    public let clockOffsetMilliseconds: Int64?

    static let columns = """
        id, event_id, name, direction, classes, status, enrollment_expires_at, created_at, enrolled_at, revoked_at, last_seen_at,
        replica_seq, pending_scans, clock_offset_ms
        """

    init(row: SQLiteRow) throws {
        id = try row["id"]
        eventID = try row["event_id"]
        name = try row["name"]
        direction = try row["direction"]
        let classesJSON: String? = try row["classes"]
        classes = try classesJSON.map(Self.classes(json:))
        status = try row["status"]
        enrollmentExpiresAt = try row["enrollment_expires_at"]
        createdAt = try row["created_at"]
        enrolledAt = try row["enrolled_at"]
        revokedAt = try row["revoked_at"]
        lastSeenAt = try row["last_seen_at"]
        replicaSeq = try row["replica_seq"]
        pendingScans = try row["pending_scans"]
        clockOffsetMilliseconds = try row["clock_offset_ms"]
    }

    /// The class list as stored: a JSON array of numbers, such as `[1,2]`.
    static func json(classes: [UInt16]) -> String {
        "[" + classes.map(String.init).joined(separator: ",") + "]"
    }

    /// A stored class list that does not read back is damage, reported as such.
    private static func classes(json: String) throws -> [UInt16] {
        let inner = json.dropFirst().dropLast()
        guard json.first == "[", json.last == "]" else { throw SQLiteError(code: .mismatch, message: "device.classes holds \(json)") }
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map { part in
            guard let number = UInt16(part) else { throw SQLiteError(code: .mismatch, message: "device.classes holds \(json)") }
            return number
        }
    }

    /// Whether the gate counts as online: it called within the last long-poll and then some.
    func isOnline(now: Int64) -> Bool {
        guard let lastSeenAt, status == .active else { return false }
        return now - lastSeenAt <= 45
    }
}
