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
        case .seats(let ids, let ticketClass): "seats:\(ids.sorted().map(String.init).joined(separator: ",")):\(ticketClass.map(String.init) ?? "")"
        case .generalAdmission(let ticketClass, let count): "ga:\(ticketClass):\(count)"
        }
    }

    /// Tickets one booking may ask for at most.
    static let maxTickets = 100

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
    public let eventID: UInt32
    /// The answer's JSON when it was written inside the transaction: with an idempotency key it
    /// is stored there, so a retry gets it verbatim. Without one nobody can ask again, and the
    /// JSON is written after the commit, off the writer's thread (`body()`).
    let storedBody: String?
    let tickets: [Ticket]
    /// True when this is the stored answer to an earlier request with the same key.
    public let replayed: Bool

    /// The answer's JSON text.
    func body() throws -> String {
        try storedBody ?? BookingResponse(bookingID: bookingID, eventID: eventID, tickets: tickets.map(TicketResponse.init)).json()
    }
}

/// Books tickets all-or-nothing inside the writer's transaction. Every rule is checked against
/// the database as it is inside that transaction, and the two that matter most under a rush —
/// one live ticket per seat, no class past its capacity — are also constraints of the schema,
/// so not even a bug here could sell a seat twice.
///
/// Tokens are signed before the write job (`presign`), from what a reader saw; the job takes
/// the one whose facts match what it finds, so the writer thread never signs in the rush.
enum BookingEngine {
    /// Signs a token for every ticket `order` would issue, from the event and seats as a reader
    /// sees them now. Whatever is missing or wrong here is found and reported by `book`.
    static func presign(
        _ order: BookingOrder, eventID: UInt32, holder: String, issuer: TicketIssuer, readers: DatabaseReaders
    ) throws -> PresignedTickets {
        // One light query: the token needs the event's window and each seat's label and class,
        // not the whole event with its classes (the write job reads those to check the rules).
        let facts: [TokenFacts] = try readers.read { database in
            switch order {
            case .seats(let seatIDs, _):
                return try database.rows(
                    """
                    SELECT s.label, s.ticket_class, e.gates_open_at, e.ends_at FROM seat s JOIN event e ON e.id = s.event_id
                    WHERE s.event_id = ? AND s.id IN (SELECT value FROM json_each(?))
                    """,
                    eventID, "[\(seatIDs.prefix(BookingOrder.maxTickets).map(String.init).joined(separator: ","))]"
                ).map {
                    TokenFacts(
                        eventID: eventID, gatesOpenAt: try $0["gates_open_at"], endsAt: try $0["ends_at"], ticketClass: try $0["ticket_class"],
                        seatLabel: try $0["label"], holder: holder)
                }
            case .generalAdmission(let ticketClass, let count):
                guard let window = try database.row("SELECT gates_open_at, ends_at FROM event WHERE id = ?", eventID) else { return [] }
                let facts = TokenFacts(
                    eventID: eventID, gatesOpenAt: try window["gates_open_at"], endsAt: try window["ends_at"], ticketClass: ticketClass,
                    seatLabel: "", holder: holder)
                return Array(repeating: facts, count: min(count, BookingOrder.maxTickets))
            }
        }
        return try PresignedTickets(signing: facts, with: issuer)
    }

