import Hummingbird
import Shared

/// The waitlist's API: joining a sold-out class's line, one's entries and offers, leaving, and
/// accepting or declining an offer.
struct WaitlistController {
    let desk: WaitlistDesk

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/waitlist", use: join)
        routes.get("waitlist", use: mine)
        routes.delete("waitlist/:entryID", use: leave)
        routes.post("offers/:offerID/accept", use: accept)
        routes.post("offers/:offerID/decline", use: decline)
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
        let (place, created) = try await desk.join(
            Waitlists.Request(ticketClass: ticketClass, count: body.count, acceptFewer: body.acceptFewer ?? false), eventID: eventID, account: account)
        return EditedResponse(status: created ? .created : .ok, response: WaitlistEntryResponse(place))
    }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> WaitlistResponse {
        let (places, offers) = try await desk.mine(account: try context.requireAccount())
        return WaitlistResponse(entries: places.map(WaitlistEntryResponse.init), offers: offers.map(OfferResponse.init))
    }

    @Sendable func leave(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        guard let entryID = context.parameters.get("entryID", as: Int64.self) else { throw WaitlistError.notFound }
        try await desk.leave(entryID: entryID, account: account)
        return Response(status: .noContent, headers: .noStore)
    }

    /// Books the offer's tickets: exactly its seats, or its count of standing tickets.
    @Sendable func accept(request: Request, context: AppRequestContext) async throws -> StoredJSON {
        let account = try context.requireAccount()
        let result = try await desk.accept(offerID: try Self.offerID(context), account: account)
        return StoredJSON(text: try result.body(), status: .created)
    }

    /// Passes the offer on to the next in line; the person leaves the line.
    @Sendable func decline(request: Request, context: AppRequestContext) async throws -> OfferResponse {
        let account = try context.requireAccount()
        return OfferResponse(try await desk.decline(offerID: try Self.offerID(context), account: account))
    }

    static func offerID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("offerID", as: Int64.self) else { throw WaitlistError.offerNotFound }
        return id
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

    init(_ place: WaitlistDesk.Place) {
        let entry = place.entry
        let position = place.position
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

/// Tickets held for a person until `expires_at`.
struct OfferResponse: ResponseEncodable, Sendable {
    struct Seat: Encodable, Sendable {
        let id: Int64
        let label: String
    }

    let id: Int64
    let eventID: UInt32
    let ticketClass: UInt16
    let count: Int
    /// The seats held, for a seated class; null for standing tickets.
    let seats: Nullable<[Seat]>
    let expiresAt: Int64
    let status: String

    init(_ offer: WaitlistOffers.Offer) {
        id = offer.id
        eventID = offer.eventID
        ticketClass = offer.ticketClass
        count = offer.count
        seats = Nullable(offer.seats?.map { Seat(id: $0.id, label: $0.label) })
        expiresAt = offer.expiresAt
        status = offer.status.rawValue
    }
}

/// `GET /api/v1/waitlist`: the person's places in lines and their open offers.
struct WaitlistResponse: ResponseEncodable, Sendable {
    let entries: [WaitlistEntryResponse]
    let offers: [OfferResponse]
}
