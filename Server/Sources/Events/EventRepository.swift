import Shared

/// Events, classes and seats in SQL, and what is left of them to sell.
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
        var timeZone: String
        var currency: String
        var classes: [NewClass]
        var waitingRoom: SettingChange<WaitingRoomSettings> = .unchanged
        /// How long a waitlist offer is held (`offer_minutes`).
        var offerMinutes = 30
    }

    struct NewClass: Sendable {
        var ticketClass: UInt16
        var name: String
        var priceCents: Int
        var capacity: Int?
    }

    struct Seat: Sendable {
        var row: String
        var seat: String
        var label: String
        var ticketClass: UInt16
    }

    static func create(_ event: NewEvent, now: Int64, in transaction: WriteTransaction) throws -> Event {
        try transaction.run(
            """
            INSERT INTO event (name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit,
                               time_zone, currency, offer_minutes, created_at, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, event.name, event.venue, event.startsAt, event.endsAt, event.gatesOpenAt, event.saleOpensAt,
            event.saleClosesAt, event.perPersonLimit, event.timeZone, event.currency, event.offerMinutes, now, now)
        let id = UInt32(transaction.lastInsertRowID)
        try ChangeLog.append(.eventCreated, eventID: id, at: now, in: transaction)
        for newClass in event.classes { try addClass(newClass, eventID: id, now: now, in: transaction) }
        try WaitingRooms.configure(event.waitingRoom, eventID: id, in: transaction)
        return try existing(id: id, in: transaction)
    }

    static func addClass(_ newClass: NewClass, eventID: UInt32, now: Int64, in transaction: WriteTransaction) throws {
        do {
            try transaction.run(
                "INSERT INTO ticket_class (event_id, ticket_class, name, price_cents, capacity) VALUES (?, ?, ?, ?, ?)",
                eventID, newClass.ticketClass, newClass.name, newClass.priceCents, newClass.capacity)
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw EventError.classExists(ticketClass: newClass.ticketClass, eventID: eventID)
        }
        var detail: [(String, JSONValue)] = [("ticket_class", .unsigned(UInt64(newClass.ticketClass))), ("name", .string(newClass.name))]
        detail.append(("capacity", newClass.capacity.map { .integer(Int64($0)) } ?? .null))
        try ChangeLog.append(.classAdded, eventID: eventID, at: now, detail: .object(detail), in: transaction)
    }

    /// A standing class's new capacity; never below what is sold and held. What it adds goes to
    /// the class's waitlist first.
    static func changeCapacity(_ capacity: Int, eventID: UInt32, ticketClass: UInt16, now: Int64, in transaction: WriteTransaction) throws {
        let event = try existing(id: eventID, in: transaction)
        guard let changed = event.classes.first(where: { $0.ticketClass == ticketClass }) else { throw EventError.classNotFound(ticketClass: ticketClass) }
        guard changed.capacity != nil else { throw EventError.classIsSeated(ticketClass: ticketClass) }
        guard capacity >= changed.sold + changed.held else { throw EventError.capacityBelowSold(sold: changed.sold + changed.held) }
        try transaction.run("UPDATE ticket_class SET capacity = ? WHERE event_id = ? AND ticket_class = ?", capacity, eventID, ticketClass)
        try ChangeLog.append(
            .capacityChanged, eventID: eventID, at: now,
            detail: .object([("ticket_class", .unsigned(UInt64(ticketClass))), ("capacity", .integer(Int64(capacity)))]), in: transaction)
        try WaitlistOffers.serve(eventID: eventID, ticketClass: ticketClass, now: now, in: transaction)
    }

    static func update(_ event: NewEvent, id: UInt32, now: Int64, in transaction: WriteTransaction) throws -> Event {
        try transaction.run(
            """
            UPDATE event SET name = ?, venue = ?, starts_at = ?, ends_at = ?, gates_open_at = ?, sale_opens_at = ?,
                             sale_closes_at = ?, per_person_limit = ?, time_zone = ?, currency = ?, offer_minutes = ?, changed_at = ?
            WHERE id = ?
            """, event.name, event.venue, event.startsAt, event.endsAt, event.gatesOpenAt, event.saleOpensAt,
            event.saleClosesAt, event.perPersonLimit, event.timeZone, event.currency, event.offerMinutes, now, id)
        guard transaction.changes == 1 else { throw EventError.notFound }
        try WaitingRooms.configure(event.waitingRoom, eventID: id, in: transaction)
        try ChangeLog.append(.eventChanged, eventID: id, at: now, in: transaction)
        return try existing(id: id, in: transaction)
    }

    static func event(id: UInt32, in database: some SQLiteQuerying) throws -> Event? {
        guard let row = try database.row("SELECT \(Event.columns) FROM event WHERE id = ?", id) else { return nil }
        return try event(row: row, in: database)
    }

    /// An event row with its classes, waiting room and pause.
    private static func event(row: SQLiteRow, in database: some SQLiteQuerying) throws -> Event {
        let id: UInt32 = try row["id"]
        var event = try Event(row: row, classes: try classes(eventID: id, in: database))
        event.waitingRoom = try WaitingRooms.room(eventID: id, in: database)?.settings
        event.pause = try database.row("SELECT paused_at, notice_ko, notice_en, resume_at FROM sale_pause WHERE event_id = ?", id)
            .map(SalePause.init(row:))
        return event
    }

    /// The event, or `EventError.notFound`.
    static func existing(id: UInt32, in database: some SQLiteQuerying) throws -> Event {
        guard let event = try event(id: id, in: database) else { throw EventError.notFound }
        return event
    }

    static func events(in database: some SQLiteQuerying) throws -> [Event] {
        try database.rows("SELECT \(Event.columns) FROM event ORDER BY starts_at, id").map { try event(row: $0, in: database) }
    }

    static func classes(eventID: UInt32, in database: some SQLiteQuerying) throws -> [TicketClass] {
        try database.rows("SELECT \(TicketClass.columns) FROM ticket_class WHERE event_id = ? ORDER BY ticket_class", eventID)
            .map(TicketClass.init(row:))
    }

    /// Replaces the seat map. Refused once any seat has a live ticket: people hold those seats.
    static func replaceSeatMap(_ seats: [Seat], eventID: UInt32, now: Int64, in transaction: WriteTransaction) throws -> Int {
        _ = try existing(id: eventID, in: transaction)
        let sold = try transaction.scalar(
            "SELECT COUNT(*) FROM ticket WHERE event_id = ? AND seat_id IS NOT NULL AND status = 'valid'", eventID, as: Int.self) ?? 0
        guard sold == 0 else { throw EventError.seatsSold(count: sold) }
        // Cancelled and revoked tickets keep pointing at their old seats; detach them first.
        try transaction.run("UPDATE ticket SET seat_id = NULL WHERE event_id = ? AND seat_id IS NOT NULL", eventID)
        try transaction.run("DELETE FROM seat WHERE event_id = ?", eventID)
        for seat in seats {
            try transaction.run(
                "INSERT INTO seat (event_id, row_label, seat_label, label, ticket_class) VALUES (?, ?, ?, ?, ?)",
                eventID, seat.row, seat.seat, seat.label, seat.ticketClass)
        }
        try ChangeLog.append(.seatMapReplaced, eventID: eventID, at: now, detail: .object([("seats", .integer(Int64(seats.count)))]), in: transaction)
        return seats.count
    }

    /// Every class with what is left, and every seat with whether it is free. A seat held for a
    /// waitlist offer is not free, and while anyone waits for a class nothing of it is.
    static func availability(eventID: UInt32, in database: some SQLiteQuerying) throws -> Availability {
        let event = try existing(id: eventID, in: database)
        // One indexed look per class, however long its line.
        let lined: Set<UInt16> = Set(try database.rows(
            """
            SELECT c.ticket_class FROM ticket_class c WHERE c.event_id = ? AND EXISTS (
                SELECT 1 FROM waitlist_entry w WHERE w.event_id = c.event_id AND w.ticket_class = c.ticket_class AND w.status = 'waiting')
            """, eventID
        ).map { try $0["ticket_class"] })
        let seats = try database.rows(
            """
            SELECT s.id, s.row_label, s.seat_label, s.label, s.ticket_class,
                   t.id IS NULL AND NOT EXISTS (SELECT 1 FROM offer_seat o WHERE o.seat_id = s.id) AS free FROM seat s
            LEFT JOIN ticket t ON t.seat_id = s.id AND t.status = 'valid'
            WHERE s.event_id = ? ORDER BY s.id
            """, eventID
        ).map { row in
            Availability.Seat(
                id: try row["id"], row: try row["row_label"], seat: try row["seat_label"], label: try row["label"],
                ticketClass: try row["ticket_class"], free: try row["free"] && !lined.contains(try row["ticket_class"]))
        }
        let seatsTaken = Dictionary(grouping: seats.filter { !$0.free }, by: \.ticketClass).mapValues(\.count)
        let seatTotals = Dictionary(grouping: seats, by: \.ticketClass).mapValues(\.count)
        let classes = event.classes.map { eventClass in
            let total = eventClass.capacity ?? seatTotals[eventClass.ticketClass, default: 0]
            let unavailable = eventClass.capacity == nil ? seatsTaken[eventClass.ticketClass, default: 0] : eventClass.sold + eventClass.held
            return Availability.Class(
                ticketClass: eventClass.ticketClass, name: eventClass.name, generalAdmission: eventClass.capacity != nil, total: total,
                remaining: lined.contains(eventClass.ticketClass) ? 0 : max(0, total - unavailable))
        }
        return Availability(eventID: eventID, classes: classes, seats: seats)
    }
}

/// What an event has left to sell.
struct Availability: Sendable {
    struct Class: Sendable, Encodable {
        let ticketClass: UInt16
        let name: String
        let generalAdmission: Bool
        let total: Int
        let remaining: Int
    }

    struct Seat: Sendable, Encodable {
        let id: Int64
        let row: String
        let seat: String
        let label: String
        let ticketClass: UInt16
        let free: Bool
    }

    let eventID: UInt32
    let classes: [Class]
    let seats: [Seat]
}

extension Availability: Encodable {}
