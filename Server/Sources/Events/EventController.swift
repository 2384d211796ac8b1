import Hummingbird
import NIOPosix
import Shared

/// `/api/v1/events…`: reading events and their availability; organisers create and edit them.
struct EventController {
    let environment: ServerEnvironment

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
        let starts_at: Int64
        let ends_at: Int64
        let gates_open_at: Int64
        let sale_opens_at: Int64
        let sale_closes_at: Int64
        let per_person_limit: Int
        let classes: [ClassRequest]?
    }

    struct ClassRequest: Decodable {
        let zone: Int
        let name: String
        let price_cents: Int?
        /// Set for general admission; absent or null for a seated class.
        let capacity: Int?
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let events = try environment.readers.read { try EventRepository.events(in: $0) }
        return JSONResponse.make(.object([("events", .array(events.map(\.json)))]))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.eventID(context)
        guard let event = try environment.readers.read({ try EventRepository.event(id: id, in: $0) }) else {
            throw APIError.notFound("event")
        }
        return JSONResponse.make(event.json)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let body = try await request.decodeJSON(as: EventRequest.self, context: context)
        let event = try Self.validated(body, classes: body.classes ?? [])
        let now = environment.clock.now()
        let created = try await environment.writer.write { try EventRepository.create(event, now: now, in: $0) }
        return JSONResponse.make(created.json, status: .created)
    }

    /// Replaces the event's details; its classes are changed through their own endpoint.
    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let body = try await request.decodeJSON(as: EventRequest.self, context: context)
        guard body.classes == nil else { throw APIError.invalid("classes are added with POST /api/v1/events/\(id)/classes") }
        let event = try Self.validated(body, classes: [])
        let now = environment.clock.now()
        let issuer = environment.issuer
        // Tickets carry the window gates-open to end: when it moves, every live ticket gets a new
        // token in the same transaction, or the gates would turn everyone away on the new date.
        // The signing happens before the write job, so the writer is not held up by it, and on
        // NIO's blocking pool, since 100,000 tickets take seconds to sign.
        let window = (gatesOpenAt: event.gatesOpenAt, endsAt: event.endsAt)
        let readers = environment.readers
        let presigned: [UInt64: String] = try await NIOThreadPool.singleton.runIfActive { try readers.read { database in
            guard let before = try EventRepository.event(id: id, in: database) else { throw APIError.notFound("event") }
            guard before.gatesOpenAt != window.gatesOpenAt || before.endsAt != window.endsAt else { return [:] }
            var tokens: [UInt64: String] = [:]
            for ticket in try TicketRepository.liveTokenFields(eventID: id, in: database) {
                tokens[ticket.id] = try issuer.token(
                    ticketID: ticket.id, eventID: id, window: window, zone: ticket.zone, seatLabel: ticket.seatLabel, holder: ticket.holder)
            }
            return tokens
        } }
        let (updated, resigned) = try await environment.writer.write { database in
            guard let before = try EventRepository.event(id: id, in: database) else { throw APIError.notFound("event") }
            let updated = try EventRepository.update(event, id: id, now: now, in: database)
            guard before.gatesOpenAt != updated.gatesOpenAt || before.endsAt != updated.endsAt else { return (updated, 0) }
            return (updated, try TicketRepository.resign(event: updated, presigned: presigned, issuer: issuer, now: now, in: database))
        }
        environment.availability.invalidate(id)
        var response = JSONResponse.make(updated.json)
        response.headers[.ticketsResigned] = String(resigned)
        return response
    }

    @Sendable func addClass(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let newClass = try Self.validated(try await request.decodeJSON(as: ClassRequest.self, context: context))
        let event = try await environment.writer.write { database in
            guard try EventRepository.event(id: id, in: database) != nil else { throw APIError.notFound("event") }
            try EventRepository.addClass(newClass, eventID: id, in: database)
            return try EventRepository.event(id: id, in: database)!
        }
        environment.availability.invalidate(id)
        return JSONResponse.make(event.json, status: .created)
    }

    /// Takes a CSV body (`row,seat,label,class`); any bad line fails the whole import.
    @Sendable func importSeatMap(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        guard ["text/csv", "text/plain"].contains(request.mediaType) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "a seat map is CSV: send Content-Type: text/csv")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError(.unprocessableContent, "invalid_seat_map", "nothing was imported: the seat map is not UTF-8 text")
        }
        guard let event = try environment.readers.read({ try EventRepository.event(id: id, in: $0) }) else {
            throw APIError.notFound("event")
        }
        let seatedZones = Set(event.classes.filter { $0.capacity == nil }.map(\.zone))
        let seats: [EventRepository.Seat]
        switch SeatMapCSV.parse(text, seatedZones: seatedZones) {
        case .success(let parsed): seats = parsed
        case .failure(let problems):
            let lines = problems.lines.map { "line \($0.line): \($0.problem)" }.joined(separator: "; ")
            throw APIError(.unprocessableContent, "invalid_seat_map", "nothing was imported: \(lines)")
        }
        let now = environment.clock.now()
        let count = try await environment.writer.write { try EventRepository.replaceSeatMap(seats, eventID: id, now: now, in: $0) }
        environment.availability.invalidate(id)
        return JSONResponse.make(.object([("event_id", .unsigned(UInt64(id))), ("seats", .integer(Int64(count)))]))
    }

    /// Every class with what is left, and every seat with whether it is free.
    @Sendable func availability(request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.eventID(context)
        if let cached = environment.availability.answer(for: id) { return JSONResponse.raw(cached) }
        let generation = environment.availability.generation(of: id)
        let body: String = try environment.readers.read { database in
            guard let event = try EventRepository.event(id: id, in: database) else { throw APIError.notFound("event") }
            let seats = try database.rows(
                """
                SELECT s.id, s.row_label, s.seat_label, s.label, s.zone, t.id IS NULL FROM seat s
                LEFT JOIN ticket t ON t.seat_id = s.id AND t.status = 'valid'
                WHERE s.event_id = ? ORDER BY s.id
                """, id)
            let seatsTaken = Dictionary(grouping: seats.filter { $0.bool(5) == false }, by: { UInt16($0.int64(4)!) }).mapValues(\.count)
            let seatTotals = Dictionary(grouping: seats, by: { UInt16($0.int64(4)!) }).mapValues(\.count)
            let classes: [JSONValue] = event.classes.map { ticketClass in
                let total = ticketClass.capacity ?? seatTotals[ticketClass.zone, default: 0]
                let sold = ticketClass.capacity == nil ? seatsTaken[ticketClass.zone, default: 0] : ticketClass.sold
                return .object([
                    ("zone", .unsigned(UInt64(ticketClass.zone))), ("name", .string(ticketClass.name)),
                    ("general_admission", .bool(ticketClass.capacity != nil)), ("total", .integer(Int64(total))),
                    ("remaining", .integer(Int64(total - sold))),
                ])
            }
            let seatValues: [JSONValue] = seats.map { row in
                .object([
                    ("id", .integer(row.int64(0)!)), ("row", .string(row.string(1)!)), ("seat", .string(row.string(2)!)),
                    ("label", .string(row.string(3)!)), ("zone", .integer(row.int64(4)!)), ("free", .bool(row.bool(5)!)),
                ])
            }
            return JSONValue.object([
                ("event_id", .unsigned(UInt64(id))), ("classes", .array(classes)), ("seats", .array(seatValues)),
            ]).description
        }
        environment.availability.store(body, for: id, generation: generation)
        return JSONResponse.raw(body)
    }

    static func eventID(_ context: AppRequestContext) throws -> UInt32 {
        guard let id = context.parameters.get("eventID", as: UInt32.self), id > 0 else { throw APIError.notFound("event") }
        return id
    }

    static func validated(_ body: EventRequest, classes: [ClassRequest]) throws -> EventRepository.NewEvent {
        let name = try InputRules.text(body.name, field: "name", maxBytes: 100)
        let venue = try InputRules.text(body.venue, field: "venue", maxBytes: 100)
        guard body.gates_open_at <= body.starts_at, body.starts_at < body.ends_at else {
            throw APIError(.unprocessableContent, "invalid_times", "gates must open no later than the start, and the start must come before the end")
        }
        guard body.sale_opens_at < body.sale_closes_at, body.sale_closes_at <= body.ends_at else {
            throw APIError(.unprocessableContent, "invalid_times", "the sale must open before it closes, and close by the end of the event")
        }
        guard [body.starts_at, body.ends_at, body.gates_open_at].allSatisfy({ (0...Int64(UInt32.max - 1)).contains($0) }) else {
            throw APIError(.unprocessableContent, "invalid_times", "times are unix seconds that fit in 32 bits")
        }
        guard (1...100).contains(body.per_person_limit) else {
            throw APIError(.unprocessableContent, "invalid_limit", "per_person_limit must be 1 to 100")
        }
        let validatedClasses = try classes.map(validated)
        guard Set(validatedClasses.map(\.zone)).count == validatedClasses.count else {
            throw APIError(.unprocessableContent, "duplicate_zone", "two classes share a zone")
        }
        return .init(
            name: name, venue: venue, startsAt: body.starts_at, endsAt: body.ends_at, gatesOpenAt: body.gates_open_at,
            saleOpensAt: body.sale_opens_at, saleClosesAt: body.sale_closes_at, perPersonLimit: body.per_person_limit,
            classes: validatedClasses)
    }

    static func validated(_ body: ClassRequest) throws -> EventRepository.NewClass {
        guard let zone = UInt16(exactly: body.zone) else {
            throw APIError(.unprocessableContent, "invalid_zone", "zone must be 0 to 65535")
        }
        let price = body.price_cents ?? 0
        guard (0...100_000_000).contains(price) else {
            throw APIError(.unprocessableContent, "invalid_price", "price_cents must be 0 to 100000000")
        }
        if let capacity = body.capacity, !(0...1_000_000).contains(capacity) {
            throw APIError(.unprocessableContent, "invalid_capacity", "capacity must be 0 to 1000000")
        }
        return .init(zone: zone, name: try InputRules.text(body.name, field: "class_name", maxBytes: 40), priceCents: price, capacity: body.capacity)
    }
}
