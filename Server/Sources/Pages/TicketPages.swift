import Foundation
import Hummingbird
import QRCodes
import Shared

/// A person's own tickets: the list with large QR codes, a print view, the QR as a PNG, and
/// cancelling with a confirmation. Someone else's ticket is "not found", as in the API.
struct TicketPages {
    let readers: DatabaseReaders
    let desk: BookingDesk
    let waitlist: WaitlistPages
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("tickets", use: list)
        routes.get("tickets/print", use: printAll)
        routes.get("tickets/:ticketID/print", use: printOne)
        routes.get("tickets/:ticketID/ticket.png", use: png)
        routes.get("tickets/:ticketID/cancel", use: cancelForm)
        routes.post("tickets/:ticketID/cancel", use: cancel)
        return routes
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let site = kit.site(request, context: context)
        let messages = site.messages
        let (tickets, booked) = try readers.read { database -> ([TicketView], Int?) in
            let tickets = try TicketView.all(accountID: account.id, in: database, language: site.language)
            let booked = try request.uri.queryParameters["booked"].flatMap { Int64(String($0)) }.map { bookingID in
                try TicketRepository.count(bookingID: bookingID, accountID: account.id, in: database)
            }
            return (tickets, booked)
        }
        var values: [String: Any] = ["tickets": tickets.map(\.values), "hasTickets": tickets.contains { $0.ticket.status == .valid }]
        if let booked, booked > 0 {
            values["booked"] = booked == 1 ? messages["tickets_booked_one"] : messages.format("tickets_booked", ["count": String(booked)])
        }
        if request.uri.queryParameters["cancelled"] != nil { values["notice"] = messages["tickets_cancelled"] }
        values.merge(try await waitlist.section(account: account, site: site)) { _, new in new }
        return kit.render("tickets", title: messages["tickets_title"], values: values, site: site)
    }

    @Sendable func printAll(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let site = kit.site(request, context: context)
        let tickets = try readers.read { try TicketView.all(accountID: account.id, in: $0, language: site.language) }.filter { $0.ticket.status == .valid }
        return printPage(tickets, request: request, site: site, path: "/tickets/print")
    }

    @Sendable func printOne(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        let view = try ownTicket(context, language: site.language)
        guard view.ticket.status == .valid else { throw PageError(.conflict, "ticket_not_valid_any_more") }
        return printPage([view], request: request, site: site, path: "/tickets/\(view.ticket.id)/print")
    }

    /// The QR code as a PNG file to keep in a phone's photos.
    @Sendable func png(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        let view = try ownTicket(context, language: site.language)
        guard view.ticket.status == .valid else { throw PageError(.conflict, "ticket_not_valid_any_more") }
        let png = try QRRenderer.png(try QRCode(encoding: view.ticket.token, correction: .medium), scale: 10)
        return Response(
            status: .ok,
            headers: [
                .contentType: "image/png", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"ticket-\(view.ticket.id).png\"", .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    @Sendable func cancelForm(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        let view = try ownTicket(context, language: site.language)
        guard view.ticket.status == .valid else { throw PageError(.conflict, "ticket_not_valid_any_more") }
        return confirmPage(view, site: site)
    }

    @Sendable func cancel(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (_, site) = try await kit.submittedForm(request, context: context)
        let view = try ownTicket(context, language: site.language)
        do {
            _ = try await desk.cancel(ticketID: view.ticket.id, by: account)
            return PageKit.redirect(to: "/tickets?cancelled=\(view.ticket.id)")
        } catch let error as TicketError {
            let key = switch error {
            case .eventStarted: "cancel_event_started"
            case .notValid: "ticket_not_valid_any_more"
            default: "error_not_found"
            }
            return confirmPage(view, site: site, error: site.messages[key], status: error.apiError.status)
        }
    }

    private func confirmPage(_ view: TicketView, site: PageSite, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let messages = site.messages
        var values: [String: Any] = [
            "question": messages["cancel_question"],
            "details": "\(view.eventName) · \(view.seatText) · \(view.className) · \(view.starts)",
            "action": "/tickets/\(view.ticket.id)/cancel", "confirmLabel": messages["cancel_confirm"], "danger": true, "back": "/tickets",
        ]
        if let error { values["error"] = error }
        return kit.render("confirm", title: messages["cancel_title"], values: values, site: site, status: status)
    }

    private func printPage(_ tickets: [TicketView], request: Request, site: PageSite, path: String) -> Response {
        let size = request.uri.queryParameters["size"] == "a4" ? "a4" : "a6"
        let sizes = ["a4", "a6"].filter { $0 != size }.map { other in
            ["href": "\(path)?size=\(other)", "label": site.messages["print_size_\(other)"]]
        }
        return kit.render(
            "print", title: site.messages["print_title"], values: ["tickets": tickets.map(\.values), "size": size, "sizes": sizes], site: site)
    }

    /// The signed-in person's ticket; anyone else's, or none, is "not found".
    private func ownTicket(_ context: AppRequestContext, language: Language) throws -> TicketView {
        let account = try context.requireAccount()
        let id = try TicketController.ticketID(context)
        guard let view = try readers.read({ try TicketView.one(id: id, in: $0, language: language) }), view.ticket.accountID == account.id else {
            throw PageError(.notFound, "error_not_found")
        }
        return view
    }
}

/// A ticket with what its holder reads on it: the event, the class's name, the times in the
/// event's zone, and its QR code as inline SVG.
struct TicketView {
    let ticket: Ticket
    let eventName: String
    let venue: String
    let className: String
    let starts: String
    let gatesOpen: String
    let seatText: String
    let statusText: String

    static func all(accountID: Int64, in database: some SQLiteQuerying, language: Language) throws -> [TicketView] {
        let tickets = try TicketRepository.tickets(accountID: accountID, in: database)
        var events: [UInt32: Event] = [:]
        return try tickets.map { ticket in
            if events[ticket.eventID] == nil { events[ticket.eventID] = try EventRepository.existing(id: ticket.eventID, in: database) }
            return TicketView(ticket, event: events[ticket.eventID]!, language: language)
        }.sorted { a, b in
            // Valid tickets first, then by when they were booked, then by seat as people count them (A-2 before A-10).
            if (a.ticket.status == .valid) != (b.ticket.status == .valid) { return a.ticket.status == .valid }
            if a.ticket.createdAt != b.ticket.createdAt { return a.ticket.createdAt < b.ticket.createdAt }
            return (a.ticket.seatLabel ?? "").localizedStandardCompare(b.ticket.seatLabel ?? "") == .orderedAscending
        }
    }

    static func one(id: UInt64, in database: some SQLiteQuerying, language: Language) throws -> TicketView? {
        guard let ticket = try TicketRepository.ticket(id: id, in: database) else { return nil }
        return TicketView(ticket, event: try EventRepository.existing(id: ticket.eventID, in: database), language: language)
    }

    init(_ ticket: Ticket, event: Event, language: Language) {
        let format = EventFormatting(event, language: language)
        let messages = language.messages
        self.ticket = ticket
        eventName = event.name
        venue = event.venue
        className = event.classes.first { $0.ticketClass == ticket.ticketClass }?.name ?? String(ticket.ticketClass)
        starts = format.dateTime(event.startsAt)
        gatesOpen = format.time(event.gatesOpenAt)
        seatText = ticket.seatLabel ?? messages["ticket_general_admission"]
        statusText = messages["ticket_status_\(ticket.status.rawValue)"]
    }

    var values: [String: Any] {
        var values: [String: Any] = [
            "id": String(ticket.id), "eventName": eventName, "venue": venue, "className": className, "starts": starts, "gatesOpen": gatesOpen,
            "seat": seatText, "holder": ticket.holder, "status": ticket.status.rawValue, "statusText": statusText,
            "valid": ticket.status == .valid,
        ]
        if ticket.status == .valid, let svg = TicketQRCodes.svg(for: ticket.token) { values["qr"] = svg }
        return values
    }
}
