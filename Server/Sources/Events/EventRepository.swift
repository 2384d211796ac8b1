import Shared

/// Events, classes and seats in SQL.
enum EventRepository {
    struct NewEvent: Sendable {
        var name: String
        var venue: String
        var startsAt: Int64
        var endsAt: Int64
        var gatesOpenAt: Int64
        var saleOpensAt: Int64
        var saleClosesAt: Int64
        var perPersonLimit: Int
        var classes: [NewClass]
    }

    struct NewClass: Sendable {
        var zone: UInt16
        var name: String
        var priceCents: Int
        var capacity: Int?
    }

    struct Seat: Sendable {
        var row: String
        var seat: String
        var label: String
        var zone: UInt16
    }

    static func create(_ event: NewEvent, now: Int64, in database: SQLiteDatabase) throws -> Event {
        try database.run(
            """
            INSERT INTO event (name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit,
                               created_at, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, event.name, event.venue, event.startsAt, event.endsAt, event.gatesOpenAt, event.saleOpensAt,
            event.saleClosesAt, event.perPersonLimit, now, now)
        let id = UInt32(database.lastInsertRowID)
        for newClass in event.classes { try addClass(newClass, eventID: id, in: database) }
        try ChangeLog.append(.eventCreated, eventID: id, at: now, in: database)
        return try self.event(id: id, in: database)!
    }

    static func addClass(_ newClass: NewClass, eventID: UInt32, in database: SQLiteDatabase) throws {
        do {
            try database.run(
                "INSERT INTO ticket_class (event_id, zone, name, price_cents, capacity) VALUES (?, ?, ?, ?, ?)",
                eventID, newClass.zone, newClass.name, newClass.priceCents, newClass.capacity)
        } catch {
            guard error.isConstraintViolation else { throw error }
            throw APIError(.conflict, "class_exists", "event \(eventID) already has a class with zone \(newClass.zone)")
        }
    }

    static func update(_ event: NewEvent, id: UInt32, now: Int64, in database: SQLiteDatabase) throws -> Event {
        try database.run(
            """
            UPDATE event SET name = ?, venue = ?, starts_at = ?, ends_at = ?, gates_open_at = ?, sale_opens_at = ?,
                             sale_closes_at = ?, per_person_limit = ?, changed_at = ?
            WHERE id = ?
            """, event.name, event.venue, event.startsAt, event.endsAt, event.gatesOpenAt, event.saleOpensAt,
            event.saleClosesAt, event.perPersonLimit, now, id)
        try ChangeLog.append(.eventChanged, eventID: id, at: now, in: database)
        return try self.event(id: id, in: database)!
    }

    static func event(id: UInt32, in database: SQLiteDatabase) throws -> Event? {
        guard let row = try database.row("SELECT \(Event.columns) FROM event WHERE id = ?", id) else { return nil }
        return Event(row: row, classes: try classes(eventID: id, in: database))
    }

    static func events(in database: SQLiteDatabase) throws -> [Event] {
        try database.rows("SELECT \(Event.columns) FROM event ORDER BY starts_at, id").map { row in
            Event(row: row, classes: try classes(eventID: UInt32(row.int64(0)!), in: database))
        }
    }

    static func classes(eventID: UInt32, in database: SQLiteDatabase) throws -> [TicketClass] {
        try database.rows("SELECT \(TicketClass.columns) FROM ticket_class WHERE event_id = ? ORDER BY zone", eventID)
            .map(TicketClass.init(row:))
    }

    /// Replaces the seat map. Refused once any seat has a live ticket: people hold those seats.
    static func replaceSeatMap(_ seats: [Seat], eventID: UInt32, now: Int64, in database: SQLiteDatabase) throws -> Int {
        let sold = try database.row(
            "SELECT COUNT(*) FROM ticket WHERE event_id = ? AND seat_id IS NOT NULL AND status = 'valid'", eventID)!.int(0)!
        guard sold == 0 else {
            throw APIError(.conflict, "seats_sold", "\(sold) seats of this event are sold; the seat map can no longer be replaced")
        }
        // Cancelled and revoked tickets keep pointing at their old seats; detach them first.
        try database.run("UPDATE ticket SET seat_id = NULL WHERE event_id = ? AND seat_id IS NOT NULL", eventID)
        try database.run("DELETE FROM seat WHERE event_id = ?", eventID)
        for seat in seats {
            try database.run(
                "INSERT INTO seat (event_id, row_label, seat_label, label, zone) VALUES (?, ?, ?, ?, ?)",
                eventID, seat.row, seat.seat, seat.label, seat.zone)
        }
        try ChangeLog.append(.seatMapReplaced, eventID: eventID, at: now, detail: .object([("seats", .integer(Int64(seats.count)))]), in: database)
        return seats.count
    }
}
