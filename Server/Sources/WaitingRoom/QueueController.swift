import Hummingbird
import Shared

/// `/api/v1/events/{eventID}/queue…`: the waiting room's line (join, my place, the public view
/// with its verifiable draw), and the organisers' pause and resume of a sale.
struct QueueController {
    let desk: QueueDesk

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/queue", use: join)
        routes.get("events/:eventID/queue/me", use: mine)
        routes.delete("events/:eventID/queue/me", use: leave)
        routes.get("events/:eventID/queue", use: overview)
        routes.post("events/:eventID/pause", use: pause)
        routes.post("events/:eventID/resume", use: resume)
        return routes
    }

    @Sendable func join(request: Request, context: AppRequestContext) async throws -> EditedResponse<EntryResponse> {
        let account = try context.requireAccount()
        let (place, created) = try await desk.join(eventID: try EventController.eventID(context), account: account)
        return EditedResponse(status: created ? .created : .ok, response: EntryResponse(place))
    }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> EntryResponse {
        let account = try context.requireAccount()
        let id = try EventController.eventID(context)
        guard let place = try await desk.place(eventID: id, account: account) else { throw Self.notInLine(id) }
        return EntryResponse(place)
    }

    /// Leaves the line, or ends one's turn early: the entry is `done` and the next person is
    /// let through. Leaving again answers the same.
    @Sendable func leave(request: Request, context: AppRequestContext) async throws -> EntryResponse {
        let account = try context.requireAccount()
        let id = try EventController.eventID(context)
        guard let place = try await desk.leave(eventID: id, account: account) else { throw Self.notInLine(id) }
        return EntryResponse(place)
    }

    private static func notInLine(_ eventID: UInt32) -> APIError {
        APIError(.notFound, "not_in_line", "you have not joined this event's waiting room: POST /api/v1/events/\(eventID)/queue")
    }

    /// The public view: anyone can check the draw from it (docs/FAIRNESS.md).
    @Sendable func overview(request: Request, context: AppRequestContext) async throws -> QueueResponse {
        try await desk.overview(eventID: try EventController.eventID(context))
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
        return EventResponse(try await desk.pause(eventID: id, notice: try SaleNotice.validated(ko: body.notice.ko, en: body.notice.en)))
    }

    struct ResumeRequest: Decodable {
        let at: Int64?
    }

    /// Resumes now, or at `at`; a body is optional.
    @Sendable func resume(request: Request, context: AppRequestContext) async throws -> EventResponse {
        _ = try context.require(.organiser)
        let id = try EventController.eventID(context)
        let at = request.mediaType == nil ? nil : try await request.decodeJSON(as: ResumeRequest.self, context: context).at
        return EventResponse(try await desk.resume(eventID: id, at: at))
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

    init(_ place: QueueDesk.Place) {
        entry = Entry(
            number: place.entry.number, status: place.entry.status.rawValue, position: Nullable(place.position),
            ahead: Nullable(place.position.map { $0 - 1 }), turnEndsAt: Nullable(place.entry.status == .turn ? place.entry.turnEndsAt : nil),
            estimatedWaitSeconds: Nullable(place.estimatedWaitSeconds))
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
