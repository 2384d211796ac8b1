import HTTPTypes
import Hummingbird
import Shared

/// `POST /api/v1/events/:eventID/bookings`: seats by id, or a number of general-admission tickets.
struct BookingController {
    let environment: ServerEnvironment

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/bookings", use: book)
        return routes
    }

    /// Either `seats` (with an optional `ticket_class` they must all be in), or `ticket_class`
    /// with `count`.
    struct BookRequest: Decodable {
        let seats: [Int64]?
        let ticket_class: Int?
        let count: Int?
        let idempotency_key: String?
    }

    @Sendable func book(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let eventID = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: BookRequest.self, context: context)
        let order = try Self.order(from: body)
        let key = try Self.idempotencyKey(header: request.headers[.idempotencyKey], field: body.idempotency_key)
        let issuer = environment.issuer
        let now = environment.clock.now()
        let result = try await environment.writer.write { database in
            try BookingEngine.book(order, eventID: eventID, account: account, idempotencyKey: key, issuer: issuer, now: now, in: database)
        }
        // Only now, with the commit on disk, does anyone hear "booked".
        if !result.replayed { environment.availability.invalidate(eventID) }
        var response = JSONResponse.raw(result.body)
        response.status = .created
        if result.replayed { response.headers[.idempotencyReplayed] = "true" }
        return response
    }

    static func order(from body: BookRequest) throws -> BookingOrder {
        let zone = try body.ticket_class.map { value -> UInt16 in
            guard let zone = UInt16(exactly: value) else {
                throw APIError(.unprocessableContent, "unknown_class", "ticket_class must be 0 to 65535")
            }
            return zone
        }
        switch (body.seats, zone, body.count) {
        case (let seats?, _, nil):
            guard !seats.isEmpty else { throw APIError(.unprocessableContent, "invalid_count", "list at least one seat") }
            guard seats.count <= 100 else { throw APIError(.unprocessableContent, "invalid_count", "at most 100 seats in one booking") }
            return .seats(seats, ticketClass: zone)
        case (nil, let zone?, let count?):
            guard (1...100).contains(count) else {
                throw APIError(.unprocessableContent, "invalid_count", "count must be 1 to 100, not \(count)")
            }
            return .generalAdmission(ticketClass: zone, count: count)
        default:
            throw APIError.invalid("send either \"seats\": [seat ids], or \"ticket_class\" with \"count\"")
        }
    }

    static func idempotencyKey(header: String?, field: String?) throws -> String? {
        if let header, let field, header != field {
            throw APIError.invalid("the Idempotency-Key header and idempotency_key field differ")
        }
        guard let key = header ?? field else { return nil }
        guard (1...200).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw APIError.invalid("an idempotency key is 1 to 200 printable ASCII characters without spaces")
        }
        return key
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotencyReplayed = HTTPField.Name("Idempotency-Replayed")!
    /// On an event update: how many live tickets got a new token for the new times.
    static let ticketsResigned = HTTPField.Name("Tickets-Resigned")!
}
