import Shared

/// Waiting rooms in SQL, and the line's rules (docs/FAIRNESS.md). Everything is in the database,
/// so a restart keeps every entry, place, the seed and every turn's end. The line moves when
/// someone looks: each call runs `advance` first, in the writer's transaction, so two requests
/// never see the line in two states.
enum WaitingRooms {
    /// One person's place in an event's line.
    struct Entry: Sendable, Equatable {
        enum Status: String, Sendable, SQLiteColumnValue {
            case waiting, turn, done, expired
            case soldOut = "sold_out"
        }

        let number: Int64
        let accountID: Int64
        let joinedAt: Int64
        /// The place the draw gave it; nil before the draw and for those who joined after it.
        let drawRank: Int64?
        let status: Status
        let turnStartedAt: Int64?
        let turnEndsAt: Int64?

        static let columns = "number, account_id, joined_at, draw_rank, status, turn_started_at, turn_ends_at"

        init(row: SQLiteRow) throws {
            number = try row["number"]
            accountID = try row["account_id"]
            joinedAt = try row["joined_at"]
            drawRank = try row["draw_rank"]
            status = try row["status"]
            turnStartedAt = try row["turn_started_at"]
            turnEndsAt = try row["turn_ends_at"]
        }
    }

    static func room(eventID: UInt32, in database: some SQLiteQuerying) throws -> WaitingRoom? {
        try database.row("SELECT event_id, opens_at, active_buyers, turn_seconds, seed, drawn_at FROM waiting_room WHERE event_id = ?", eventID)
            .map(WaitingRoom.init(row:))
    }

    /// Sets up, changes or removes an event's room. A room set up draws its seed now, and keeps
    /// it through later changes, so the published commitment holds; a room removed takes its
    /// line with it.
    static func configure(_ change: SettingChange<WaitingRoomSettings>, eventID: UInt32, in transaction: WriteTransaction) throws {
        switch change {
        case .unchanged:
            return
        case .off:
            try transaction.run("DELETE FROM queue_entry WHERE event_id = ?", eventID)
            try transaction.run("DELETE FROM waiting_room WHERE event_id = ?", eventID)
        case .on(let settings):
            try transaction.run(
                """
                INSERT INTO waiting_room (event_id, opens_at, active_buyers, turn_seconds, seed) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (event_id) DO UPDATE SET opens_at = excluded.opens_at, active_buyers = excluded.active_buyers,
                    turn_seconds = excluded.turn_seconds
                """, eventID, settings.opensAt, settings.activeBuyers, settings.turnSeconds, SecureRandom.bytes(count: 32))
        }
    }

    // MARK: The line

    /// Brings the line to `now`: ends a pause whose time has come, draws at the sale's opening,
    /// ends turns that ran out, tells everyone waiting when nothing is left, and hands turns to
    /// the front of the line until `activeBuyers` hold one. Nothing moves while the sale is paused.
    static func advance(_ event: Event, room: WaitingRoom, now: Int64, in transaction: WriteTransaction) throws {
        if let pause = event.pause {
            guard let resumeAt = pause.resumeAt, resumeAt <= now else { return }
            try SalePauses.finish(pause, eventID: event.id, at: resumeAt, in: transaction)
        }
        guard now >= event.saleOpensAt else { return }
        if room.drawnAt == nil { try draw(event, room: room, now: now, in: transaction) }
        try transaction.run(
            "UPDATE queue_entry SET status = 'expired' WHERE event_id = ? AND status = 'turn' AND turn_ends_at <= ?", event.id, now)
        if try isSoldOut(event, in: transaction) {
            try transaction.run("UPDATE queue_entry SET status = 'sold_out' WHERE event_id = ? AND status = 'waiting'", event.id)
            return
        }
        let holding = try transaction.scalar(
            "SELECT COUNT(*) FROM queue_entry WHERE event_id = ? AND status = 'turn'", event.id, as: Int.self) ?? 0
        let free = room.settings.activeBuyers - holding
        guard free > 0 else { return }
        try transaction.run(
            """
            UPDATE queue_entry SET status = 'turn', turn_started_at = ?2, turn_ends_at = ?2 + ?3
            WHERE event_id = ?1 AND number IN (
                SELECT number FROM queue_entry WHERE event_id = ?1 AND status = 'waiting'
                ORDER BY draw_rank IS NULL, draw_rank, number LIMIT ?4)
            """, event.id, now, room.settings.turnSeconds, free)
    }

