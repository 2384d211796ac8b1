import Hummingbird
import Shared

/// `/api/v1/events…`: reading events and their availability; organisers create and edit them.
struct EventController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let availabilityCache: AvailabilityCache
    let keys: ServerKeys
    let clock: ServerClock
    let throttles: Throttles

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("events", use: list)
        routes.post("events", use: create)
        routes.get("events/:eventID", use: show)
        routes.put("events/:eventID", use: update)
        routes.post("events/:eventID/classes", use: addClass)
        routes.patch("events/:eventID/classes/:ticketClass", use: changeClass)
        routes.put("events/:eventID/seatmap", use: importSeatMap)
        routes.get("events/:eventID/availability", use: availability)
        return routes
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> EventListResponse {
        EventListResponse(events: try readers.read { try EventRepository.events(in: $0) }.map(EventResponse.init))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> EventResponse {
        let id = try Self.eventID(context)
        return EventResponse(try readers.read { try EventRepository.existing(id: id, in: $0) })
    }

    private var editor: EventEditor { EventEditor(writer: writer, readers: readers, keys: keys, clock: clock) }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let input = try await request.decodeJSON(as: EventInput.self, context: context)
        return EditedResponse(status: .created, response: EventResponse(try await editor.create(input)))
    }

    /// Replaces the event's details; its classes are changed through their own endpoint.
    @Sendable func update(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let input = try await request.decodeJSON(as: EventInput.self, context: context)
        guard input.classes == nil else { throw APIError.invalid("classes are added with POST /api/v1/events/\(id)/classes") }
        let (updated, resigned) = try await editor.update(input, id: id)
        return EditedResponse(headers: [.ticketsResigned: String(resigned)], response: EventResponse(updated))
    }

    @Sendable func addClass(request: Request, context: AppRequestContext) async throws -> EditedResponse<EventResponse> {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        let input = try await request.decodeJSON(as: ClassInput.self, context: context)
        return EditedResponse(status: .created, response: EventResponse(try await editor.addClass(input, eventID: id)))
    }

    struct ClassChange: Decodable {
        let capacity: Int
    }

    /// A standing class's capacity (organisers); raising it makes waitlist offers at once.
    @Sendable func changeClass(request: Request, context: AppRequestContext) async throws -> EventResponse {
        _ = try context.require(.organiser)
        let id = try Self.eventID(context)
        guard let ticketClass = context.parameters.get("ticketClass", as: UInt16.self) else { throw EventError.classNotFound(ticketClass: 0) }
        let change = try await request.decodeJSON(as: ClassChange.self, context: context)
        return EventResponse(try await editor.changeCapacity(change.capacity, eventID: id, ticketClass: ticketClass))
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
        return SeatMapImportResponse(eventID: id, seats: try await editor.replaceSeatMap(csv: text, eventID: id))
    }

    /// Every class with what is left, and every seat with whether it is free. The answer is
    /// cached until a commit changes the event (the writer tells the cache).
    @Sendable func availability(request: Request, context: AppRequestContext) async throws -> StoredJSON {
        if let account = context.account { try throttles.beginPoll(accountID: account.id) }
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
}
