import Shared

/// A festival or school event that sells tickets.
public struct Event: Sendable, Equatable {
    public let id: UInt32
    public let name: String
    public let venue: String
    public let startsAt: Int64
    public let endsAt: Int64
    public let gatesOpenAt: Int64
    public let saleOpensAt: Int64
    public let saleClosesAt: Int64
    public let perPersonLimit: Int
    /// An IANA time zone name (`Asia/Seoul`): the pages show every time of the event in it.
    public let timeZone: String
    /// An ISO 4217 code; prices are in its minor unit.
    public let currency: String
    public var classes: [TicketClass]
    /// Its waiting room, if organisers set one up (docs/FAIRNESS.md).
    public var waitingRoom: WaitingRoomSettings?
    /// Set while its organisers have paused the sale.
    public var pause: SalePause?
    /// How long a waitlist offer is held for the person it is made to.
    public let offerMinutes: Int

    static let columns =
        "id, name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit, time_zone, currency, offer_minutes"

    init(row: SQLiteRow, classes: [TicketClass]) throws {
        id = try row["id"]
        name = try row["name"]
        venue = try row["venue"]
        startsAt = try row["starts_at"]
        endsAt = try row["ends_at"]
        gatesOpenAt = try row["gates_open_at"]
        saleOpensAt = try row["sale_opens_at"]
        saleClosesAt = try row["sale_closes_at"]
        perPersonLimit = try row["per_person_limit"]
        timeZone = try row["time_zone"]
        currency = try row["currency"]
        offerMinutes = try row["offer_minutes"]
        self.classes = classes
    }

}

/// A kind of ticket, numbered within its event (`ticket_class`, a u16: the number the token carries
/// and a gate's class list names). General admission classes have a capacity; seated classes
/// sell the seats of the seat map that name them.
public struct TicketClass: Sendable, Equatable {
    public let ticketClass: UInt16
    public let name: String
    public let priceCents: Int
    /// Nil for a seated class.
    public let capacity: Int?
    public let sold: Int
    /// Standing tickets held for open waitlist offers: neither sold nor on sale.
    public let held: Int

    static let columns = "ticket_class, name, price_cents, capacity, sold, held"

    init(row: SQLiteRow) throws {
        ticketClass = try row["ticket_class"]
        name = try row["name"]
        priceCents = try row["price_cents"]
        capacity = try row["capacity"]
        sold = try row["sold"]
        held = try row["held"]
    }

}
