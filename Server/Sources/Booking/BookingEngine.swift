import Shared

/// What a person asks to book.
public enum BookingOrder: Sendable, Equatable {
    /// These seats (ids from the event's availability), optionally insisting on their class.
    case seats([Int64], ticketClass: UInt16?)
    /// `count` general-admission tickets of a class.
    case generalAdmission(ticketClass: UInt16, count: Int)

    /// A canonical form, to recognise an idempotency key reused for a different order.
    var fingerprint: String {
        switch self {
        case .seats(let ids, let zone): "seats:\(ids.sorted().map(String.init).joined(separator: ",")):\(zone.map(String.init) ?? "")"
        case .generalAdmission(let zone, let count): "ga:\(zone):\(count)"
        }
    }

    var count: Int {
        switch self {
        case .seats(let ids, _): ids.count
        case .generalAdmission(_, let count): count
        }
    }
}

/// The outcome of a booking: every ticket it issued, as the client was (or will again be) told.
public struct BookingResult: Sendable {
    public let bookingID: Int64
    /// The response body, stored so a retry with the same idempotency key gets it verbatim.
    public let body: String
    /// True when this is the stored answer to an earlier request with the same key.
    public let replayed: Bool
    public let eventID: UInt32
}

/// Books tickets all-or-nothing inside the writer's transaction. Every rule is checked against
/// the database as it is inside that transaction, and the two that matter most under a rush —
/// one live ticket per seat, no class past its capacity — are also constraints of the schema,
/// so not even a bug here could sell a seat twice.
enum BookingEngine {
    static func book(
        _ order: BookingOrder, eventID: UInt32, account: Account, idempotencyKey: String?, issuer: TicketIssuer, now: Int64,
        in database: SQLiteDatabase
    ) throws -> BookingResult {
        if let idempotencyKey, let earlier = try database.row(
            "SELECT id, request, response, event_id FROM booking WHERE account_id = ? AND idempotency_key = ?", account.id, idempotencyKey)
        {
            // The same key for another event, or another order, is a different booking.
            guard earlier.string(1) == order.fingerprint, earlier.int64(3) == Int64(eventID) else {
                throw APIError(
                    .unprocessableContent, "idempotency_key_reused", "this Idempotency-Key was already used for a different booking")
            }
            return BookingResult(bookingID: earlier.int64(0)!, body: earlier.string(2)!, replayed: true, eventID: eventID)
        }

        guard let event = try EventRepository.event(id: eventID, in: database) else { throw APIError.notFound("event") }
        guard now >= event.saleOpensAt else {
            throw APIError(.conflict, "sale_not_open", "the sale for \(event.name) opens at \(event.saleOpensAt) (unix time)")
        }
        guard now < event.saleClosesAt else { throw APIError(.conflict, "sale_closed", "the sale for \(event.name) has closed") }

        guard order.count > 0 else { throw APIError(.unprocessableContent, "invalid_count", "book at least one ticket") }
        let held = try database.row(
            "SELECT COUNT(*) FROM ticket WHERE account_id = ? AND event_id = ? AND status = 'valid'", account.id, eventID)!.int(0)!
        guard held + order.count <= event.perPersonLimit else {
            throw APIError(
                .conflict, "over_limit",
                "at most \(event.perPersonLimit) tickets per person for this event; you hold \(held) and asked for \(order.count)")
        }

        try database.run(
            "INSERT INTO booking (account_id, event_id, idempotency_key, request, response, created_at) VALUES (?, ?, ?, ?, '', ?)",
            account.id, eventID, idempotencyKey, order.fingerprint, now)
        let bookingID = database.lastInsertRowID
        var tickets: [Ticket] = []
        switch order {
        case .seats(let seatIDs, let wantedClass):
            guard Set(seatIDs).count == seatIDs.count else { throw APIError.invalid("a seat is listed more than once") }
            for seatID in seatIDs {
                guard let seat = try database.row("SELECT label, zone FROM seat WHERE id = ? AND event_id = ?", seatID, eventID) else {
                    throw APIError(.unprocessableContent, "seat_not_in_event", "there is no seat \(seatID) in event \(eventID)")
                }
                let (label, zone) = (seat.string(0)!, UInt16(seat.int64(1)!))
                if let wantedClass, wantedClass != zone {
                    throw APIError(.unprocessableContent, "class_mismatch", "seat \(label) is in class \(zone), not \(wantedClass)")
                }
                tickets.append(
                    try TicketRepository.issue(
                        event: event, zone: zone, seat: (seatID, label), accountID: account.id, holder: account.displayName,
                        bookingID: bookingID, issuer: issuer, now: now, in: database))
            }
        case .generalAdmission(let zone, let count):
            guard let ticketClass = event.classes.first(where: { $0.zone == zone }) else {
                throw APIError(.unprocessableContent, "unknown_class", "event \(eventID) has no ticket class \(zone)")
            }
            guard let capacity = ticketClass.capacity else {
                throw APIError(.unprocessableContent, "class_is_seated", "class \(zone) is sold by seat: book its seats by id")
            }
            do {
                try database.run("UPDATE ticket_class SET sold = sold + ? WHERE event_id = ? AND zone = ?", count, eventID, zone)
            } catch {
                guard error.isConstraintViolation else { throw error }
                let left = max(0, capacity - ticketClass.sold)
                throw APIError(.conflict, "sold_out", left == 0 ? "\(ticketClass.name) is sold out" : "only \(left) \(ticketClass.name) tickets are left")
            }
            for _ in 0..<count {
                tickets.append(
                    try TicketRepository.issue(
                        event: event, zone: zone, seat: nil, accountID: account.id, holder: account.displayName,
                        bookingID: bookingID, issuer: issuer, now: now, in: database))
            }
        }

        let body = JSONValue.object([
            ("booking_id", .integer(bookingID)), ("event_id", .unsigned(UInt64(eventID))), ("tickets", .array(tickets.map(\.json))),
        ]).description
        try database.run("UPDATE booking SET response = ? WHERE id = ?", body, bookingID)
        return BookingResult(bookingID: bookingID, body: body, replayed: false, eventID: eventID)
    }
}