    /// Books `order`. `fromOffer`: the tickets are a waitlist offer's, released to this person in
    /// the same transaction: no waiting-room turn is needed, and the class's line is theirs.
    static func book(
        _ order: BookingOrder, eventID: UInt32, account: Account, idempotencyKey: String?, presigned: PresignedTickets,
        issuer: TicketIssuer, now: Int64, in transaction: WriteTransaction, fromOffer: Bool = false
    ) throws -> BookingResult {
        // One person's bookings take turns, so that the limit per person and the idempotency key
        // are read and written by one at a time. SQLite's single writer does this by itself; on
        // PostgreSQL under READ COMMITTED (`WriteIsolation.lockedRows`) the account's row lock
        // does, and other people's bookings do not wait for it.
        if transaction.dialect == .postgres {
            try transaction.run("SELECT id FROM account WHERE id = ? FOR UPDATE", account.id)
        }
        if let idempotencyKey, let earlier = try transaction.row(
            "SELECT id, request, response, event_id FROM booking WHERE account_id = ? AND idempotency_key = ?", account.id, idempotencyKey)
        {
            // The same key for another event, or another order, is a different booking.
            guard try earlier["request"] == order.fingerprint, try earlier["event_id"] == Int64(eventID) else {
                throw BookingError.idempotencyKeyReused
            }
            return BookingResult(bookingID: try earlier["id"], eventID: eventID, storedBody: try earlier["response"], tickets: [], replayed: true)
        }

        guard let event = try EventRepository.event(id: eventID, in: transaction) else { throw BookingError.eventNotFound }
        guard now >= event.saleOpensAt else { throw BookingError.saleNotOpen(event: event.name, opensAt: event.saleOpensAt) }
        guard now < event.saleClosesAt else { throw BookingError.saleClosed(event: event.name) }
        if !fromOffer { try WaitingRooms.requireTurn(event, account: account, now: now, in: transaction) }
        // While anyone waits for a class, nothing of it is on public sale: what is freed is theirs.
        var checkedLines: Set<UInt16> = []
        func requireNoLine(_ ticketClass: UInt16) throws {
            guard !fromOffer, checkedLines.insert(ticketClass).inserted,
                try WaitlistOffers.hasLine(eventID: eventID, ticketClass: ticketClass, in: transaction)
            else { return }
            let name = event.classes.first { $0.ticketClass == ticketClass }?.name ?? "class \(ticketClass)"
            throw BookingError.soldOut(className: name, left: 0)
        }

        guard order.count > 0 else { throw BookingError.invalidCount("book at least one ticket") }
        let held = try TicketRepository.liveCount(accountID: account.id, eventID: eventID, in: transaction)
        guard held + order.count <= event.perPersonLimit else {
            throw BookingError.overLimit(limit: event.perPersonLimit, held: held, asked: order.count)
        }

        try transaction.run(
            "INSERT INTO booking (account_id, event_id, idempotency_key, request, response, created_at) VALUES (?, ?, ?, ?, '', ?)",
            account.id, eventID, idempotencyKey, order.fingerprint, now)
        let bookingID = transaction.lastInsertRowID
        var presigned = presigned
        var tickets: [Ticket] = []
        switch order {
        case .seats(let seatIDs, let wantedClass):
            guard Set(seatIDs).count == seatIDs.count else { throw BookingError.seatListedTwice }
            for seatID in seatIDs {
                guard let seat = try transaction.row("SELECT label, ticket_class FROM seat WHERE id = ? AND event_id = ?", seatID, eventID) else {
                    throw BookingError.seatNotInEvent(seatID: seatID, eventID: eventID)
                }
                let (label, ticketClass): (String, UInt16) = (try seat["label"], try seat["ticket_class"])
                if let wantedClass, wantedClass != ticketClass { throw BookingError.classMismatch(seat: label, ticketClass: ticketClass, wanted: wantedClass) }
                try requireNoLine(ticketClass)
                let signed = try presigned.take(TokenFacts(event: event, ticketClass: ticketClass, seatLabel: label, holder: account.displayName), issuer: issuer)
                tickets.append(
                    try TicketRepository.insert(signed, seatID: seatID, accountID: account.id, bookingID: bookingID, now: now, in: transaction))
            }
        case .generalAdmission(let ticketClass, let count):
            guard let bookedClass = event.classes.first(where: { $0.ticketClass == ticketClass }) else {
                throw BookingError.unknownClass(ticketClass: ticketClass, eventID: eventID)
            }
            guard let capacity = bookedClass.capacity else { throw BookingError.classIsSeated(ticketClass: ticketClass) }
            try requireNoLine(ticketClass)
            do {
                try transaction.run("UPDATE ticket_class SET sold = sold + ? WHERE event_id = ? AND ticket_class = ?", count, eventID, ticketClass)
            } catch let error as SQLiteError where error.isConstraintViolation {
                throw BookingError.soldOut(className: bookedClass.name, left: max(0, capacity - bookedClass.sold - bookedClass.held))
            }
            for _ in 0..<count {
                let signed = try presigned.take(TokenFacts(event: event, ticketClass: ticketClass, seatLabel: "", holder: account.displayName), issuer: issuer)
                tickets.append(
                    try TicketRepository.insert(signed, seatID: nil, accountID: account.id, bookingID: bookingID, now: now, in: transaction))
            }
        }

        try WaitingRooms.booked(event, account: account, holding: held + order.count, now: now, in: transaction)
        let issued = BookingResult(bookingID: bookingID, eventID: eventID, storedBody: nil, tickets: tickets, replayed: false)
        guard idempotencyKey != nil else { return issued }
        let body = try issued.body()
        try transaction.run("UPDATE booking SET response = ? WHERE id = ?", body, bookingID)
        return BookingResult(bookingID: bookingID, eventID: eventID, storedBody: body, tickets: tickets, replayed: false)
    }
}
