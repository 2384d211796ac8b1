import HTTPTypes
import Hummingbird
import Shared

/// The attendees' side of events: the list of events, an event's page with its seat map, the
/// poll that keeps the seat map fresh, and booking from it.
struct EventPages {
    let readers: DatabaseReaders
    let seatMaps: SeatMapCache
    let desk: BookingDesk
    let queue: QueueDesk
    let waitlist: WaitlistDesk
    let clock: ServerClock
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("", use: home)
        routes.get("events/:eventID", use: event)
        routes.get("events/:eventID/seats", use: seats)
        routes.post("events/:eventID/book", use: book)
        routes.post("events/:eventID/queue", use: joinLine)
        routes.get("events/:eventID/queue", use: waitingPage)
        routes.post("events/:eventID/queue/leave", use: leaveLine)
        routes.post("events/:eventID/waitlist", use: joinWaitlist)
        return routes
    }

    /// Joins the waiting room's line from the event page's button.
    @Sendable func joinLine(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        _ = try await kit.submittedForm(request, context: context)
        let eventID = try EventController.eventID(context)
        do {
            _ = try await queue.join(eventID: eventID, account: account)
        } catch EventError.waitingRoomNotOpen {
            return PageKit.redirect(to: "/events/\(eventID)")
        }
        return PageKit.redirect(to: "/events/\(eventID)/queue")
    }

    /// Joins a sold-out class's waitlist from the event page; the person's places and offers are
    /// on My tickets.
    @Sendable func joinWaitlist(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (fields, _) = try await kit.submittedForm(request, context: context)
        let eventID = try EventController.eventID(context)
        guard let ticketClass = fields["ticket_class"].flatMap(UInt16.init) else { throw PageError(.unprocessableContent, "error_bad_form") }
        let request = Waitlists.Request(
            ticketClass: ticketClass, count: fields["count"].flatMap { Int($0) } ?? 1, acceptFewer: fields["accept_fewer"] == "1")
        do {
            _ = try await waitlist.join(request, eventID: eventID, account: account)
        } catch WaitlistError.notSoldOut {
            throw PageError(.conflict, "waitlist_not_sold_out")
        }
        return PageKit.redirect(to: "/tickets#waitlist")
    }

    /// "I have what I wanted": ends the person's turn (or their wait) from the event page's or
    /// the waiting page's button, so the next in line need not wait for the turn to run out.
    @Sendable func leaveLine(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        _ = try await kit.submittedForm(request, context: context)
        let eventID = try EventController.eventID(context)
        _ = try await queue.leave(eventID: eventID, account: account)
        return PageKit.redirect(to: "/events/\(eventID)/queue")
    }

    /// The waiting page: the entry number, the draw, the place and the wait. It refreshes itself
    /// (a `Refresh` header, so no script is needed) every 10 to 20 seconds, drawn at random so a
    /// room full of pages does not ask in step, and sends its reader to the booking form when
    /// their turn comes.
    @Sendable func waitingPage(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let site = kit.site(request, context: context)
        let eventID = try EventController.eventID(context)
        let messages = site.messages
        guard let place = try await queue.place(eventID: eventID, account: account) else {
            return PageKit.redirect(to: "/events/\(eventID)")
        }
        if place.entry.status == .turn { return PageKit.redirect(to: "/events/\(eventID)#book") }
        let event = try readers.read { try EventRepository.existing(id: eventID, in: $0) }
        let format = EventFormatting(event, language: site.language)
        let status: String =
            switch place.entry.status {
            case .waiting, .turn: messages["queue_status_waiting"]
            case .expired: messages["queue_status_expired"]
            case .done: messages["queue_status_done"]
            case .soldOut: messages["queue_status_sold_out"]
            }
        var values: [String: Any] = [
            "eventID": eventID, "eventName": event.name, "number": place.entry.number, "statusText": status,
            "drawText": place.drawn ? messages["queue_drawn"] : messages.format("queue_not_drawn", ["time": format.dateTime(event.saleOpensAt)]),
            "refreshes": place.entry.status == .waiting,
        ]
        if let pause = event.pause, pause.isActive(at: clock.now()) { values["notice"] = pause.notice.text(site.language) }
        if let position = place.position {
            values["position"] = position
            values["ahead"] = position - 1
            values["wait"] = messages.format("queue_minutes", ["minutes": String(((place.estimatedWaitSeconds ?? 0) + 59) / 60)])
        }
        var response = kit.render("queue", title: messages["queue_title"], values: values, site: site)
        if place.entry.status == .waiting { response.headers[Self.refresh] = String(Int.random(in: 10...20)) }
        return response
    }

    private static let refresh = HTTPField.Name("Refresh")!

    @Sendable func home(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        let now = clock.now()
        let events = try readers.read { try EventRepository.events(in: $0) }.filter { $0.endsAt > now }
        let items: [[String: Any]] = events.map { event in
            let format = EventFormatting(event, language: site.language)
            let sale = SaleState(event, now: now)
            return [
                "id": event.id, "name": event.name, "venue": event.venue, "starts": format.dateTime(event.startsAt),
                "startsISO": format.isoDateTime(event.startsAt), "saleState": sale.cssClass, "saleText": sale.sentence(event, format, site.messages),
            ]
        }
        return kit.render("home", title: site.messages["home_title"], values: ["events": items], site: site)
    }

    @Sendable func event(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        return try eventPage(try EventController.eventID(context), site: site)
    }

    /// What the event page polls: what is left per class and which seats are taken, with an
    /// ETag, so a poll that finds nothing new costs a 304 and no query.
    @Sendable func seats(request: Request, context: AppRequestContext) async throws -> Response {
        if let account = context.account { try desk.throttles.beginPoll(accountID: account.id) }
        let entry = try seatMaps.entry(eventID: try EventController.eventID(context))
        var headers: HTTPFields = [.eTag: entry.etag, .cacheControl: "no-cache"]
        if request.headers[.ifNoneMatch] == entry.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: entry.pollJSON)))
    }

    /// Books the seats ticked on the seat map, or a number of general-admission tickets. "Booked"
    /// is shown only after the commit (a redirect to My tickets); a refusal shows the event page
    /// again with the sentence beside what caused it and the choices kept.
    @Sendable func book(request: Request, context: AppRequestContext) async throws -> Response {
        let account = try context.requireAccount()
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let eventID = try EventController.eventID(context)
        let key = try BookingController.idempotencyKey(header: nil, field: fields["idempotency_key"])
        let gaClass = try fields.integer("ticket_class")
        let seatIDs = try fields.all("seat").map { text -> Int64 in
            guard let id = Int64(text) else { throw PageError(.unprocessableContent, "error_bad_form") }
            return id
        }
        let order: BookingOrder
        if let gaClass {
            guard let ticketClass = UInt16(exactly: gaClass) else { throw PageError(.unprocessableContent, "error_bad_form") }
            let count = Int(try fields.integer("count") ?? 0)
            guard (1...BookingOrder.maxTickets).contains(count) else {
                let refusal = BookingRefusal(place: .generalAdmission(ticketClass), message: site.messages["book_pick_count"])
                return try eventPage(eventID, site: site, refusal: refusal, counts: [ticketClass: count], status: .unprocessableContent)
            }
            order = .generalAdmission(ticketClass: ticketClass, count: count)
        } else {
            guard !seatIDs.isEmpty else {
                let refusal = BookingRefusal(place: .seats, message: site.messages["book_pick_seats"])
                return try eventPage(eventID, site: site, refusal: refusal, status: .unprocessableContent)
            }
            guard seatIDs.count <= BookingOrder.maxTickets else { throw PageError(.unprocessableContent, "error_bad_form") }
            order = .seats(seatIDs, ticketClass: nil)
        }
        do {
            let result = try await desk.book(order, eventID: eventID, account: account, idempotencyKey: key)
            return PageKit.redirect(to: "/tickets?booked=\(result.bookingID)")
        } catch let error as BookingError {
            if error == .eventNotFound { throw PageError(.notFound, "error_not_found") }
            let refusal = BookingRefusal(error, order: order, messages: site.messages)
            var counts: [UInt16: Int] = [:]
            if case .generalAdmission(let ticketClass, let count) = order { counts[ticketClass] = count }
            return try eventPage(
                eventID, site: site, refusal: refusal, ticked: Set(seatIDs), counts: counts, status: error.apiError.status)
        }
    }

    /// The event page; after a refused booking, with the refusal in its place and the choices kept.
    func eventPage(
        _ eventID: UInt32, site: PageSite, refusal: BookingRefusal? = nil, ticked: Set<Int64> = [], counts: [UInt16: Int] = [:],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let messages = site.messages
        let now = clock.now()
        let (event, held, lineEntry, waitlist) = try readers.read { database in
            let event = try EventRepository.existing(id: eventID, in: database)
            let held = try site.account.map { try TicketRepository.liveCount(accountID: $0.id, eventID: eventID, in: database) } ?? 0
            let entry = try site.account.flatMap { try WaitingRooms.entry(eventID: eventID, accountID: $0.id, in: database) }
            return (event, held, entry, try WaitlistView(eventID: eventID, account: site.account, in: database))
        }
        let entry = try seatMaps.entry(eventID: eventID)
        let availability = entry.availability
        let format = EventFormatting(event, language: site.language)
        let sale = SaleState(event, now: now)
        let room = max(0, event.perPersonLimit - held)
        let paused = event.pause.map { $0.isActive(at: now) } ?? false
        // With a waiting room, only a turn books; without one, anyone signed in may.
        let hasTurn = lineEntry.map { $0.status == .turn && ($0.turnEndsAt ?? 0) > now } ?? false
        let canBook = site.account != nil && sale == .open && room > 0 && !paused && (event.waitingRoom == nil || hasTurn)
        let shapes = SeatMapDrawing.shapeNumbers(availability.classes)
        let hasSeats = !availability.seats.isEmpty
        let priceOf = Dictionary(uniqueKeysWithValues: event.classes.map { ($0.ticketClass, $0.priceCents) })

        let classes: [[String: Any]] = availability.classes.map { item in
            var row: [String: Any] = [
                "number": item.ticketClass, "name": item.name, "price": format.price(priceOf[item.ticketClass] ?? 0),
                "priceMinor": priceOf[item.ticketClass] ?? 0, "left": leftText(item, messages), "soldOut": item.remaining == 0,
                "total": item.total,
            ]
            if let shape = shapes[item.ticketClass], hasSeats { row["seated"] = true; row["shape"] = shape }
            return row
        }
        let bookingKey = Base64URL.encode(SecureRandom.bytes(count: 12))
        let gaClasses: [[String: Any]] = availability.classes.filter(\.generalAdmission).map { item in
            var values: [String: Any] = [
                "number": item.ticketClass, "name": item.name, "price": format.price(priceOf[item.ticketClass] ?? 0),
                "left": leftText(item, messages), "total": item.total, "eventID": eventID, "csrf": site.formToken, "key": "\(bookingKey)-ga\(item.ticketClass)",
                "max": max(1, min(room, item.remaining, BookingOrder.maxTickets)), "count": counts[item.ticketClass] ?? 1,
                "canBook": canBook && item.remaining > 0, "howMany": messages["event_how_many"],
                "bookLabel": messages.format("event_book_class", ["class": item.name]),
            ]
            if case .generalAdmission(item.ticketClass) = refusal?.place { values["error"] = refusal?.message }
            return values
        }
        let freeTicked = Set(availability.seats.filter { $0.free && ticked.contains($0.id) }.map(\.id))
        var values: [String: Any] = [
            "event": [
                "id": event.id, "name": event.name, "venue": event.venue, "starts": format.dateTime(event.startsAt),
                "startsISO": format.isoDateTime(event.startsAt), "endsTime": format.time(event.endsAt),
                "gatesOpen": format.time(event.gatesOpenAt),
            ],
            "zoneNote": messages.format("event_zone_note", ["zone": event.timeZone]),
            "saleState": sale.cssClass, "saleText": sale.sentence(event, format, messages),
            "classes": classes, "gaClasses": gaClasses, "hasSeats": hasSeats, "canBook": canBook,
            // The seat map as drawn for everyone is sent as deflated once; one with a refused
            // booking's choices ticked is this person's own.
            "seatMap": freeTicked.isEmpty ? PageKit.SharedPart.marker : SeatMapDrawing.ticking(freeTicked, in: entry.fragments[site.language] ?? ""),
            "seatKey": "\(bookingKey)-seats", "here": PageKit.percentEncoded("/events/\(eventID)"),
            "currency": "\(event.currency):\(EventFormatting.minorDigits(event.currency))", "room": room,
        ]
        if paused, let pause = event.pause { values["pauseNotice"] = pause.notice.text(site.language) }
        // A sold-out class's waitlist: its length, and a way in (or the person's place in it).
        let soldOut = availability.classes.filter { $0.remaining == 0 }
        if sale != .closed, !soldOut.isEmpty {
            values["hasWaitlists"] = true
            values["waitlists"] = soldOut.map { item -> [String: Any] in
                var line: [String: Any] = [
                    "number": item.ticketClass, "name": item.name,
                    "waiting": messages.format("waitlist_waiting", ["count": String(waitlist.waiting[item.ticketClass, default: 0])]),
                ]
                if let position = waitlist.mine[item.ticketClass] {
                    line["place"] = position.map { messages.format("waitlist_place", ["position": String($0)]) } ?? messages["waitlist_offered"]
                } else if site.account != nil, room > 0 {
                    line["canJoin"] = true
                    line["counts"] = (1...min(room, 10)).map { ["n": $0] }
                }
                return line
            }
        }
        if let waitingRoom = event.waitingRoom {
            var roomValues: [String: Any] = ["opens": format.dateTime(waitingRoom.opensAt), "note": messages["event_room_note"]]
            if site.account != nil, sale != .closed, now >= waitingRoom.opensAt {
                if hasTurn, let ends = lineEntry?.turnEndsAt {
                    roomValues["turnText"] = messages.format("event_room_turn", ["time": format.time(ends)])
                    roomValues["canLeave"] = true
                } else if lineEntry == nil {
                    roomValues["canJoin"] = true
                } else {
                    roomValues["inLine"] = true
                }
            }
            values["waitingRoom"] = roomValues
        }
        if site.account != nil {
            values["limitText"] = room > 0
                ? messages.format("event_limit", ["limit": String(event.perPersonLimit), "held": String(held), "room": String(room)])
                : messages.format("event_limit_reached", ["limit": String(event.perPersonLimit)])
        }
        switch refusal?.place {
        case .top?: values["topError"] = refusal?.message
        case .seats?: values["seatError"] = refusal?.message
        default: break
        }
        let shared = entry.fragments[site.language].flatMap { html in
            entry.deflated[site.language].map { PageKit.SharedPart(html: html, deflated: $0) }
        }
        return kit.render("event", title: event.name, values: values, site: site, status: status, shared: freeTicked.isEmpty ? shared : nil)
    }

    private func leftText(_ item: Availability.Class, _ messages: Messages) -> String {
        item.remaining == 0
            ? messages["event_sold_out"] : messages.format("event_left_of", ["left": String(item.remaining), "total": String(item.total)])
    }
}

