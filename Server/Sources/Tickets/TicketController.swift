import Hummingbird
import NIOPosix
import QRCodes
import Shared

/// `/api/v1/tickets…`: a person's own tickets, their tokens and QR codes, cancelling; and the
/// organiser's revoke and reissue. Someone else's ticket is "not found", never "forbidden":
/// ticket ids are not to be probed.
struct TicketController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock
    let metrics: ServerMetrics
    let throttles: Throttles

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
        routes.get("events/:eventID/tickets", use: eventTickets)
        routes.get("events/:eventID/tickets.csv", use: eventTicketsCSV)
        return routes
    }

    private var desk: BookingDesk { BookingDesk(writer: writer, readers: readers, keys: keys, clock: clock, metrics: metrics, throttles: throttles) }

    @Sendable func mine(request: Request, context: AppRequestContext) async throws -> TicketListResponse {
        let account = try context.requireAccount()
        let tickets = try readers.read { try TicketRepository.tickets(accountID: account.id, in: $0) }
        return TicketListResponse(tickets: tickets.map(TicketResponse.init))
    }

    @Sendable func show(request: Request, context: AppRequestContext) async throws -> TicketResponse {
        TicketResponse(try visibleTicket(context))
    }

    @Sendable func token(request: Request, context: AppRequestContext) async throws -> TokenResponse {
        let ticket = try enterableTicket(context)
        return TokenResponse(ticketID: String(ticket.id), token: ticket.token)
    }

    @Sendable func qrSVG(request: Request, context: AppRequestContext) async throws -> Response {
        let svg = QRRenderer.svg(try QRCode(encoding: try enterableTicket(context).token, correction: .medium))
        return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    @Sendable func qrPNG(request: Request, context: AppRequestContext) async throws -> Response {
        let png = try QRRenderer.png(try QRCode(encoding: try enterableTicket(context).token, correction: .medium))
        return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> TicketResponse {
        let account = try context.requireAccount()
        return TicketResponse(try await desk.cancel(ticketID: try Self.ticketID(context), by: account))
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> TicketResponse {
        _ = try context.require(.organiser)
        return TicketResponse(try await desk.revoke(ticketID: try Self.ticketID(context)))
    }

    @Sendable func reissue(request: Request, context: AppRequestContext) async throws -> EditedResponse<ReissueResponse> {
        _ = try context.require(.organiser)
        let (old, new) = try await desk.reissue(ticketID: try Self.ticketID(context))
        return EditedResponse(status: .created, response: ReissueResponse(revoked: TicketResponse(old), ticket: TicketResponse(new)))
    }

    /// The change log after `after` (a sequence number), for staff and organisers.
    @Sendable func changes(request: Request, context: AppRequestContext) async throws -> ChangeListResponse {
        _ = try context.require(.staff)
        let after = try request.queryInteger("after", in: 0...Int64.max) ?? 0
        let limit = try request.queryInteger("limit", in: 1...5_000) ?? 500
        let eventID = try request.uri.queryParameters["event_id"].map { text -> UInt32 in
            guard let id = UInt32(String(text)) else { throw APIError.invalid("event_id must be an event id") }
            return id
        }
        let entries = try readers.read { try ChangeLog.entries(after: after, eventID: eventID, limit: Int(limit), in: $0) }
        return ChangeListResponse(changes: entries.map(ChangeListResponse.Change.init))
    }

    /// An event's tickets for staff at the gate tent, `q` matching a name, email, seat or ticket id.
    @Sendable func eventTickets(request: Request, context: AppRequestContext) async throws -> EventTicketListResponse {
        _ = try context.require(.staff)
        let found = try search(request, context: context, limit: try request.queryInteger("limit", in: 1...1_000) ?? 100)
        return EventTicketListResponse(tickets: found.map(EventTicketListResponse.Item.init))
    }

    /// Every ticket of an event as CSV, for organisers.
    @Sendable func eventTicketsCSV(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let eventID = try EventController.eventID(context)
        // A whole event's tickets, read and written out: long work, off the async threads.
        let csv = try await NIOThreadPool.singleton.runIfActive { TicketSearch.csv(try search(request, context: context, limit: 1_000_000)) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"event-\(eventID)-tickets.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    private func search(_ request: Request, context: AppRequestContext, limit: Int64) throws -> [TicketSearch.Found] {
        let eventID = try EventController.eventID(context)
        let query = request.uri.queryParameters["q"].map(String.init)
        if let query, query.utf8.count > 100 { throw APIError.invalid("q is at most 100 bytes") }
        return try readers.read { database in
            _ = try EventRepository.existing(id: eventID, in: database)
            return try TicketSearch.tickets(eventID: eventID, matching: query, limit: Int(limit), in: database)
        }
    }

    /// The ticket if the caller holds it or is an organiser; "not found" otherwise.
    private func visibleTicket(_ context: AppRequestContext) throws -> Ticket {
        let account = try context.requireAccount()
        let id = try Self.ticketID(context)
        guard let ticket = try readers.read({ try TicketRepository.ticket(id: id, in: $0) }),
            ticket.accountID == account.id || account.role.includes(.organiser)
        else { throw TicketError.notFound }
        return ticket
    }

    /// A ticket whose code may still be handed out: a cancelled or revoked one is `409
    /// ticket_not_valid`, as on the pages, so nobody is sent to the gate with a dead code.
    private func enterableTicket(_ context: AppRequestContext) throws -> Ticket {
        let ticket = try visibleTicket(context)
        guard ticket.status == .valid else { throw TicketError.notValid(ticket.status) }
        return ticket
    }

    static func ticketID(_ context: AppRequestContext) throws -> UInt64 {
        guard let id = context.parameters.get("ticketID", as: UInt64.self) else { throw TicketError.notFound }
        return id
    }
}
