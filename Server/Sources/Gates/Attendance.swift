import Hummingbird
import Shared

/// Who came in, from the gates' reports: distinct tickets admitted, inside now, each gate's
/// counts, and the conflicts offline gates caused, each with every admission of its ticket.
enum Attendance {
    static func report(eventID: UInt32, in database: some SQLiteQuerying) throws -> AttendanceResponse {
        let admitted = try database.scalar("SELECT COUNT(*) FROM admission WHERE event_id = ?", eventID, as: Int.self) ?? 0
        let inside = try database.scalar("SELECT COUNT(*) FROM admission WHERE event_id = ? AND inside = 1", eventID, as: Int.self) ?? 0
        let gates = try database.rows(
            """
            SELECT d.id, d.name, d.direction,
                count(g.id) FILTER (WHERE g.verdict = 'admit' AND g.direction = 'entry' AND g.flag IS NULL) AS admitted,
                count(g.id) FILTER (WHERE g.verdict = 'admit' AND g.direction = 'exit' AND g.flag IS NULL) AS exited,
                count(g.id) FILTER (WHERE g.verdict = 'reject' AND g.flag IS NULL) AS rejected,
                count(g.id) FILTER (WHERE g.mode = 'offline') AS offline,
                count(g.id) FILTER (WHERE g.flag IS NOT NULL) AS flagged
            FROM device d LEFT JOIN gate_scan g ON g.device_id = d.id
            WHERE d.event_id = ? GROUP BY d.id ORDER BY d.id
            """, eventID
        ).map { row in
            AttendanceResponse.Gate(
                deviceID: try row["id"], name: try row["name"], direction: try row["direction"], admitted: try row["admitted"],
                exited: try row["exited"], rejected: try row["rejected"], offlineScans: try row["offline"], flaggedScans: try row["flagged"])
        }
        let conflicts = try database.rows(
            "SELECT id, ticket_id, kind, created_at FROM gate_conflict WHERE event_id = ? ORDER BY id", eventID
        ).map { row in
            let ticketID: UInt64 = try row["ticket_id"]
            return AttendanceResponse.Conflict(
                id: try row["id"], ticketID: String(ticketID), kind: try row["kind"], recordedAt: try row["created_at"],
                scans: try scans(of: ticketID, eventID: eventID, in: database))
        }
        return AttendanceResponse(admitted: admitted, inside: inside, gates: gates, conflicts: conflicts)
    }

    /// Scans reported per minute for the `minutes` minutes up to `now` (seconds), oldest first.
    static func scansPerMinute(eventID: UInt32, minutes: Int, now: Int64, in database: some SQLiteQuerying) throws -> [Int] {
        let first = now / 60 - Int64(minutes - 1)
        var counts = [Int](repeating: 0, count: minutes)
        // Scan times are milliseconds.
        for row in try database.rows(
            """
            SELECT at / 60000 AS minute, COUNT(*) AS scans FROM gate_scan WHERE event_id = ? AND at >= ? AND flag IS NULL GROUP BY minute
            """, eventID, first * 60_000)
        {
            let minute: Int64 = try row["minute"]
            if minute - first < Int64(minutes) { counts[Int(minute - first)] = try row["scans"] }
        }
        return counts
    }

    /// Every admission and exit this event's gates reported for a ticket, in time order; scans the
    /// server did not believe (flagged) are left out, as they moved nothing.
    private static func scans(of ticketID: UInt64, eventID: UInt32, in database: some SQLiteQuerying) throws -> [AttendanceResponse.Scan] {
        try database.rows(
            """
            SELECT d.name, g.scan_number, g.at, g.direction, g.mode, g.reason FROM gate_scan g JOIN device d ON d.id = g.device_id
            WHERE g.ticket_id = ? AND g.event_id = ? AND g.verdict = 'admit' AND g.flag IS NULL ORDER BY g.at, g.id
            """, ticketID, eventID
        ).map { row in
            AttendanceResponse.Scan(
                gate: try row["name"], scanNumber: try row["scan_number"], at: try row["at"], direction: try row["direction"],
                mode: try row["mode"])
        }
    }
}

struct AttendanceResponse: ResponseEncodable, Sendable {
    struct Gate: Encodable, Sendable {
        let deviceID: Int64
        let name: String
        let direction: String
        let admitted: Int
        let exited: Int
        let rejected: Int
        let offlineScans: Int
        /// Scans stored but not believed: a time outside what the gate may report, or a
        /// direction other than the gate's. Not in the counts above.
        let flaggedScans: Int
    }

    struct Scan: Encodable, Sendable {
        let gate: String
        let scanNumber: Int64
        /// Milliseconds since 1970.
        let at: Int64
        let direction: String
        let mode: String
    }

    struct Conflict: Encodable, Sendable {
        let id: Int64
        let ticketID: String
        /// `admitted_twice`, `admitted_when_not_valid` or `admitted_wrong_class`.
        let kind: String
        let recordedAt: Int64
        let scans: [Scan]
    }

    /// Distinct tickets admitted at least once.
    let admitted: Int
    /// Inside now: entries minus exits, per ticket.
    let inside: Int
    let gates: [Gate]
    let conflicts: [Conflict]
}