/// Where a sale stands at a moment.
enum SaleState: Equatable {
    case notYet, open, closed

    init(_ event: Event, now: Int64) {
        self = now < event.saleOpensAt ? .notYet : now < event.saleClosesAt ? .open : .closed
    }

    var cssClass: String {
        switch self {
        case .notYet: "sale-soon"
        case .open: "sale-open"
        case .closed: "sale-closed"
        }
    }

    func sentence(_ event: Event, _ format: EventFormatting, _ messages: Messages) -> String {
        switch self {
        case .notYet: messages.format("sale_opens_at", ["time": format.dateTime(event.saleOpensAt)])
        case .open: messages.format("sale_open_until", ["time": format.dateTime(event.saleClosesAt)])
        case .closed: messages["sale_closed"]
        }
    }
}

/// A refused booking as the page shows it: the sentence, and which part of the page it belongs to.
struct BookingRefusal {
    enum Place: Equatable {
        case top, seats, generalAdmission(UInt16)
    }

    let place: Place
    let message: String

    init(place: Place, message: String) {
        self.place = place
        self.message = message
    }

    init(_ error: BookingError, order: BookingOrder, messages: Messages) {
        let formPlace: Place = if case .generalAdmission(let ticketClass, _) = order { .generalAdmission(ticketClass) } else { .seats }
        switch error {
        case .saleNotOpen, .saleClosed, .salesPaused, .notYourTurn: place = .top
        default: place = formPlace
        }
        message = switch error {
        case .eventNotFound: messages["error_not_found"]
        case .saleNotOpen: messages["book_sale_not_open"]
        case .saleClosed: messages["book_sale_closed"]
        case .invalidCount: messages["book_pick_count"]
        case .overLimit(let limit, let held, let asked):
            messages.format("book_over_limit", ["limit": String(limit), "held": String(held), "asked": String(asked)])
        case .seatListedTwice, .seatNotInEvent, .classMismatch, .unknownClass, .classIsSeated: messages["book_seat_gone"]
        case .soldOut(let className, let left):
            left == 0 ? messages.format("book_sold_out", ["class": className])
                : messages.format("book_only_left", ["class": className, "left": String(left)])
        case .seatTaken(let seat): messages.format("book_seat_taken", ["seat": seat])
        case .idempotencyKeyReused: messages["book_reload"]
        case .salesPaused(let notice): messages.format("book_sales_paused", ["notice": notice.text(messages.language)])
        case .notYourTurn(let position):
            position.map { messages.format("book_not_your_turn_position", ["position": String($0)]) } ?? messages["book_not_your_turn"]
        }
    }
}

/// What the event page shows of its waitlists: how many wait per class, and where the reader
/// stands (their place, or nil while an offer is out to them).
struct WaitlistView {
    let waiting: [UInt16: Int]
    let mine: [UInt16: Int?]

    init(eventID: UInt32, account: Account?, in database: some SQLiteQuerying) throws {
        waiting = Dictionary(uniqueKeysWithValues: try database.rows(
            "SELECT ticket_class, COUNT(*) AS n FROM waitlist_entry WHERE event_id = ? AND status = 'waiting' GROUP BY ticket_class", eventID
        ).map { (try $0["ticket_class"] as UInt16, try $0["n"] as Int) })
        var mine: [UInt16: Int?] = [:]
        if let account {
            for entry in try Waitlists.liveEntries(accountID: account.id, in: database) where entry.eventID == eventID {
                mine[entry.ticketClass] = try Waitlists.position(of: entry, in: database)
            }
        }
        self.mine = mine
    }
}
