import Shared

/// The waitlist of a sold-out class (issue 23): people line up per class and are served in the
/// order they joined. This part keeps the line itself: joining, one's entries and places, and
/// leaving. Offers of freed tickets are `WaitlistOffers`.
enum Waitlists {
    struct Entry: Sendable, Equatable {
        enum Status: String, Sendable {
            case waiting, offered, booked, left
        }

        let id: Int64
        let eventID: UInt32
        let ticketClass: UInt16
        let accountID: Int64
        let count: Int
        let acceptFewer: Bool
        let status: Status
        let joinedAt: Int64

        static let columns = "id, event_id, ticket_class, account_id, count, accept_fewer, status, joined_at"

        init(row: SQLiteRow) throws {
            id = try row["id"]
            eventID = try row["event_id"]
            ticketClass = try row["ticket_class"]
            accountID = try row["account_id"]
            count = try row["count"]
            acceptFewer = try row["accept_fewer"]
            status = Status(rawValue: try row["status"]) ?? .left
            joinedAt = try row["joined_at"]
        }
    }

    /// What a person asks to wait for.
    struct Request: Sendable {
        let ticketClass: UInt16
        /// Default 1; at most the per-person limit minus the tickets already held.
        let count: Int?
        let acceptFewer: Bool
    }

    /// Joins the line of a sold-out class, once per account and class: the entry, and whether
    /// it is new. Asking again answers the entry there is, whatever the request says.
    static func join(_ request: Request, eventID: UInt32, account: Account, now: Int64, in transaction: WriteTransaction) throws -> (Entry, created: Bool) {
        let event = try EventRepository.existing(id: eventID, in: transaction)
        if let entry = try liveEntry(eventID: eventID, ticketClass: request.ticketClass, accountID: account.id, in: transaction) {
            return (entry, false)
        }
        guard let ticketClass = event.classes.first(where: { $0.ticketClass == request.ticketClass }) else {
            throw BookingError.unknownClass(ticketClass: request.ticketClass, eventID: eventID)
        }
        guard now < event.saleClosesAt else { throw BookingError.saleClosed(event: event.name) }
        let count = request.count ?? 1
        guard (1...BookingOrder.maxTickets).contains(count) else {
            throw BookingError.invalidCount("count must be 1 to \(BookingOrder.maxTickets), not \(count)")
        }
        let held = try TicketRepository.liveCount(accountID: account.id, eventID: eventID, in: transaction)
        guard held + count <= event.perPersonLimit else { throw BookingError.overLimit(limit: event.perPersonLimit, held: held, asked: count) }
        guard try isSoldOut(ticketClass, eventID: eventID, in: transaction) else { throw WaitlistError.notSoldOut(className: ticketClass.name) }
        try transaction.run(
            """
            INSERT INTO waitlist_entry (event_id, ticket_class, account_id, count, accept_fewer, joined_at, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, eventID, request.ticketClass, account.id, count, request.acceptFewer, now, now)
        guard let entry = try entry(id: transaction.lastInsertRowID, in: transaction) else { throw WaitlistError.notFound }
        try log(.waitlistJoined, entry, now: now, in: transaction)
        return (entry, true)
    }

    /// Whether nothing of `ticketClass` is left to sell: no capacity beyond what is sold and held
    /// for offers, or no seat free of a ticket and of an offer.
    static func isSoldOut(_ ticketClass: TicketClass, eventID: UInt32, in database: some SQLiteQuerying) throws -> Bool {
        if ticketClass.capacity != nil {
            let left = try database.scalar(
                "SELECT capacity - sold - held FROM ticket_class WHERE event_id = ? AND ticket_class = ?", eventID, ticketClass.ticketClass,
                as: Int.self)
            return (left ?? 0) <= 0
        }
        let freeSeat = try database.scalar(
            """
            SELECT 1 FROM seat s WHERE s.event_id = ? AND s.ticket_class = ?
            AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.seat_id = s.id AND t.status = 'valid')
            AND NOT EXISTS (SELECT 1 FROM offer_seat o WHERE o.seat_id = s.id) LIMIT 1
            """, eventID, ticketClass.ticketClass, as: Int.self)
        return freeSeat == nil
    }

    static func entry(id: Int64, in database: some SQLiteQuerying) throws -> Entry? {
        try database.row("SELECT \(Entry.columns) FROM waitlist_entry WHERE id = ?", id).map(Entry.init(row:))
    }

    static func liveEntry(eventID: UInt32, ticketClass: UInt16, accountID: Int64, in database: some SQLiteQuerying) throws -> Entry? {
        try database.row(
            """
            SELECT \(Entry.columns) FROM waitlist_entry
            WHERE event_id = ? AND ticket_class = ? AND account_id = ? AND status IN ('waiting', 'offered')
            """, eventID, ticketClass, accountID
        ).map(Entry.init(row:))
    }

    /// The person's entries still in a line (waiting, or with an offer out), oldest first.
    static func liveEntries(accountID: Int64, in database: some SQLiteQuerying) throws -> [Entry] {
        try database.rows(
            "SELECT \(Entry.columns) FROM waitlist_entry WHERE account_id = ? AND status IN ('waiting', 'offered') ORDER BY id", accountID
        ).map(Entry.init(row:))
    }

    /// A waiting entry's place in its class's line (1 is next); nil once not waiting.
    static func position(of entry: Entry, in database: some SQLiteQuerying) throws -> Int? {
        guard entry.status == .waiting else { return nil }
        let ahead = try database.scalar(
            "SELECT COUNT(*) FROM waitlist_entry WHERE event_id = ? AND ticket_class = ? AND status = 'waiting' AND id < ?",
            entry.eventID, entry.ticketClass, entry.id, as: Int.self)
        return (ahead ?? 0) + 1
    }

    /// Leaves the line. Only the person's own entry; one already out of the line stays as it is.
    /// An offer out to them is declined, and passes on.
    static func leave(entryID: Int64, account: Account, now: Int64, in transaction: WriteTransaction) throws {
        guard let entry = try entry(id: entryID, in: transaction), entry.accountID == account.id else { throw WaitlistError.notFound }
        if let openOffer = try transaction.scalar(
            "SELECT id FROM waitlist_offer WHERE entry_id = ? AND status = 'open'", entryID, as: Int64.self),
            let offer = try WaitlistOffers.offer(id: openOffer, in: transaction)
        {
            try WaitlistOffers.close(offer, as: .declined, now: now, in: transaction)
        }
        try transaction.run(
            "UPDATE waitlist_entry SET status = 'left', changed_at = ? WHERE id = ? AND status IN ('waiting', 'offered')", now, entryID)
        if transaction.changes > 0 { try log(.waitlistLeft, entry, now: now, in: transaction) }
    }

    /// A step of the line in the change log: which entry, class and count, never who.
    static func log(_ kind: ChangeLog.Kind, _ entry: Entry, offerID: Int64? = nil, now: Int64, in transaction: WriteTransaction) throws {
        var detail: [(String, JSONValue)] = [
            ("entry", .integer(entry.id)), ("ticket_class", .unsigned(UInt64(entry.ticketClass))), ("count", .integer(Int64(entry.count))),
        ]
        if let offerID { detail.append(("offer", .integer(offerID))) }
        try ChangeLog.append(kind, eventID: entry.eventID, at: now, detail: .object(detail), in: transaction)
    }
}

/// Why a waitlist request was refused; `APIError+Domain` says how each reaches a client.
enum WaitlistError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound
    /// Tickets of the class are on sale: book them instead.
    case notSoldOut(className: String)
    case offerNotFound
    /// The offer ran out, was declined, or was accepted already.
    case offerExpired

    var description: String {
        switch self {
        case .notFound: "no such waitlist entry of yours"
        case .notSoldOut(let className): "\(className) is not sold out: book it instead of waiting"
        case .offerNotFound: "no such offer of yours"
        case .offerExpired: "this offer is no longer open: it ran out, was declined or was accepted"
        }
    }
}
