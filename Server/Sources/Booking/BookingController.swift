import HTTPTypes
import Hummingbird
import Shared

/// `POST /api/v1/events/:eventID/bookings`: seats by id, or a number of general-admission tickets.
struct BookingController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock
    let metrics: ServerMetrics
    let throttles: Throttles

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/bookings", use: book)
        return routes
    }

    /// Either `seats` (with an optional `ticket_class` they must all be in), or `ticket_class`
    /// with `count`.
    struct BookRequest: Decodable {
        let seats: [Int64]?
        let ticketClass: Int?
        let count: Int?
        let idempotencyKey: String?
    }

    @Sendable func book(request: Request, context: AppRequestContext) async throws -> StoredJSON {
        let account = try context.requireAccount()
        let eventID = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: BookRequest.self, context: context)
        let order = try Self.order(from: body)
        let key = try Self.idempotencyKey(header: request.headers[.idempotencyKey], field: body.idempotencyKey)
        let desk = BookingDesk(writer: writer, readers: readers, keys: keys, clock: clock, metrics: metrics, throttles: throttles)
        let result: BookingResult
        do {
            result = try await desk.book(order, eventID: eventID, account: account, idempotencyKey: key)
        } catch let refusal as BookingError where refusal.code == "sold_out" || refusal.code == "seat_taken" {
            throw Self.pointingToWaitlist(refusal, eventID: eventID)
        }
        // Only now, with the commit on disk, does anyone hear "booked".
        return StoredJSON(text: try result.body(), status: .created, headers: result.replayed ? [.idempotencyReplayed: "true"] : [:])
    }

    /// A sold-out or taken refusal says where the line for freed tickets is: `waitlist` in the
    /// error is the path to join it.
    static func pointingToWaitlist(_ refusal: BookingError, eventID: UInt32) -> APIError {
        let error = refusal.apiError
        let path = "/api/v1/events/\(eventID)/waitlist"
        return APIError(
            error.status, error.code, error.message + "; freed tickets go to the waitlist: POST \(path)", headers: error.headers,
            details: .object([("waitlist", .string(path))]))
    }

    static func order(from body: BookRequest) throws -> BookingOrder {
        let ticketClass = try body.ticketClass.map { value -> UInt16 in
            guard let ticketClass = UInt16(exactly: value) else {
                throw APIError(.unprocessableContent, "unknown_class", "ticket_class must be 0 to 65535")
            }
            return ticketClass
        }
        switch (body.seats, ticketClass, body.count) {
        case (let seats?, _, nil):
            guard !seats.isEmpty else { throw APIError(.unprocessableContent, "invalid_count", "list at least one seat") }
            guard seats.count <= BookingOrder.maxTickets else {
                throw APIError(.unprocessableContent, "invalid_count", "at most \(BookingOrder.maxTickets) seats in one booking")
            }
            return .seats(seats, ticketClass: ticketClass)
        case (nil, let ticketClass?, let count?):
            guard (1...BookingOrder.maxTickets).contains(count) else {
                throw APIError(.unprocessableContent, "invalid_count", "count must be 1 to \(BookingOrder.maxTickets), not \(count)")
            }
            return .generalAdmission(ticketClass: ticketClass, count: count)
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
