import Shared

/// The append-only record of every state change, numbered by a sequence that only grows.
/// Kiosks will sync from it; organisers can audit it.
public enum ChangeLog {
    public enum Kind: String, Sendable {
        case eventCreated = "event_created"
        case eventChanged = "event_changed"
        case seatMapReplaced = "seat_map_replaced"
        case ticketIssued = "ticket_issued"
        case ticketCancelled = "ticket_cancelled"
        case ticketRevoked = "ticket_revoked"
        /// The event's times moved: the ticket has a new token (same id) with the new window.
        case ticketResigned = "ticket_resigned"
    }

    public struct Entry: Sendable {
        public let seq: Int64
        public let at: Int64
        public let kind: String
        public let eventID: UInt32?
        public let ticketID: UInt64?
        public let detail: String

        var json: JSONValue {
            .object([
                ("seq", .integer(seq)), ("at", .integer(at)), ("kind", .string(kind)),
                ("event_id", eventID.map { .unsigned(UInt64($0)) } ?? .null),
                ("ticket_id", ticketID.map { .string(String($0)) } ?? .null),
                ("detail", .string(detail)),
            ])
        }
    }

    static func append(
        _ kind: Kind, eventID: UInt32?, ticketID: UInt64? = nil, at now: Int64, detail: JSONValue = .object([]),
        in database: SQLiteDatabase
    ) throws {
        try database.run(
            "INSERT INTO change_log (at, kind, event_id, ticket_id, detail) VALUES (?, ?, ?, ?, ?)",
            now, kind.rawValue, eventID, ticketID, detail.description)
    }

    static func entries(after seq: Int64, eventID: UInt32?, limit: Int, in database: SQLiteDatabase) throws -> [Entry] {
        let rows =
            if let eventID {
                try database.rows(
                    "SELECT seq, at, kind, event_id, ticket_id, detail FROM change_log WHERE seq > ? AND event_id = ? ORDER BY seq LIMIT ?",
                    seq, eventID, limit)
            } else {
                try database.rows(
                    "SELECT seq, at, kind, event_id, ticket_id, detail FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
                    seq, limit)
            }
        return rows.map { row in
            Entry(
                seq: row.int64(0)!, at: row.int64(1)!, kind: row.string(2)!, eventID: row.int64(3).map { UInt32($0) },
                ticketID: row.uint64(4), detail: row.string(5)!)
        }
    }
}
