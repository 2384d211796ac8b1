import GateProtocol
import Shared

/// One issued ticket.
public struct Ticket: Sendable, Equatable {
    /// The status the gates share (GateProtocol).
    public typealias Status = TicketStatus

    public let id: UInt64
    public let eventID: UInt32
    public let ticketClass: UInt16
    public let seatID: Int64?
    public let seatLabel: String?
    public let accountID: Int64
    public let holder: String
    public let status: Status
    public let token: String
    public let createdAt: Int64
    public let changedAt: Int64

    static let selection = """
        SELECT t.id, t.event_id, t.ticket_class, t.seat_id, s.label AS seat_label, t.account_id, t.holder, t.status, t.token, t.created_at, t.changed_at
        FROM ticket t LEFT JOIN seat s ON s.id = t.seat_id
        """

    init(
        id: UInt64, eventID: UInt32, ticketClass: UInt16, seatID: Int64?, seatLabel: String?, accountID: Int64, holder: String,
        status: Status, token: String, createdAt: Int64, changedAt: Int64
    ) {
        self.id = id
        self.eventID = eventID
        self.ticketClass = ticketClass
        self.seatID = seatID
        self.seatLabel = seatLabel
        self.accountID = accountID
        self.holder = holder
        self.status = status
        self.token = token
        self.createdAt = createdAt
        self.changedAt = changedAt
    }

    init(row: SQLiteRow) throws {
        id = try row["id"]
        eventID = try row["event_id"]
        ticketClass = try row["ticket_class"]
        seatID = try row["seat_id"]
        seatLabel = try row["seat_label"]
        accountID = try row["account_id"]
        holder = try row["holder"]
        status = try row["status"]
        token = try row["token"]
        createdAt = try row["created_at"]
        changedAt = try row["changed_at"]
    }

}
