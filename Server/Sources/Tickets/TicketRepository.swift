import Shared

/// Tickets in SQL: issuing, reading and changing their status, each change into the change log.
enum TicketRepository {
    /// Inserts a valid ticket with a fresh random id and its FT1 token. A seat already held by a
    /// live ticket makes the unique index fail: reported as `seat_taken` naming the seat.
    static func issue(
        event: Event, zone: UInt16, seat: (id: Int64, label: String)?, accountID: Int64, holder: String,
        bookingID: Int64?, reissuedFrom: UInt64? = nil, issuer: TicketIssuer, now: Int64, in database: SQLiteDatabase
    ) throws -> Ticket {
        while true {
            let id = UInt64.random(in: 1...UInt64.max)
            let token = try issuer.token(ticketID: id, event: event, zone: zone, seatLabel: seat?.label ?? "", holder: holder)
            do {
                try database.run(
                    """
                    INSERT INTO ticket (id, event_id, zone, seat_id, account_id, booking_id, holder, status, token, reissued_from,
                                        created_at, changed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?)
                    """, id, event.id, zone, seat?.id, accountID, bookingID, holder, token, reissuedFrom, now, now)
            } catch {
                // SQLITE_CONSTRAINT_PRIMARYKEY: a random id collided; draw another.
                if error.code == 1555 { continue }
                if error.code == 2067 && error.message.contains("ticket.seat_id") {
                    throw APIError(.conflict, "seat_taken", "seat \(seat?.label ?? "?") is already taken")
                }
                throw error
            }
            var detail: [(String, JSONValue)] = [("ticket_class", .unsigned(UInt64(zone)))]
            if let seat { detail.append(("seat", .string(seat.label))) }
            if let reissuedFrom { detail.append(("reissued_from", .string(String(reissuedFrom)))) }
            try ChangeLog.append(.ticketIssued, eventID: event.id, ticketID: id, at: now, detail: .object(detail), in: database)
            // Everything about the new ticket is known here: no need to read it back inside the booking.
            return Ticket(
                id: id, eventID: event.id, zone: zone, seatID: seat?.id, seatLabel: seat?.label, accountID: accountID,
                holder: holder, status: .valid, token: token, createdAt: now, changedAt: now)
        }
    }

    /// What a live ticket's token is made of, besides the event's window.
    struct TokenFields: Sendable {
        let id: UInt64
        let zone: UInt16
        let seatLabel: String
        let holder: String
    }

    /// The token fields of every valid ticket of an event.
    static func liveTokenFields(eventID: UInt32, in database: SQLiteDatabase) throws -> [TokenFields] {
        try database.rows(
            """
            SELECT t.id, t.zone, coalesce(s.label, ''), t.holder FROM ticket t LEFT JOIN seat s ON s.id = t.seat_id
            WHERE t.event_id = ? AND t.status = 'valid' ORDER BY t.id
            """, eventID
        ).map { row in
            TokenFields(id: row.uint64(0)!, zone: UInt16(truncatingIfNeeded: row.int64(1)!), seatLabel: row.string(2)!, holder: row.string(3)!)
        }
    }

    /// Gives every valid ticket of `event` a token for the event's current window, ids kept, each
    /// change in the change log so replicas learn it. `presigned` holds tokens made before the
    /// write job (signing is the slow part); a ticket issued since is signed here.
    static func resign(
        event: Event, presigned: [UInt64: String], issuer: TicketIssuer, now: Int64, in database: SQLiteDatabase
    ) throws -> Int {
        let tickets = try liveTokenFields(eventID: event.id, in: database)
        for ticket in tickets {
            let token = try presigned[ticket.id] ?? issuer.token(
                ticketID: ticket.id, event: event, zone: ticket.zone, seatLabel: ticket.seatLabel, holder: ticket.holder)
            try database.run("UPDATE ticket SET token = ?, changed_at = ? WHERE id = ?", token, now, ticket.id)
            try ChangeLog.append(
                .ticketResigned, eventID: event.id, ticketID: ticket.id, at: now,
                detail: .object([("not_before", .integer(event.gatesOpenAt)), ("not_after", .integer(event.endsAt))]), in: database)
        }
        return tickets.count
    }

    static func ticket(id: UInt64, in database: SQLiteDatabase) throws -> Ticket? {
        try database.row("\(Ticket.selection) WHERE t.id = ?", id).map(Ticket.init(row:))
    }

    static func tickets(accountID: Int64, in database: SQLiteDatabase) throws -> [Ticket] {
        try database.rows("\(Ticket.selection) WHERE t.account_id = ? ORDER BY t.created_at, t.id", accountID).map(Ticket.init(row:))
    }

    static func tickets(bookingID: Int64, in database: SQLiteDatabase) throws -> [Ticket] {
        try database.rows("\(Ticket.selection) WHERE t.booking_id = ? ORDER BY t.id", bookingID).map(Ticket.init(row:))
    }

    /// Ends a valid ticket: its seat is free again at once (the unique index only counts valid
    /// tickets) and, unless `releasesPlace` is false (a reissue hands the place straight to the
    /// new ticket), its general-admission place goes back to the class.
    static func end(
        _ ticket: Ticket, as status: Ticket.Status, reason: String, releasesPlace: Bool = true, now: Int64,
        in database: SQLiteDatabase
    ) throws -> Ticket {
        precondition(status != .valid)
        guard ticket.status == .valid else {
            throw APIError(.conflict, "ticket_not_valid", "the ticket is already \(ticket.status.rawValue)")
        }
        try database.run("UPDATE ticket SET status = ?, changed_at = ? WHERE id = ? AND status = 'valid'", status.rawValue, now, ticket.id)
        if releasesPlace {
            try database.run(
                "UPDATE ticket_class SET sold = sold - 1 WHERE event_id = ? AND zone = ? AND capacity IS NOT NULL",
                ticket.eventID, ticket.zone)
        }
        try ChangeLog.append(
            status == .cancelled ? .ticketCancelled : .ticketRevoked, eventID: ticket.eventID, ticketID: ticket.id, at: now,
            detail: .object([("reason", .string(reason))]), in: database)
        return try self.ticket(id: ticket.id, in: database)!
    }
}
