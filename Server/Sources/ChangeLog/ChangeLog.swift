import GateProtocol
import Shared

/// The append-only record of every state change, numbered by a sequence that only grows.
/// Kiosks will sync from it; organisers can audit it.
public enum ChangeLog {
    /// The kinds of entry, as the gates' feed shares them (GateProtocol).
    public typealias Kind = ChangeKind

    public struct Entry: Sendable {
        public let seq: Int64
        public let at: Int64
        public let kind: String
        public let eventID: UInt32?
        public let ticketID: UInt64?
        public let detail: String
    }

    /// Appends an entry in the write job's transaction. Every change to an event's sales goes
    /// through here, so this is also where the writer learns which events a batch changed.
    static func append(
        _ kind: Kind, eventID: UInt32?, ticketID: UInt64? = nil, at now: Int64, detail: JSONValue = .object([]),
        in transaction: WriteTransaction
    ) throws {
        try transaction.run(
            "INSERT INTO change_log (at, kind, event_id, ticket_id, detail) VALUES (?, ?, ?, ?, ?)",
            now, kind.rawValue, eventID, ticketID, detail.description)
        if let eventID { transaction.changed(event: eventID) }
    }

    static func entries(after seq: Int64, eventID: UInt32?, limit: Int, in database: some SQLiteQuerying) throws -> [Entry] {
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
        return try rows.map { row in
            Entry(
                seq: try row["seq"], at: try row["at"], kind: try row["kind"], eventID: try row["event_id"], ticketID: try row["ticket_id"],
                detail: try row["detail"])
        }
    }
}
