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
    public var classes: [TicketClass]

    static let columns = "id, name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit"

    init(row: SQLiteRow, classes: [TicketClass]) {
        id = UInt32(row.int64(0)!)
        name = row.string(1)!
        venue = row.string(2)!
        startsAt = row.int64(3)!
        endsAt = row.int64(4)!
        gatesOpenAt = row.int64(5)!
        saleOpensAt = row.int64(6)!
        saleClosesAt = row.int64(7)!
        perPersonLimit = row.int(8)!
        self.classes = classes
    }

    var json: JSONValue {
        .object([
            ("id", .unsigned(UInt64(id))), ("name", .string(name)), ("venue", .string(venue)),
            ("starts_at", .integer(startsAt)), ("ends_at", .integer(endsAt)), ("gates_open_at", .integer(gatesOpenAt)),
            ("sale_opens_at", .integer(saleOpensAt)), ("sale_closes_at", .integer(saleClosesAt)),
            ("per_person_limit", .integer(Int64(perPersonLimit))), ("classes", .array(classes.map(\.json))),
        ])
    }
}

/// A kind of ticket, which is also the zone (u16) a gate lets in. General admission classes
/// have a capacity; seated classes sell the seats of the seat map that name them.
public struct TicketClass: Sendable, Equatable {
    public let zone: UInt16
    public let name: String
    public let priceCents: Int
    /// Nil for a seated class.
    public let capacity: Int?
    public let sold: Int

    static let columns = "zone, name, price_cents, capacity, sold"

    init(row: SQLiteRow) {
        zone = UInt16(row.int64(0)!)
        name = row.string(1)!
        priceCents = row.int(2)!
        capacity = row.int(3)
        sold = row.int(4)!
    }

    var json: JSONValue {
        .object([
            ("zone", .unsigned(UInt64(zone))), ("name", .string(name)), ("price_cents", .integer(Int64(priceCents))),
            ("general_admission", .bool(capacity != nil)), ("capacity", capacity.map { .integer(Int64($0)) } ?? .null),
            ("sold", .integer(Int64(sold))),
        ])
    }
}