    /// The draw at the opening: everyone who joined before it, in the order the seed gives.
    private static func draw(_ event: Event, room: WaitingRoom, now: Int64, in transaction: WriteTransaction) throws {
        let numbers: [Int64] = try transaction.rows(
            "SELECT number FROM queue_entry WHERE event_id = ? AND joined_at < ? ORDER BY number", event.id, event.saleOpensAt
        ).map { try $0["number"] }
        for (rank, number) in WaitingRoomDraw.order(numbers, seed: room.seed).enumerated() {
            try transaction.run("UPDATE queue_entry SET draw_rank = ? WHERE event_id = ? AND number = ?", rank, event.id, number)
        }
        try transaction.run("UPDATE waiting_room SET drawn_at = ? WHERE event_id = ?", now, event.id)
    }

    /// Nothing left: no general-admission place and no free seat in any class.
    private static func isSoldOut(_ event: Event, in database: some SQLiteQuerying) throws -> Bool {
        let places = event.classes.reduce(0) { $0 + max(0, ($1.capacity ?? 0) - $1.sold) }
        guard places == 0 else { return false }
        let freeSeat = try database.scalar(
            """
            SELECT 1 FROM seat s WHERE s.event_id = ?
            AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.seat_id = s.id AND t.status = 'valid') LIMIT 1
            """, event.id, as: Int.self)
        return freeSeat == nil
    }

    /// Joins the line (once per account): the entry, and whether it is new.
    static func join(_ event: Event, room: WaitingRoom, account: Account, now: Int64, in transaction: WriteTransaction) throws -> (Entry, created: Bool) {
        try advance(event, room: room, now: now, in: transaction)
        if let entry = try entry(eventID: event.id, accountID: account.id, in: transaction) { return (entry, false) }
        guard now >= room.settings.opensAt else { throw EventError.waitingRoomNotOpen(opensAt: room.settings.opensAt) }
        let number = (try transaction.scalar("SELECT MAX(number) FROM queue_entry WHERE event_id = ?", event.id, as: Int64.self) ?? 0) + 1
        try transaction.run(
            "INSERT INTO queue_entry (event_id, number, account_id, joined_at) VALUES (?, ?, ?, ?)", event.id, number, account.id, now)
        // A late joiner may find a turn free at once.
        try advance(event, room: try self.room(eventID: event.id, in: transaction) ?? room, now: now, in: transaction)
        guard let entry = try entry(eventID: event.id, accountID: account.id, in: transaction) else { throw EventError.notFound }
        return (entry, true)
    }

    /// Whether the room's draw has happened.
    static func isDrawn(eventID: UInt32, in database: some SQLiteQuerying) throws -> Bool {
        try database.scalar("SELECT drawn_at IS NOT NULL FROM waiting_room WHERE event_id = ?", eventID, as: Bool.self) ?? false
    }

    static func entry(eventID: UInt32, accountID: Int64, in database: some SQLiteQuerying) throws -> Entry? {
        try database.row("SELECT \(Entry.columns) FROM queue_entry WHERE event_id = ? AND account_id = ?", eventID, accountID)
            .map(Entry.init(row:))
    }

    /// A waiting entry's place in the line once the draw has ordered it (1 is next); nil before
    /// (a sale paused at its opening draws when it resumes).
    static func position(of entry: Entry, eventID: UInt32, in database: some SQLiteQuerying) throws -> Int? {
        guard entry.status == .waiting, try isDrawn(eventID: eventID, in: database) else { return nil }
        let ahead: Int? =
            if let rank = entry.drawRank {
                try database.scalar(
                    "SELECT COUNT(*) FROM queue_entry WHERE event_id = ? AND status = 'waiting' AND draw_rank < ?", eventID, rank, as: Int.self)
            } else {
                try database.scalar(
                    """
                    SELECT COUNT(*) FROM queue_entry WHERE event_id = ? AND status = 'waiting'
                    AND (draw_rank IS NOT NULL OR number < ?)
                    """, eventID, entry.number, as: Int.self)
            }
        return (ahead ?? 0) + 1
    }

