import Shared

/// The waiting room's line and the pause, for the API and the pages alike: each call moves the
/// line to now (`WaitingRooms.advance`) in the writer's transaction before it answers.
struct QueueDesk {
    let writer: DatabaseWriter
    let clock: ServerClock

    /// One person's place as they see it, with the room it is in.
    struct Place: Sendable {
        let entry: WaitingRooms.Entry
        /// 1 is next; nil before the draw and once not waiting.
        let position: Int?
        /// At most: everyone ahead takes a whole turn, `activeBuyers` at a time.
        let estimatedWaitSeconds: Int64?
        let drawn: Bool
        let settings: WaitingRoomSettings
    }

    /// Joins the line (once per account): the place, and whether the entry is new.
    func join(eventID: UInt32, account: Account) async throws -> (Place, created: Bool) {
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(eventID, in: transaction)
            let (entry, created) = try WaitingRooms.join(event, room: room, account: account, now: now, in: transaction)
            return (try Self.place(entry, event: event, room: room, now: now, in: transaction), created)
        }
    }

    /// The person's place; nil when they have not joined.
    func place(eventID: UInt32, account: Account) async throws -> Place? {
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(eventID, in: transaction)
            try WaitingRooms.advance(event, room: room, now: now, in: transaction)
            return try WaitingRooms.entry(eventID: eventID, accountID: account.id, in: transaction)
                .map { try Self.place($0, event: event, room: room, now: now, in: transaction) }
        }
    }

    /// Leaves the line, or ends a turn early, letting the next person in; nil when the person
    /// never joined.
    func leave(eventID: UInt32, account: Account) async throws -> Place? {
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(eventID, in: transaction)
            return try WaitingRooms.leave(event, room: room, account: account, now: now, in: transaction)
                .map { try Self.place($0, event: event, room: room, now: now, in: transaction) }
        }
    }

    /// The line as anyone may see it.
    func overview(eventID: UInt32) async throws -> QueueResponse {
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(eventID, in: transaction)
            try WaitingRooms.advance(event, room: room, now: now, in: transaction)
            let drawn = try WaitingRooms.isDrawn(eventID: eventID, in: transaction)
            let counts = try WaitingRooms.counts(eventID: eventID, in: transaction)
            return QueueResponse(
                opensAt: room.settings.opensAt, drawAt: event.saleOpensAt, activeBuyers: room.settings.activeBuyers,
                turnSeconds: room.settings.turnSeconds, commitment: Hex.encode(room.commitment),
                seed: Nullable(drawn ? Hex.encode(room.seed) : nil),
                drawn: Nullable(drawn ? try WaitingRooms.drawnOrder(eventID: eventID, in: transaction) : nil),
                waiting: counts.waiting, admitted: counts.admitted, paused: event.pause?.isActive(at: now) ?? false)
        }
    }

    func pause(eventID: UInt32, notice: SaleNotice) async throws -> Event {
        let now = clock.now()
        return try await writer.write { transaction in
            try SalePauses.pause(try EventRepository.existing(id: eventID, in: transaction), notice: notice, now: now, in: transaction)
            return try EventRepository.existing(id: eventID, in: transaction)
        }
    }

    /// Resumes now, or sets when the sale resumes by itself.
    func resume(eventID: UInt32, at: Int64?) async throws -> Event {
        if let at, !(0...Int64(UInt32.max)).contains(at) { throw APIError.invalid("at must be unix seconds") }
        let now = clock.now()
        return try await writer.write { transaction in
            try SalePauses.resume(try EventRepository.existing(id: eventID, in: transaction), at: at, now: now, in: transaction)
            return try EventRepository.existing(id: eventID, in: transaction)
        }
    }

    private static func place(
        _ entry: WaitingRooms.Entry, event: Event, room: WaitingRoom, now: Int64, in database: some SQLiteQuerying
    ) throws -> Place {
        let drawn = try WaitingRooms.isDrawn(eventID: event.id, in: database)
        let position = try WaitingRooms.position(of: entry, eventID: event.id, in: database)
        let wait = position.map { Int64(($0 - 1) / room.settings.activeBuyers + 1) * room.settings.turnSeconds }
        return Place(entry: entry, position: position, estimatedWaitSeconds: wait, drawn: drawn, settings: room.settings)
    }

    /// The event and its room; `waiting_room_not_open` for an event without one.
    private static func eventWithRoom(_ id: UInt32, in transaction: some SQLiteQuerying) throws -> (Event, WaitingRoom) {
        let event = try EventRepository.existing(id: id, in: transaction)
        guard let room = try WaitingRooms.room(eventID: id, in: transaction) else { throw EventError.waitingRoomNotOpen(opensAt: nil) }
        return (event, room)
    }
}
