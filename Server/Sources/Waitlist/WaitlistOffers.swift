import Shared

/// Offers of freed tickets to the front of a class's line (issue 23). A freed ticket never goes
/// back on sale while anyone waits for its class: it is held for the first in line for the
/// event's `offer_minutes`, then passed on if declined or left to run out. An entry for N
/// tickets is offered when N are free (or fewer, when it said `accept_fewer`); nobody is
/// skipped over. Holds are in the schema: `ticket_class.held` for standing tickets (sales and
/// holds never pass capacity), `offer_seat` for seats (never held and sold at once).
enum WaitlistOffers {
    struct Offer: Sendable, Equatable {
        enum Status: String, Sendable {
            case open, accepted, declined, expired
        }

        let id: Int64
        let entryID: Int64
        let eventID: UInt32
        let ticketClass: UInt16
        let accountID: Int64
        let count: Int
        let status: Status
        let createdAt: Int64
        let expiresAt: Int64
        /// The seats held, for a seated class; nil for standing tickets.
        let seats: [(id: Int64, label: String)]?

        static func == (lhs: Offer, rhs: Offer) -> Bool { lhs.id == rhs.id && lhs.status == rhs.status }
    }

    // MARK: Making offers

    /// Offers what is free in the class to the front of its line, for as long as the head of the
    /// line can be served. Called wherever tickets are freed, and after a decline or an expiry.
    /// Returns the offers made.
    @discardableResult
    static func serve(eventID: UInt32, ticketClass: UInt16, now: Int64, in transaction: WriteTransaction) throws -> [Offer] {
        guard let event = try EventRepository.event(id: eventID, in: transaction),
            let bookedClass = event.classes.first(where: { $0.ticketClass == ticketClass })
        else { return [] }
        let offerSeconds = Int64(event.offerMinutes) * 60
        var made: [Offer] = []
        while let head = try transaction.row(
            """
            SELECT \(Waitlists.Entry.columns) FROM waitlist_entry
            WHERE event_id = ? AND ticket_class = ? AND status = 'waiting' ORDER BY id LIMIT 1
            """, eventID, ticketClass
        ).map(Waitlists.Entry.init(row:)) {
            let freeSeats = bookedClass.capacity == nil ? try self.freeSeats(eventID: eventID, ticketClass: ticketClass, in: transaction) : []
            let free =
                bookedClass.capacity == nil
                ? freeSeats.count
                : try transaction.scalar(
                    "SELECT capacity - sold - held FROM ticket_class WHERE event_id = ? AND ticket_class = ?", eventID, ticketClass,
                    as: Int.self) ?? 0
            // What is free waits for the head of the line until there is enough for them.
            let count = head.acceptFewer ? min(head.count, free) : (free >= head.count ? head.count : 0)
            guard count > 0 else { break }
            try transaction.run(
                "INSERT INTO waitlist_offer (entry_id, count, created_at, expires_at, changed_at) VALUES (?, ?, ?, ?, ?)",
                head.id, count, now, now + offerSeconds, now)
            let offerID = transaction.lastInsertRowID
            if bookedClass.capacity == nil {
                for seat in freeSeats.prefix(count) {
                    try transaction.run("INSERT INTO offer_seat (seat_id, offer_id) VALUES (?, ?)", seat, offerID)
                }
            } else {
                try transaction.run(
                    "UPDATE ticket_class SET held = held + ? WHERE event_id = ? AND ticket_class = ?", count, eventID, ticketClass)
            }
            try transaction.run("UPDATE waitlist_entry SET status = 'offered', changed_at = ? WHERE id = ?", now, head.id)
            try Waitlists.log(.offerMade, head, offerID: offerID, now: now, in: transaction)
            if let offer = try offer(id: offerID, in: transaction) { made.append(offer) }
        }
        return made
    }

    /// Seats of the class with neither a live ticket nor a hold, the first ids first.
    private static func freeSeats(eventID: UInt32, ticketClass: UInt16, in database: some SQLiteQuerying) throws -> [Int64] {
        try database.rows(
            """
            SELECT s.id FROM seat s WHERE s.event_id = ? AND s.ticket_class = ?
            AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.seat_id = s.id AND t.status = 'valid')
            AND NOT EXISTS (SELECT 1 FROM offer_seat o WHERE o.seat_id = s.id) ORDER BY s.id
            """, eventID, ticketClass
        ).map { try $0["id"] }
    }

    // MARK: Closing offers

