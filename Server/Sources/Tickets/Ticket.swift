import Shared

/// One issued ticket.
public struct Ticket: Sendable, Equatable {
    public enum Status: String, Sendable {
        case valid, cancelled, revoked
    }

    public let id: UInt64
    public let eventID: UInt32
    public let zone: UInt16
    public let seatID: Int64?
    public let seatLabel: String?
    public let accountID: Int64
    public let holder: String
    public let status: Status
    public let token: String
    public let createdAt: Int64
    public let changedAt: Int64

    static let selection = """
        SELECT t.id, t.event_id, t.zone, t.seat_id, s.label, t.account_id, t.holder, t.status, t.token, t.created_at, t.changed_at
        FROM ticket t LEFT JOIN seat s ON s.id = t.seat_id
        """

    init(
        id: UInt64, eventID: UInt32, zone: UInt16, seatID: Int64?, seatLabel: String?, accountID: Int64, holder: String,
        status: Status, token: String, createdAt: Int64, changedAt: Int64
    ) {
        self.id = id
        self.eventID = eventID
        self.zone = zone
        self.seatID = seatID
        self.seatLabel = seatLabel
        self.accountID = accountID
        self.holder = holder
        self.status = status
        self.token = token
        self.createdAt = createdAt
        self.changedAt = changedAt
    }

    init(row: SQLiteRow) {
        id = row.uint64(0)!
        eventID = UInt32(row.int64(1)!)
        zone = UInt16(row.int64(2)!)
        seatID = row.int64(3)
        seatLabel = row.string(4)
        accountID = row.int64(5)!
        holder = row.string(6)!
        status = Status(rawValue: row.string(7)!) ?? .revoked
        token = row.string(8)!
        createdAt = row.int64(9)!
        changedAt = row.int64(10)!
    }

    /// Ticket ids are u64: sent as strings, since JavaScript numbers lose digits past 2^53.
    var json: JSONValue {
        .object([
            ("id", .string(String(id))), ("event_id", .unsigned(UInt64(eventID))), ("ticket_class", .unsigned(UInt64(zone))),
            ("seat", seatLabel.map(JSONValue.string) ?? .null), ("holder", .string(holder)), ("status", .string(status.rawValue)),
            ("created_at", .integer(createdAt)), ("changed_at", .integer(changedAt)),
        ])
    }
}
