import GateProtocol
import Shared

/// A ticket as the kiosk's replica knows it.
public struct ReplicaTicket: Sendable, Equatable {
    public typealias Status = TicketStatus
    public enum Origin: String, Sendable, SQLiteColumnValue { case `import`, scan }

    public let id: UInt64
    public let eventID: UInt32
    public var status: Status
    public var holder: String
    public var seat: String
    public var ticketClass: UInt16?
    public var origin: Origin
    public var inside: Bool
    /// Milliseconds since 1970 of the first admitted entry, here or (from an import) elsewhere.
    public var usedAt: Int64?
    public var usedGate: String?
    /// Milliseconds since 1970 of the last entry or exit known here.
    public var movedAt: Int64?

    static let columns = "id, event_id, status, holder, seat, ticket_class, origin, inside, used_at, used_gate, moved_at"

    init(row: SQLiteRow) throws {
        id = try row["id"]
        eventID = try row["event_id"]
        status = try row["status"]
        holder = try row["holder"]
        seat = try row["seat"]
        ticketClass = try row["ticket_class"]
        origin = try row["origin"]
        inside = try row["inside"]
        usedAt = try row["used_at"]
        usedGate = try row["used_gate"]
        movedAt = try row["moved_at"]
    }

    public init(
        id: UInt64, eventID: UInt32, status: Status, holder: String, seat: String, ticketClass: UInt16?, origin: Origin,
        inside: Bool = false, usedAt: Int64? = nil, usedGate: String? = nil, movedAt: Int64? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.status = status
        self.holder = holder
        self.seat = seat
        self.ticketClass = ticketClass
        self.origin = origin
        self.inside = inside
        self.usedAt = usedAt
        self.usedGate = usedGate
        self.movedAt = movedAt
    }
}

extension ReplicaTicket {
    /// Where the ticket stands at the gates, as the shared admission rules take it.
    var standing: AdmissionRules.Standing {
        get { AdmissionRules.Standing(inside: inside, firstEntryAt: usedAt, firstEntryGate: usedGate, lastMoveAt: movedAt) }
        set {
            inside = newValue.inside
            usedAt = newValue.firstEntryAt
            usedGate = newValue.firstEntryGate
            movedAt = newValue.lastMoveAt
        }
    }
}
