import Hummingbird
import NIOPosix
import Shared

/// `/api/v1/events…`: reading events and their availability; organisers create and edit them.
struct EventController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let availabilityCache: AvailabilityCache
    let keys: ServerKeys
    let clock: ServerClock

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("events", use: list)
        routes.post("events", use: create)
        routes.get("events/:eventID", use: show)
        routes.put("events/:eventID", use: update)
        routes.post("events/:eventID/classes", use: addClass)
        routes.put("events/:eventID/seatmap", use: importSeatMap)
        routes.get("events/:eventID/availability", use: availability)
        return routes
    }

    struct EventRequest: Decodable {
        let name: String
        let venue: String
        let startsAt: Int64
        let endsAt: Int64
        let gatesOpenAt: Int64
        let saleOpensAt: Int64
        let saleClosesAt: Int64
        let perPersonLimit: Int
        let classes: [ClassRequest]?
    }

    struct ClassRequest: Decodable {
        let ticketClass: Int
        let name: String
        let priceCents: Int?
        /// Set for general admission; absent or null for a seated class.
        let capacity: Int?
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> EventListResponse {
        EventListResponse(events: try readers.read { try EventRepository.events(in: $0) }.map(EventResponse.init))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> EventResponse {
        let id = try Self.eventID(context)
        return EventResponse(try readers.read { try EventRepository.existing(id: id, in: $0) })
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let body = try await request.decodeJSON(as: EventRequest.self, context: context)
        let event = try Self.validated(body, classes: body.classes ?? [])
        let now = clock.now()
        let created = try await writer.write { try EventRepository.create(event, now: now, in: $0) }
        return EditedResponse(status: .created, response: EventResponse(created))
    }

    /// Replaces the event's details; its classes are changed through their own endpoint.
    @Sendable func update(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let body = try await request.decodeJSON(as: EventRequest.self, context: context)
        guard body.classes == nil else { throw APIError.invalid("classes are added with POST /api/v1/events/\(id)/classes") }
        let event = try Self.validated(body, classes: [])
        let now = clock.now()
        let issuer = keys.issuer
        // Tickets carry the window gates-open to end: when it moves, every live ticket gets a new
        // token in the same transaction, or the gates would turn everyone away on the new date.
        // The signing happens before the write job, so the writer is not held up by it, and on
        // NIO's blocking pool, since 100,000 tickets take seconds to sign.
        let readers = self.readers
        let presigned: [UInt64: SignedTicket] = try await NIOThreadPool.singleton.runIfActive { try readers.read { database in
            let before = try EventRepository.existing(id: id, in: database)
            guard before.gatesOpenAt != event.gatesOpenAt || before.endsAt != event.endsAt else { return [:] }
            var signed: [UInt64: SignedTicket] = [:]
            for ticket in try TicketRepository.liveTokenFields(eventID: id, in: database) {
                let facts = TokenFacts(
                    eventID: id, gatesOpenAt: event.gatesOpenAt, endsAt: event.endsAt, ticketClass: ticket.ticketClass, seatLabel: ticket.seatLabel,
                    holder: ticket.holder)
                signed[ticket.id] = SignedTicket(id: ticket.id, facts: facts, token: try issuer.token(ticketID: ticket.id, facts: facts))
            }
            return signed
        } }
        let (updated, resigned) = try await writer.write { transaction in
            let before = try EventRepository.existing(id: id, in: transaction)
            let updated = try EventRepository.update(event, id: id, now: now, in: transaction)
            guard before.gatesOpenAt != updated.gatesOpenAt || before.endsAt != updated.endsAt else { return (updated, 0) }
            return (updated, try TicketRepository.resign(event: updated, presigned: presigned, issuer: issuer, now: now, in: transaction))
        }
        return EditedResponse(headers: [.ticketsResigned: String(resigned)], response: EventResponse(updated))
    }

    @Sendable func addClass(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let newClass = try Self.validated(try await request.decodeJSON(as: ClassRequest.self, context: context))
        let now = clock.now()
        let event = try await writer.write { transaction in
            _ = try EventRepository.existing(id: id, in: transaction)
            try EventRepository.addClass(newClass, eventID: id, now: now, in: transaction)
            return try EventRepository.existing(id: id, in: transaction)
        }
        return EditedResponse(status: .created, response: EventResponse(event))
    }

    /// Takes a CSV body (`row,seat,label,ticket_class`); any bad line fails the whole import.
    @Sendable func importSeatMap(request: Request, context: AppRequestContext) async throws -> SeatMapImportResponse {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        guard ["text/csv", "text/plain"].contains(request.mediaType) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "a seat map is CSV: send Content-Type: text/csv")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError(.unprocessableContent, "invalid_seat_map", "nothing was imported: the seat map is not UTF-8 text")
        }
        let event = try readers.read { try EventRepository.existing(id: id, in: $0) }
        let seatedClasses = Set(event.classes.filter { $0.capacity == nil }.map(\.ticketClass))
        let seats: [EventRepository.Seat]
        switch SeatMapCSV.parse(text, seatedClasses: seatedClasses) {
        case .success(let parsed): seats = parsed
        case .failure(let problems):
            let lines = problems.lines.map { "line \($0.line): \($0.problem)" }.joined(separator: "; ")
            throw APIError(.unprocessableContent, "invalid_seat_map", "nothing was imported: \(lines)")
        }
        let now = clock.now()
        let count = try await writer.write { try EventRepository.replaceSeatMap(seats, eventID: id, now: now, in: $0) }
        return SeatMapImportResponse(eventID: id, seats: count)
    }

    /// Every class with what is left, and every seat with whether it is free. The answer is
    /// cached until a commit changes the event (the writer tells the cache).
    @Sendable func availability(request: Request, context: AppRequestContext) async throws -> StoredJSON {
        let id = try Self.eventID(context)
        if let cached = availabilityCache.answer(for: id) { return StoredJSON(text: cached) }
        let generation = availabilityCache.generation(of: id)
        let body = try APIJSON.string(try readers.read { try EventRepository.availability(eventID: id, in: $0) })
        availabilityCache.store(body, for: id, generation: generation)
        return StoredJSON(text: body)
    }

    static func eventID(_ context: AppRequestContext) throws -> UInt32 {
        guard let id = context.parameters.get("eventID", as: UInt32.self), id > 0 else { throw EventError.notFound }
        return id
    }

    static func validated(_ body: EventRequest, classes: [ClassRequest]) throws -> EventRepository.NewEvent {
        let name = try InputRules.text(body.name, field: "name", maxBytes: 100)
        let venue = try InputRules.text(body.venue, field: "venue", maxBytes: 100)
        guard body.gatesOpenAt <= body.startsAt, body.startsAt < body.endsAt else {
            throw APIError(.unprocessableContent, "invalid_times", "gates must open no later than the start, and the start must come before the end")
        }
        guard body.saleOpensAt < body.saleClosesAt, body.saleClosesAt <= body.endsAt else {
            throw APIError(.unprocessableContent, "invalid_times", "the sale must open before it closes, and close by the end of the event")
        }
        guard [body.startsAt, body.endsAt, body.gatesOpenAt].allSatisfy({ (0...Int64(UInt32.max - 1)).contains($0) }) else {
            throw APIError(.unprocessableContent, "invalid_times", "times are unix seconds that fit in 32 bits")
        }
        guard (1...100).contains(body.perPersonLimit) else {
            throw APIError(.unprocessableContent, "invalid_limit", "per_person_limit must be 1 to 100")
        }
        let validatedClasses = try classes.map(validated)
        guard Set(validatedClasses.map(\.ticketClass)).count == validatedClasses.count else {
            throw APIError(.unprocessableContent, "duplicate_class", "two classes share one ticket_class number")
        }
        return .init(
            name: name, venue: venue, startsAt: body.startsAt, endsAt: body.endsAt, gatesOpenAt: body.gatesOpenAt,
            saleOpensAt: body.saleOpensAt, saleClosesAt: body.saleClosesAt, perPersonLimit: body.perPersonLimit,
            classes: validatedClasses)
    }

    static func validated(_ body: ClassRequest) throws -> EventRepository.NewClass {
        guard let ticketClass = UInt16(exactly: body.ticketClass) else {
            throw APIError(.unprocessableContent, "invalid_class", "ticket_class must be 0 to 65535")
        }
        let price = body.priceCents ?? 0
        guard (0...100_000_000).contains(price) else {
            throw APIError(.unprocessableContent, "invalid_price", "price_cents must be 0 to 100000000")
        }
        if let capacity = body.capacity, !(0...1_000_000).contains(capacity) {
            throw APIError(.unprocessableContent, "invalid_capacity", "capacity must be 0 to 1000000")
        }
        return .init(ticketClass: ticketClass, name: try InputRules.text(body.name, field: "class_name", maxBytes: 40), priceCents: price, capacity: body.capacity)
    }
}
