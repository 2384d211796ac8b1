import Hummingbird
import Shared

/// The waitlist on My tickets: open offers with Accept and Decline and how long each is held,
/// and the person's places in lines, each with a way out.
struct WaitlistPages {
    let readers: DatabaseReaders
    let desk: WaitlistDesk
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("offers/:offerID/accept", use: accept)
        routes.post("offers/:offerID/decline", use: decline)
        routes.post("waitlist/:entryID/leave", use: leave)
        return routes
    }

    /// The tickets page's waitlist section, as template values (empty when the person waits for nothing).
    func section(account: Account, site: PageSite) async throws -> [String: Any] {
        let (places, offers) = try await desk.mine(account: account)
        guard !places.isEmpty || !offers.isEmpty else { return [:] }
        let messages = site.messages
        let now = desk.clock.now()
        return try readers.read { database in
            var events: [UInt32: Event] = [:]
            func event(_ id: UInt32) throws -> Event? {
                if let known = events[id] { return known }
                events[id] = try EventRepository.event(id: id, in: database)
                return events[id]
            }
            func className(_ event: Event?, _ ticketClass: UInt16) -> String {
                event?.classes.first { $0.ticketClass == ticketClass }?.name ?? String(ticketClass)
            }
            let offerRows: [[String: Any]] = try offers.map { offer in
                let event = try event(offer.eventID)
                let format = event.map { EventFormatting($0, language: site.language) }
                var row: [String: Any] = [
                    "id": offer.id, "eventName": event?.name ?? "", "className": className(event, offer.ticketClass),
                    "what": offer.seats.map { seats in messages.format("waitlist_offer_seats", ["seats": seats.map(\.label).joined(separator: ", ")]) }
                        ?? (offer.count == 1 ? messages["waitlist_offer_one"] : messages.format("waitlist_offer_count", ["count": String(offer.count)])),
                    "until": messages.format("waitlist_offer_until", ["time": format?.dateTime(offer.expiresAt) ?? ""]),
                ]
                // The time left as the page is drawn; app.js counts it down from there, by the
                // server's clock rather than the phone's, which may be minutes off.
                row["expiresAt"] = offer.expiresAt
                row["now"] = now
                row["left"] = messages.format("waitlist_countdown", ["time": Self.minutesAndSeconds(offer.expiresAt - now)])
                return row
            }
            let placeRows: [[String: Any]] = try places.filter { $0.entry.status == .waiting }.map { place in
                let event = try event(place.entry.eventID)
                return [
                    "id": place.entry.id, "eventName": event?.name ?? "", "className": className(event, place.entry.ticketClass),
                    "count": place.entry.count,
                    "place": messages.format("waitlist_place", ["position": String(place.position ?? 0)]),
                ]
            }
            return ["hasWaitlist": true, "offers": offerRows, "places": placeRows]
        }
    }

    /// "29:05": what is left of an offer, as the countdown shows it (never below zero).
    static func minutesAndSeconds(_ seconds: Int64) -> String {
        let seconds = max(0, seconds)
        let rest = seconds % 60
        return "\(seconds / 60):\(rest < 10 ? "0" : "")\(rest)"
    }

    @Sendable func accept(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        _ = try await kit.submittedForm(request, context: context)
        do {
            let result = try await desk.accept(offerID: try WaitlistController.offerID(context), account: account)
            return PageKit.redirect(to: "/tickets?booked=\(result.bookingID)")
        } catch WaitlistError.offerExpired {
            throw PageError(.gone, "waitlist_offer_gone")
        }
    }

    @Sendable func decline(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        _ = try await kit.submittedForm(request, context: context)
        do {
            _ = try await desk.decline(offerID: try WaitlistController.offerID(context), account: account)
        } catch WaitlistError.offerExpired {
            throw PageError(.gone, "waitlist_offer_gone")
        }
        return PageKit.redirect(to: "/tickets#waitlist")
    }

    @Sendable func leave(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        _ = try await kit.submittedForm(request, context: context)
        guard let entryID = context.parameters.get("entryID", as: Int64.self) else { throw PageError(.notFound, "error_not_found") }
        try await desk.leave(entryID: entryID, account: account)
        return PageKit.redirect(to: "/tickets#waitlist")
    }
}
