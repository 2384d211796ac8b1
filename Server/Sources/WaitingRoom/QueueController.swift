import Hummingbird
import Shared

/// `/api/v1/events/{eventID}/queue…`: the waiting room's line (join, my place, the public view
/// with its verifiable draw), and the organisers' pause and resume of a sale.
struct QueueController {
    let writer: DatabaseWriter
    let clock: ServerClock

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/queue", use: join)
        routes.get("events/:eventID/queue/me", use: mine)
        routes.get("events/:eventID/queue", use: overview)
        routes.post("events/:eventID/pause", use: pause)
        routes.post("events/:eventID/resume", use: resume)
        return routes
    }

    @Sendable func join(request: Request, context: AppRequestContext) async throws -> EditedResponse<EntryResponse> {
        let account = try context.requireAccount()
        let id = try EventController.eventID(context)
        let now = clock.now()
        let (answer, created) = try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(id, in: transaction)
            let (entry, created) = try WaitingRooms.join(event, room: room, account: account, now: now, in: transaction)
            return (try EntryResponse(entry, event: event, room: room, now: now, in: transaction), created)
        }
        return EditedResponse(status: created ? .created : .ok, response: answer)
    }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> EntryResponse {
        let account = try context.requireAccount()
        let id = try EventController.eventID(context)
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(id, in: transaction)
            try WaitingRooms.advance(event, room: room, now: now, in: transaction)
            guard let entry = try WaitingRooms.entry(eventID: id, accountID: account.id, in: transaction) else {
                throw APIError(.notFound, "not_in_line", "you have not joined this event's waiting room: POST /api/v1/events/\(id)/queue")
            }
            return try EntryResponse(entry, event: event, room: room, now: now, in: transaction)
        }
    }

    /// The public view: anyone can check the draw from it (docs/FAIRNESS.md).
    @Sendable func overview(request: Request, context: AppRequestContext) async throws -> QueueResponse {
        let id = try EventController.eventID(context)
        let now = clock.now()
        return try await writer.write { transaction in
            let (event, room) = try Self.eventWithRoom(id, in: transaction)
            try WaitingRooms.advance(event, room: room, now: now, in: transaction)
            let drawn = try WaitingRooms.room(eventID: id, in: transaction)?.drawnAt != nil
            let counts = try WaitingRooms.counts(eventID: id, in: transaction)
            return QueueResponse(
                opensAt: room.settings.opensAt, drawAt: event.saleOpensAt, activeBuyers: room.settings.activeBuyers,
                turnSeconds: room.settings.turnSeconds, commitment: Hex.encode(room.commitment),
                seed: Nullable(drawn ? Hex.encode(room.seed) : nil),
                drawn: Nullable(drawn ? try WaitingRooms.drawnOrder(eventID: id, in: transaction) : nil),
                waiting: counts.waiting, admitted: counts.admitted, paused: event.pause.map { $0.isActive(at: now) } ?? false)
        }
    }

    struct PauseRequest: Decodable {
        struct Notice: Decodable {
            let ko: String?
            let en: String?
        }
        let notice: Notice
    }

    @Sendable func pause(request: Request, context: AppRequestContext) async throws -> EventResponse {
        _ = try context.require(.organiser)
        let id = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: PauseRequest.self, context: context)
        let notice = try SaleNotice.validated(ko: body.notice.ko, en: body.notice.en)
        let now = clock.now()
        return try await writer.write { transaction in
            try SalePauses.pause(try EventRepository.existing(id: id, in: transaction), notice: notice, now: now, in: transaction)
            return EventResponse(try EventRepository.existing(id: id, in: transaction))
        }
    }

    struct ResumeRequest: Decodable {
        let at: Int64?
    }

    /// Resumes now, or at `at`; a body is optional.
    @Sendable func resume(request: Request, context: AppRequestContext) async throws -> EventResponse {
        _ = try context.require(.organiser)
        let id = try EventController.eventID(context)
        let at = request.mediaType == nil ? nil : try await request.decodeJSON(as: ResumeRequest.self, context: context).at
        if let at, !(0...Int64(UInt32.max)).contains(at) { throw APIError.invalid("at must be unix seconds") }
        let now = clock.now()
        return try await writer.write { transaction in
            try SalePauses.resume(try EventRepository.existing(id: id, in: transaction), at: at, now: now, in: transaction)
            return EventResponse(try EventRepository.existing(id: id, in: transaction))
        }
    }

    /// The event and its room; `waiting_room_not_open` for an event without one.
    private static func eventWithRoom(_ id: UInt32, in transaction: some SQLiteQuerying) throws -> (Event, WaitingRoom) {
        let event = try EventRepository.existing(id: id, in: transaction)
        guard let room = try WaitingRooms.room(eventID: id, in: transaction) else { throw EventError.waitingRoomNotOpen(opensAt: nil) }
        return (event, room)
    }
}

/// `{"entry": {...}}`: one person's place, as they see it.
struct EntryResponse: ResponseEncodable, Sendable {
    struct Entry: Encodable, Sendable {
        let number: Int64
        let status: String
        let position: Nullable<Int>
        let ahead: Nullable<Int>
        let turnEndsAt: Nullable<Int64>
        let estimatedWaitSeconds: Nullable<Int64>
    }

    let entry: Entry

    init(_ entry: WaitingRooms.Entry, event: Event, room: WaitingRoom, now: Int64, in database: some SQLiteQuerying) throws {
        let drawn = now >= event.saleOpensAt
        let position = try WaitingRooms.position(of: entry, eventID: event.id, drawn: drawn, in: database)
        // At most: everyone ahead takes a whole turn, `activeBuyers` at a time.
        let wait = position.map { Int64(($0 - 1) / room.settings.activeBuyers + 1) * room.settings.turnSeconds }
        self.entry = Entry(
            number: entry.number, status: entry.status.rawValue, position: Nullable(position), ahead: Nullable(position.map { $0 - 1 }),
            turnEndsAt: Nullable(entry.status == .turn ? entry.turnEndsAt : nil), estimatedWaitSeconds: Nullable(wait))
    }
}

/// The line as anyone may see it: the commitment before the draw, the seed and the drawn order
/// after, and how many wait and were let through. No names.
struct QueueResponse: ResponseEncodable, Sendable {
    let opensAt: Int64
    let drawAt: Int64
    let activeBuyers: Int
    let turnSeconds: Int64
    let commitment: String
    let seed: Nullable<String>
    /// Entry numbers in drawn order.
    let drawn: Nullable<[Int64]>
    let waiting: Int
    let admitted: Int
    let paused: Bool
}
