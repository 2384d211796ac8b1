import Hummingbird
import Shared

/// The waitlist's API: joining a sold-out class's line, one's entries and offers, and leaving.
struct WaitlistController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let clock: ServerClock

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/waitlist", use: join)
        routes.get("waitlist", use: mine)
        routes.delete("waitlist/:entryID", use: leave)
        return routes
    }

    struct JoinRequest: Decodable {
        let ticketClass: Int
        let count: Int?
        let acceptFewer: Bool?
    }

    @Sendable func join(request: Request, context: AppRequestContext) async throws -> EditedResponse<WaitlistEntryResponse> {
        let account = try context.requireAccount()
        let eventID = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: JoinRequest.self, context: context)
        guard let ticketClass = UInt16(exactly: body.ticketClass) else {
            throw APIError(.unprocessableContent, "unknown_class", "ticket_class must be 0 to 65535")
        }
        let asked = Waitlists.Request(ticketClass: ticketClass, count: body.count, acceptFewer: body.acceptFewer ?? false)
        let now = clock.now()
        let (entry, position, created) = try await writer.write { transaction in
            let (entry, created) = try Waitlists.join(asked, eventID: eventID, account: account, now: now, in: transaction)
            return (entry, try Waitlists.position(of: entry, in: transaction), created)
        }
        return EditedResponse(status: created ? .created : .ok, response: WaitlistEntryResponse(entry, position: position))
    }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> WaitlistResponse {
        let account = try context.requireAccount()
        let entries = try readers.read { database in
            try Waitlists.liveEntries(accountID: account.id, in: database).map { entry in
                WaitlistEntryResponse(entry, position: try Waitlists.position(of: entry, in: database))
            }
        }
        return WaitlistResponse(entries: entries, offers: [])
    }

    @Sendable func leave(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        guard let entryID = context.parameters.get("entryID", as: Int64.self) else { throw WaitlistError.notFound }
        let now = clock.now()
        try await writer.write { try Waitlists.leave(entryID: entryID, account: account, now: now, in: $0) }
        return Response(status: .noContent, headers: .noStore)
    }
}

/// One place in a waitlist, as its holder sees it.
struct WaitlistEntryResponse: ResponseEncodable, Sendable {
    let id: Int64
    let eventID: UInt32
    let ticketClass: UInt16
    let count: Int
    let acceptFewer: Bool
    /// 1 is next; null once an offer is out.
    let position: Nullable<Int>
    let status: String
    let joinedAt: Int64

    init(_ entry: Waitlists.Entry, position: Int?) {
        id = entry.id
        eventID = entry.eventID
        ticketClass = entry.ticketClass
        count = entry.count
        acceptFewer = entry.acceptFewer
        self.position = Nullable(position)
        status = entry.status.rawValue
        joinedAt = entry.joinedAt
    }
}

/// `GET /api/v1/waitlist`: the person's places in lines and their open offers.
struct WaitlistResponse: ResponseEncodable, Sendable {
    let entries: [WaitlistEntryResponse]
    /// Offers of freed tickets; none are made yet (the next part of issue 23).
    let offers: [WaitlistEntryResponse]
}
