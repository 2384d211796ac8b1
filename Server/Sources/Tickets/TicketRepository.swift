import Shared

/// Tickets in SQL: storing, reading and changing their status, each change into the change log.
enum TicketRepository {
    /// Stores a valid ticket signed before the job. A seat already held by a live ticket makes
    /// the unique index fail: `BookingError.seatTaken` naming the seat. An id already in use is
    /// `TicketError.idCollision`: the caller draws new ids and tries again.
    static func insert(
        _ signed: SignedTicket, seatID: Int64?, accountID: Int64, bookingID: Int64?, reissuedFrom: UInt64? = nil, now: Int64,
        in transaction: WriteTransaction
    ) throws -> Ticket {
        let facts = signed.facts
        do {
            try transaction.run(
                """
                INSERT INTO ticket (id, event_id, ticket_class, seat_id, account_id, booking_id, holder, status, token, reissued_from,
                                    created_at, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?)
                """, signed.id, facts.eventID, facts.ticketClass, seatID, accountID, bookingID, facts.holder, signed.token, reissuedFrom, now, now)
        } catch let error as SQLiteError where error.code == .constraintPrimaryKey {
            throw TicketError.idCollision
        } catch let error as SQLiteError where error.isUniqueViolation(on: "ticket.seat_id") || error.isHeldSeat {
            throw BookingError.seatTaken(seat: facts.seatLabel)
        }
        var detail: [(String, JSONValue)] = [("ticket_class", .unsigned(UInt64(facts.ticketClass)))]
        if seatID != nil { detail.append(("seat", .string(facts.seatLabel))) }
        if let reissuedFrom { detail.append(("reissued_from", .string(String(reissuedFrom)))) }
        try ChangeLog.append(.ticketIssued, eventID: facts.eventID, ticketID: signed.id, at: now, detail: .object(detail), in: transaction)
        // Everything about the new ticket is known here: no need to read it back inside the booking.
        return Ticket(
            id: signed.id, eventID: facts.eventID, ticketClass: facts.ticketClass, seatID: seatID, seatLabel: seatID == nil ? nil : facts.seatLabel,
            accountID: accountID, holder: facts.holder, status: .valid, token: signed.token, createdAt: now, changedAt: now)
    }

    /// What a live ticket's token is made of, besides the event's window.
    struct TokenFields: Sendable {
        let id: UInt64
        let ticketClass: UInt16
        let seatLabel: String
        let holder: String

        func facts(for event: Event) -> TokenFacts {
            TokenFacts(event: event, ticketClass: ticketClass, seatLabel: seatLabel, holder: holder)
        }
    }

    /// The token fields of every valid ticket of an event.
    static func liveTokenFields(eventID: UInt32, in database: some SQLiteQuerying) throws -> [TokenFields] {
        try database.rows(
            """
            SELECT t.id, t.ticket_class, coalesce(s.label, '') AS seat_label, t.holder FROM ticket t LEFT JOIN seat s ON s.id = t.seat_id
            WHERE t.event_id = ? AND t.status = 'valid' ORDER BY t.id
            """, eventID
        ).map { row in
            TokenFields(id: try row["id"], ticketClass: try row["ticket_class"], seatLabel: try row["seat_label"], holder: try row["holder"])
        }
    }

    /// Gives every valid ticket of `event` a token for the event's current window, ids kept, each
    /// change in the change log so replicas learn it. `presigned` holds tokens made before the
    /// write job, by ticket id; one whose facts no longer match (a ticket issued or changed
    /// since) is signed here.
    static func resign(
        event: Event, presigned: [UInt64: SignedTicket], issuer: TicketIssuer, now: Int64, in transaction: WriteTransaction
    ) throws -> Int {
        let tickets = try liveTokenFields(eventID: event.id, in: transaction)
        for ticket in tickets {
            let facts = ticket.facts(for: event)
            let token =
                if let signed = presigned[ticket.id], signed.facts == facts { signed.token } else {
                    try issuer.token(ticketID: ticket.id, facts: facts)
                }
            try transaction.run("UPDATE ticket SET token = ?, changed_at = ? WHERE id = ?", token, now, ticket.id)
            try ChangeLog.append(
                .ticketResigned, eventID: event.id, ticketID: ticket.id, at: now,
                detail: .object([("not_before", .integer(event.gatesOpenAt)), ("not_after", .integer(event.endsAt))]), in: transaction)
        }
        return tickets.count
    }

    static func ticket(id: UInt64, in database: some SQLiteQuerying) throws -> Ticket? {
        try database.row("\(Ticket.selection) WHERE t.id = ?", id).map(Ticket.init(row:))
    }

    /// The ticket, or `TicketError.notFound`.
    static func existing(id: UInt64, in database: some SQLiteQuerying) throws -> Ticket {
        guard let ticket = try ticket(id: id, in: database) else { throw TicketError.notFound }
        return ticket
    }

    /// How many valid tickets an account holds for an event: what counts against its per-person limit.
    static func liveCount(accountID: Int64, eventID: UInt32, in database: some SQLiteQuerying) throws -> Int {
        try database.scalar(
            "SELECT COUNT(*) FROM ticket WHERE account_id = ? AND event_id = ? AND status = 'valid'", accountID, eventID, as: Int.self) ?? 0
    }

    /// How many tickets a booking of this account issued (none for someone else's booking).
    static func count(bookingID: Int64, accountID: Int64, in database: some SQLiteQuerying) throws -> Int {
        try database.scalar("SELECT COUNT(*) FROM ticket WHERE booking_id = ? AND account_id = ?", bookingID, accountID, as: Int.self) ?? 0
    }

    /// An event's valid tickets.
    static func liveCount(eventID: UInt32, in database: some SQLiteQuerying) throws -> Int {
        try database.scalar("SELECT COUNT(*) FROM ticket WHERE event_id = ? AND status = 'valid'", eventID, as: Int.self) ?? 0
    }

    static func tickets(accountID: Int64, in database: some SQLiteQuerying) throws -> [Ticket] {
        try database.rows("\(Ticket.selection) WHERE t.account_id = ? ORDER BY t.created_at, t.id", accountID).map(Ticket.init(row:))
    }

    /// Ends a valid ticket: its seat is free again at once (the unique index only counts valid
    /// tickets) and, unless `releasesPlace` is false (a reissue hands the place straight to the
    /// new ticket), its general-admission place goes back to the class.
    static func end(
        _ ticket: Ticket, as status: Ticket.Status, reason: String, releasesPlace: Bool = true, now: Int64,
        in transaction: WriteTransaction
    ) throws -> Ticket {
        precondition(status != .valid)
        guard ticket.status == .valid else { throw TicketError.notValid(ticket.status) }
        try transaction.run("UPDATE ticket SET status = ?, changed_at = ? WHERE id = ? AND status = 'valid'", status.rawValue, now, ticket.id)
        if releasesPlace {
            try transaction.run(
                "UPDATE ticket_class SET sold = sold - 1 WHERE event_id = ? AND ticket_class = ? AND capacity IS NOT NULL",
                ticket.eventID, ticket.ticketClass)
        }
        try ChangeLog.append(
            status == .cancelled ? .ticketCancelled : .ticketRevoked, eventID: ticket.eventID, ticketID: ticket.id, at: now,
            detail: .object([("reason", .string(reason))]), in: transaction)
        return try existing(id: ticket.id, in: transaction)
    }
}

extension SQLiteError {
    /// The schema's trigger refused a ticket on a seat an open waitlist offer holds.
    var isHeldSeat: Bool { isConstraintViolation && message.contains("seat held by a waitlist offer") }
}
