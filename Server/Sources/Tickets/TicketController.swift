import Hummingbird
import Shared

/// `/api/v1/tickets…`: a person's own tickets, their tokens and QR codes, cancelling; and the
/// organiser's revoke and reissue. Someone else's ticket is "not found", never "forbidden":
/// ticket ids are not to be probed.
struct TicketController {
    let environment: ServerEnvironment

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("tickets", use: mine)
        routes.get("tickets/:ticketID", use: show)
        routes.get("tickets/:ticketID/token", use: token)
        routes.get("tickets/:ticketID/qr.svg", use: qrSVG)
        routes.get("tickets/:ticketID/qr.png", use: qrPNG)
        routes.post("tickets/:ticketID/cancel", use: cancel)
        routes.post("tickets/:ticketID/revoke", use: revoke)
        routes.post("tickets/:ticketID/reissue", use: reissue)
        routes.get("changes", use: changes)
        return routes
    }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let tickets = try environment.readers.read { try TicketRepository.tickets(accountID: account.id, in: $0) }
        return JSONResponse.make(.object([("tickets", .array(tickets.map(\.json)))]))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.make(try visibleTicket(context).json)
    }

    @Sendable func token(request: Request, context: AppRequestContext) async throws -> Response {
        let ticket = try visibleTicket(context)
        return JSONResponse.make(.object([("ticket_id", .string(String(ticket.id))), ("token", .string(ticket.token))]))
    }

    @Sendable func qrSVG(request: Request, context: AppRequestContext) async throws -> Response {
        let svg = QRRenderer.svg(try QRCode(encoding: try visibleTicket(context).token, correction: .medium))
        return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    @Sendable func qrPNG(request: Request, context: AppRequestContext) async throws -> Response {
        let png = try QRRenderer.png(try QRCode(encoding: try visibleTicket(context).token, correction: .medium))
        return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    /// Holders may cancel their own ticket until the event starts; the seat is free at once.
    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let id = try Self.ticketID(context)
        let now = environment.clock.now()
        let ticket = try await environment.writer.write { database in
            guard let ticket = try TicketRepository.ticket(id: id, in: database), ticket.accountID == account.id else {
                throw APIError.notFound("ticket")
            }
            let event = try EventRepository.event(id: ticket.eventID, in: database)!
            guard now < event.startsAt else {
                throw APIError(.conflict, "event_started", "tickets can be cancelled only until the event starts")
            }
            return try TicketRepository.end(ticket, as: .cancelled, reason: "cancelled by holder", now: now, in: database)
        }
        environment.availability.invalidate(ticket.eventID)
        return JSONResponse.make(ticket.json)
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try Self.ticketID(context)
        let now = environment.clock.now()
        let ticket = try await environment.writer.write { database in
            guard let ticket = try TicketRepository.ticket(id: id, in: database) else { throw APIError.notFound("ticket") }
            return try TicketRepository.end(ticket, as: .revoked, reason: "revoked by organiser", now: now, in: database)
        }
        environment.availability.invalidate(ticket.eventID)
        return JSONResponse.make(ticket.json)
    }

    /// A new ticket (new id, new token) for the same holder, class and seat; the old one is
    /// revoked in the same transaction, so the seat never looks free in between.
    @Sendable func reissue(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try Self.ticketID(context)
        let now = environment.clock.now()
        let issuer = environment.issuer
        let (old, new) = try await environment.writer.write { database in
            guard let old = try TicketRepository.ticket(id: id, in: database) else { throw APIError.notFound("ticket") }
            let revoked = try TicketRepository.end(old, as: .revoked, reason: "reissued", releasesPlace: false, now: now, in: database)
            let event = try EventRepository.event(id: old.eventID, in: database)!
            var seat: (id: Int64, label: String)?
            if let seatID = old.seatID, let label = old.seatLabel { seat = (seatID, label) }
            let new = try TicketRepository.issue(
                event: event, zone: old.zone, seat: seat, accountID: old.accountID, holder: old.holder, bookingID: nil,
                reissuedFrom: old.id, issuer: issuer, now: now, in: database)
            return (revoked, new)
        }
        environment.availability.invalidate(old.eventID)
        return JSONResponse.make(.object([("revoked", old.json), ("ticket", new.json)]), status: .created)
    }

    /// The change log after `after` (a sequence number), for staff and organisers.
    @Sendable func changes(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let after = try Self.queryInteger(request, "after", default: 0, range: 0...Int64.max)
        let limit = try Self.queryInteger(request, "limit", default: 500, range: 1...5_000)
        let eventID = try request.uri.queryParameters["event_id"].map { text -> UInt32 in
            guard let id = UInt32(String(text)) else { throw APIError.invalid("event_id must be an event id") }
            return id
        }
        let entries = try environment.readers.read { try ChangeLog.entries(after: after, eventID: eventID, limit: Int(limit), in: $0) }
        return JSONResponse.make(.object([("changes", .array(entries.map(\.json)))]))
    }

    /// The ticket if the caller holds it or is an organiser; "not found" otherwise.
    private func visibleTicket(_ context: AppRequestContext) throws -> Ticket {
        let account = try context.requireAccount()
        let id = try Self.ticketID(context)
        guard let ticket = try environment.readers.read({ try TicketRepository.ticket(id: id, in: $0) }),
            ticket.accountID == account.id || account.role.includes(.organiser)
        else { throw APIError.notFound("ticket") }
        return ticket
    }

    static func ticketID(_ context: AppRequestContext) throws -> UInt64 {
        guard let id = context.parameters.get("ticketID", as: UInt64.self) else { throw APIError.notFound("ticket") }
        return id
    }

    static func queryInteger(_ request: Request, _ name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = request.uri.queryParameters[name[...]] else { return value }
        guard let number = Int64(String(text)), range.contains(number) else {
            throw APIError.invalid("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