    // MARK: Booking

    /// Refuses a booking the sale's state does not allow: a paused sale (`sales_paused`, with
    /// the notice), or, on an event with a waiting room, a person who holds no turn
    /// (`not_your_turn`, with their place).
    static func requireTurn(_ event: Event, account: Account, now: Int64, in transaction: WriteTransaction) throws {
        if let pause = event.pause, pause.isActive(at: now) { throw BookingError.salesPaused(pause.notice) }
        // The event was read with its room: most events have none, and cost no further query.
        guard event.waitingRoom != nil, let room = try room(eventID: event.id, in: transaction) else { return }
        try advance(event, room: room, now: now, in: transaction)
        guard let entry = try entry(eventID: event.id, accountID: account.id, in: transaction) else {
            throw BookingError.notYourTurn(position: nil)
        }
        guard entry.status == .turn, let ends = entry.turnEndsAt, now < ends else {
            throw BookingError.notYourTurn(position: try position(of: entry, eventID: event.id, in: transaction))
        }
    }

    /// After a booking: a person who now holds the per-person limit is done, and their turn
    /// passes to the next in line.
    static func booked(_ event: Event, account: Account, holding: Int, now: Int64, in transaction: WriteTransaction) throws {
        guard holding >= event.perPersonLimit, event.waitingRoom != nil, let room = try room(eventID: event.id, in: transaction) else { return }
        try transaction.run(
            "UPDATE queue_entry SET status = 'done', turn_ends_at = ? WHERE event_id = ? AND account_id = ? AND status = 'turn'",
            now, event.id, account.id)
        // As it stands after this booking, so a sell-out is seen at once.
        try advance(try EventRepository.existing(id: event.id, in: transaction), room: room, now: now, in: transaction)
    }

    /// The person steps out of the line, or ends their turn early ("I have what I wanted"): their
    /// entry is done and the next in line is let through at once. An entry already over stays as
    /// it is. Nil when they never joined.
    static func leave(_ event: Event, room: WaitingRoom, account: Account, now: Int64, in transaction: WriteTransaction) throws -> Entry? {
        try advance(event, room: room, now: now, in: transaction)
        try transaction.run(
            """
            UPDATE queue_entry SET status = 'done', turn_ends_at = CASE WHEN status = 'turn' THEN ? ELSE turn_ends_at END
            WHERE event_id = ? AND account_id = ? AND status IN ('waiting', 'turn')
            """, now, event.id, account.id)
        try advance(event, room: try self.room(eventID: event.id, in: transaction) ?? room, now: now, in: transaction)
        return try entry(eventID: event.id, accountID: account.id, in: transaction)
    }

    /// How many wait, and how many were let through, for the public view.
    static func counts(eventID: UInt32, in database: some SQLiteQuerying) throws -> (waiting: Int, admitted: Int) {
        let row = try database.row(
            """
            SELECT count(*) FILTER (WHERE status = 'waiting') AS waiting,
                   count(*) FILTER (WHERE status IN ('turn', 'done', 'expired')) AS admitted
            FROM queue_entry WHERE event_id = ?
            """, eventID)
        return (try row?["waiting"] ?? 0, try row?["admitted"] ?? 0)
    }

    /// The drawn order, entry numbers first to last; nil before the draw.
    static func drawnOrder(eventID: UInt32, in database: some SQLiteQuerying) throws -> [Int64] {
        try database.rows("SELECT number FROM queue_entry WHERE event_id = ? AND draw_rank IS NOT NULL ORDER BY draw_rank", eventID)
            .map { try $0["number"] }
    }
}
