import Hummingbird
import NIOPosix
import Shared

/// Organisers' and staff's view of an event's tickets: search by name, email, ticket id or seat;
/// revoke and reissue with a confirmation (organisers); the whole list as CSV.
struct TicketAdminPages {
    let readers: DatabaseReaders
    let desk: BookingDesk
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("manage/events/:eventID/tickets", use: search)
        routes.get("manage/events/:eventID/tickets.csv", use: csv)
        routes.get("manage/tickets/:ticketID/:action", use: confirmForm)
        routes.post("manage/tickets/:ticketID/:action", use: act)
        return routes
    }

    @Sendable func search(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let site = kit.site(request, context: context)
        let eventID = try EventController.eventID(context)
        let query = String(request.uri.queryParameters["q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard query.utf8.count <= 100 else { throw PageError(.badRequest, "error_bad_form") }
        let (event, found) = try readers.read { database in
            (try EventRepository.existing(id: eventID, in: database),
             try TicketSearch.tickets(eventID: eventID, matching: query.isEmpty ? nil : query, limit: 200, in: database))
        }
        let messages = site.messages
        let names = Dictionary(uniqueKeysWithValues: event.classes.map { ($0.ticketClass, $0.name) })
        let rows: [[String: Any]] = found.map { item in
            let ticket = item.ticket
            return [
                "id": String(ticket.id), "holder": ticket.holder, "email": item.email, "seat": ticket.seatLabel ?? messages["ticket_general_admission"],
                "className": names[ticket.ticketClass] ?? String(ticket.ticketClass), "status": ticket.status.rawValue,
                "statusText": messages["ticket_status_\(ticket.status.rawValue)"], "valid": ticket.status == .valid,
                "gate": item.firstAdmittedAt == nil ? messages["admin_not_in_yet"] : item.inside ? messages["admin_inside"] : messages["admin_left_again"],
            ]
        }
        var values: [String: Any] = ["event": ["id": event.id, "name": event.name], "q": query, "tickets": rows, "hasTickets": !rows.isEmpty]
        if rows.count == 200 { values["more"] = messages["admin_search_more"] }
        if let done = request.uri.queryParameters["done"] { values["notice"] = messages["admin_done_\(done)"] }
        return kit.render("manage-tickets", title: messages.format("admin_tickets_title", ["event": event.name]), values: values, site: site)
    }

    @Sendable func csv(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let eventID = try EventController.eventID(context)
        let readers = self.readers
        // A whole event's tickets, read and written out: long work, off the async threads.
        let csv = try await NIOThreadPool.singleton.runIfActive {
            try readers.read { database in
                _ = try EventRepository.existing(id: eventID, in: database)
                return TicketSearch.csv(try TicketSearch.tickets(eventID: eventID, matching: nil, limit: 1_000_000, in: database))
            }
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
                .contentDisposition: "attachment; filename=\"event-\(eventID)-tickets.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    @Sendable func confirmForm(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let site = kit.site(request, context: context)
        let (ticket, action) = try target(context)
        return confirmPage(ticket, action: action, site: site)
    }

    @Sendable func act(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (_, site) = try await kit.submittedForm(request, context: context)
        let (view, action) = try target(context)
        let ticket = view.ticket
        do {
            switch action {
            case "revoke": _ = try await desk.revoke(ticketID: ticket.id)
            default: _ = try await desk.reissue(ticketID: ticket.id)
            }
            return PageKit.redirect(to: "/manage/events/\(ticket.eventID)/tickets?q=\(PageKit.percentEncoded(ticket.holder))&done=\(action)")
        } catch let error as TicketError {
            return confirmPage(view, action: action, site: site, error: site.messages["ticket_not_valid_any_more"], status: error.apiError.status)
        }
    }

    private func target(_ context: AppRequestContext) throws -> (TicketView, String) {
        guard let action = context.parameters.get("action"), ["revoke", "reissue"].contains(action) else {
            throw PageError(.notFound, "error_not_found")
        }
        let id = try TicketController.ticketID(context)
        guard let view = try readers.read({ try TicketView.one(id: id, in: $0, language: .en) }) else { throw PageError(.notFound, "error_not_found") }
        return (view, action)
    }

    private func confirmPage(_ view: TicketView, action: String, site: PageSite, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let messages = site.messages
        var values: [String: Any] = [
            "question": messages["admin_\(action)_question"],
            "details": "\(view.ticket.holder) · \(view.eventName) · \(view.ticket.seatLabel ?? messages["ticket_general_admission"]) · \(view.ticket.id)",
            "action": "/manage/tickets/\(view.ticket.id)/\(action)", "confirmLabel": messages["admin_\(action)_confirm"],
            "danger": action == "revoke", "back": "/manage/events/\(view.ticket.eventID)/tickets?q=\(PageKit.percentEncoded(view.ticket.holder))",
        ]
        if view.ticket.status != .valid { values["error"] = messages["ticket_not_valid_any_more"] }
        if let error { values["error"] = error }
        return kit.render("confirm", title: messages["admin_\(action)_title"], values: values, site: site, status: status)
    }
}