    /// Closes an open offer as `status`: its hold is released, its entry leaves the line (or is
    /// booked), and, unless accepted, what it held goes to the next in line.
    static func close(_ offer: Offer, as status: Offer.Status, now: Int64, in transaction: WriteTransaction) throws {
        precondition(status != .open)
        try transaction.run("UPDATE waitlist_offer SET status = ?, changed_at = ? WHERE id = ? AND status = 'open'", status.rawValue, now, offer.id)
        if offer.seats != nil {
            try transaction.run("DELETE FROM offer_seat WHERE offer_id = ?", offer.id)
        } else {
            try transaction.run(
                "UPDATE ticket_class SET held = held - ? WHERE event_id = ? AND ticket_class = ?", offer.count, offer.eventID, offer.ticketClass)
        }
        try transaction.run(
            "UPDATE waitlist_entry SET status = ?, changed_at = ? WHERE id = ?", status == .accepted ? "booked" : "left", now, offer.entryID)
        if let entry = try Waitlists.entry(id: offer.entryID, in: transaction) {
            let kind: ChangeLog.Kind = switch status {
            case .accepted: .offerAccepted
            case .declined: .offerDeclined
            case .expired, .open: .offerExpired
            }
            try Waitlists.log(kind, entry, offerID: offer.id, now: now, in: transaction)
        }
        if status != .accepted { try serve(eventID: offer.eventID, ticketClass: offer.ticketClass, now: now, in: transaction) }
    }

    /// Releases an open offer to its holder, who books it in the same transaction; an offer that
    /// ran out, was declined or was accepted already is `offerExpired`.
    static func accept(offerID: Int64, account: Account, now: Int64, in transaction: WriteTransaction) throws {
        let offer = try usable(offerID, of: account, now: now, in: transaction)
        try close(offer, as: .accepted, now: now, in: transaction)
    }

    /// Passes the offer on; the person leaves the line.
    static func decline(offerID: Int64, account: Account, now: Int64, in transaction: WriteTransaction) throws -> Offer {
        let offer = try usable(offerID, of: account, now: now, in: transaction)
        try close(offer, as: .declined, now: now, in: transaction)
        return try self.offer(id: offerID, in: transaction) ?? offer
    }

    private static func usable(_ offerID: Int64, of account: Account, now: Int64, in database: some SQLiteQuerying) throws -> Offer {
        guard let offer = try offer(id: offerID, in: database), offer.accountID == account.id else { throw WaitlistError.offerNotFound }
        guard offer.status == .open, now < offer.expiresAt else { throw WaitlistError.offerExpired }
        return offer
    }

    /// Every open offer whose time is up expires and passes on. Returns how many did.
    @discardableResult
    static func expireDue(now: Int64, in transaction: WriteTransaction) throws -> Int {
        let due = try transaction.rows("SELECT id FROM waitlist_offer WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at, id", now)
        for row in due {
            if let offer = try offer(id: try row["id"], in: transaction), offer.status == .open {
                try close(offer, as: .expired, now: now, in: transaction)
            }
        }
        return due.count
    }

    /// Whether any open offer's time is up (a cheap look, from a reader, before a write job).
    static func anyDue(now: Int64, in database: some SQLiteQuerying) throws -> Bool {
        try database.scalar("SELECT 1 FROM waitlist_offer WHERE status = 'open' AND expires_at <= ? LIMIT 1", now, as: Int.self) != nil
    }

    // MARK: Reading

    static func offer(id: Int64, in database: some SQLiteQuerying) throws -> Offer? {
        guard let row = try database.row(
            """
            SELECT o.id, o.entry_id, o.count, o.status, o.created_at, o.expires_at, e.event_id, e.ticket_class, e.account_id,
                   c.capacity IS NULL AS seated
            FROM waitlist_offer o JOIN waitlist_entry e ON e.id = o.entry_id
            JOIN ticket_class c ON c.event_id = e.event_id AND c.ticket_class = e.ticket_class
            WHERE o.id = ?
            """, id)
        else { return nil }
        let seated: Bool = try row["seated"]
        let seats: [(id: Int64, label: String)]? =
            seated
            ? try database.rows(
                "SELECT s.id, s.label FROM offer_seat o JOIN seat s ON s.id = o.seat_id WHERE o.offer_id = ? ORDER BY s.id", id
            ).map { (try $0["id"], try $0["label"]) }
            : nil
        return Offer(
            id: try row["id"], entryID: try row["entry_id"], eventID: try row["event_id"], ticketClass: try row["ticket_class"],
            accountID: try row["account_id"], count: try row["count"], status: Offer.Status(rawValue: try row["status"]) ?? .expired,
            createdAt: try row["created_at"], expiresAt: try row["expires_at"], seats: seats)
    }

    /// The person's open offers, oldest first.
    static func openOffers(accountID: Int64, in database: some SQLiteQuerying) throws -> [Offer] {
        try database.rows(
            """
            SELECT o.id FROM waitlist_offer o JOIN waitlist_entry e ON e.id = o.entry_id
            WHERE e.account_id = ? AND o.status = 'open' ORDER BY o.id
            """, accountID
        ).compactMap { try offer(id: try $0["id"], in: database) }
    }

    /// Whether people wait for the class: then nothing of it is on public sale.
    static func hasLine(eventID: UInt32, ticketClass: UInt16, in database: some SQLiteQuerying) throws -> Bool {
        try database.scalar(
            "SELECT 1 FROM waitlist_entry WHERE event_id = ? AND ticket_class = ? AND status = 'waiting' LIMIT 1", eventID, ticketClass,
            as: Int.self) != nil
    }
}
