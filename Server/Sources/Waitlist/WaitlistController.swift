import Hummingbird
import Shared

/// The waitlist's API: joining a sold-out class's line, one's entries and offers, leaving, and
/// accepting or declining an offer.
struct WaitlistController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock

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
        let now = clock.now()
        // An offer whose time is up passes on before anyone is shown it as open.
        if try readers.read({ try WaitlistOffers.anyDue(now: now, in: $0) }) {
            try await writer.write { try WaitlistOffers.expireDue(now: now, in: $0) }
        }
        return try readers.read { database in
            let entries = try Waitlists.liveEntries(accountID: account.id, in: database).map { entry in
                WaitlistEntryResponse(entry, position: try Waitlists.position(of: entry, in: database))
            }
            return WaitlistResponse(entries: entries, offers: try WaitlistOffers.openOffers(accountID: account.id, in: database).map(OfferResponse.init))
        }
    }

    /// Books the offer's tickets: exactly its seats, or its count of standing tickets.
    @Sendable func accept(request: Request, context: AppRequestContext) async throws -> StoredJSON {
        let account = try context.requireAccount()
        let offer = try offer(context, of: account)
        let order: BookingOrder =
            offer.seats.map { .seats($0.map(\.id), ticketClass: offer.ticketClass) } ?? .generalAdmission(ticketClass: offer.ticketClass, count: offer.count)
        let issuer = keys.issuer
        let result = try await TicketLifecycle.retryingIDCollisions {
            let presigned = try BookingEngine.presign(order, eventID: offer.eventID, holder: account.displayName, issuer: issuer, readers: readers)
            let now = clock.now()
            return try await writer.write { transaction in
                try WaitlistOffers.accept(offerID: offer.id, account: account, now: now, in: transaction)
                return try BookingEngine.book(
                    order, eventID: offer.eventID, account: account, idempotencyKey: nil, presigned: presigned, issuer: issuer, now: now,
                    in: transaction, fromOffer: true)
            }
        }
        return StoredJSON(text: try result.body(), status: .created)
    }

    /// Passes the offer on to the next in line; the person leaves the line.
    @Sendable func decline(request: Request, context: AppRequestContext) async throws -> OfferResponse {
        let account = try context.requireAccount()
        let offer = try offer(context, of: account)
        let now = clock.now()
        return OfferResponse(try await writer.write { try WaitlistOffers.decline(offerID: offer.id, account: account, now: now, in: $0) })
    }

    /// The offer in the path, if it is this person's.
    private func offer(_ context: AppRequestContext, of account: Account) throws -> WaitlistOffers.Offer {
        guard let id = context.parameters.get("offerID", as: Int64.self),
            let offer = try readers.read({ try WaitlistOffers.offer(id: id, in: $0) }), offer.accountID == account.id
        else { throw WaitlistError.offerNotFound }
        return offer
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
