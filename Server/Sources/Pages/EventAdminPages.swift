import Foundation
import Hummingbird
import MultipartKit
import Shared

/// Organisers' events: the list, creating and editing an event, adding classes, opening and
/// closing the sale, and uploading the seat map as CSV. Staff see the list (with the ticket
/// search and the dashboard) but not the editing; attendees see none of it.
struct EventAdminPages {
    let readers: DatabaseReaders
    let editor: EventEditor
    let queue: QueueDesk
    let clock: ServerClock
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("manage", use: list)
        routes.get("manage/events/new", use: newForm)
        routes.post("manage/events", use: create)
        routes.get("manage/events/:eventID", use: editForm)
        routes.post("manage/events/:eventID", use: update)
        routes.post("manage/events/:eventID/classes", use: addClass)
        routes.post("manage/events/:eventID/sale", use: setSale)
        routes.post("manage/events/:eventID/seatmap", use: uploadSeatMap)
        routes.post("manage/events/:eventID/pause", use: pause)
        routes.post("manage/events/:eventID/resume", use: resume)
        return routes
    }

    /// Pauses the sale with the notice typed in either language or both.
    @Sendable func pause(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let id = try EventController.eventID(context)
        func blankIsNil(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        do {
            _ = try await queue.pause(eventID: id, notice: try SaleNotice.validated(ko: blankIsNil(fields["notice_ko"]), en: blankIsNil(fields["notice_en"])))
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            let event = try readers.read { try EventRepository.existing(id: id, in: $0) }
            return eventPage(event, form: EventForm(event).values(), notice: refusal.sentence, site: site)
        }
        return PageKit.redirect(to: "/manage/events/\(id)?saved=1")
    }

    @Sendable func resume(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        _ = try await kit.submittedForm(request, context: context)
        let id = try EventController.eventID(context)
        do {
            _ = try await queue.resume(eventID: id, at: nil)
        } catch EventError.notPaused {}  // a second click: it is running already
        return PageKit.redirect(to: "/manage/events/\(id)?saved=1")
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let site = kit.site(request, context: context)
        let now = clock.now()
        let events = try readers.read { try EventRepository.events(in: $0) }
        let items: [[String: Any]] = events.map { event in
            let format = EventFormatting(event, language: site.language)
            let sale = SaleState(event, now: now)
            return [
                "id": event.id, "name": event.name, "starts": format.dateTime(event.startsAt), "saleState": sale.cssClass,
                "saleText": sale.sentence(event, format, site.messages), "past": event.endsAt <= now,
            ]
        }
        return kit.render("manage", title: site.messages["manage_title"], values: ["events": items], site: site)
    }

    @Sendable func newForm(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let site = kit.site(request, context: context)
        let day: Int64 = 86_400
        let start = (clock.now() / day + 30) * day + 9 * 3600
        let draft = EventForm(
            name: "", venue: "", timeZone: "Asia/Seoul", currency: "KRW", startsAt: start, endsAt: start + 4 * 3600,
            gatesOpenAt: start - 3600, saleOpensAt: clock.now(), saleClosesAt: start, perPersonLimit: 4)
        return eventPage(nil, form: draft.values(), site: site)
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, site) = try await kit.submittedForm(request, context: context)
        do {
            let event = try await editor.create(try EventForm.input(from: fields))
            return PageKit.redirect(to: "/manage/events/\(event.id)?saved=1")
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            return eventPage(nil, form: EventForm.echo(fields), error: refusal, site: site)
        }
    }

    @Sendable func editForm(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let site = kit.site(request, context: context)
        let event = try readers.read { try EventRepository.existing(id: try EventController.eventID(context), in: $0) }
        var notice: String?
        if let saved = request.uri.queryParameters["saved"] {
            notice = saved == "seats" ? site.messages.format("admin_seats_saved", ["count": String(request.uri.queryParameters["count"] ?? "0")])
                : site.messages["admin_saved"]
        }
        return eventPage(event, form: EventForm(event).values(), notice: notice, site: site)
    }

    @Sendable func update(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let id = try EventController.eventID(context)
        let event = try readers.read { try EventRepository.existing(id: id, in: $0) }
        do {
            _ = try await editor.update(try EventForm.input(from: fields), id: id)
            return PageKit.redirect(to: "/manage/events/\(id)?saved=1")
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            return eventPage(event, form: EventForm.echo(fields), error: refusal, site: site)
        }
    }

    @Sendable func addClass(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let id = try EventController.eventID(context)
        let event = try readers.read { try EventRepository.existing(id: id, in: $0) }
        do {
            guard let number = try fields.integer("ticket_class") else { throw InputError.classNumber }
            let generalAdmission = fields["kind"] == "general"
            let capacity = generalAdmission ? Int(try fields.integer("capacity") ?? -1) : nil
            let price = try Self.minorUnits(fields["price"] ?? "", currency: event.currency)
            let input = ClassInput(ticketClass: Int(number), name: fields["class_name"] ?? "", priceCents: price, capacity: capacity)
            _ = try await editor.addClass(input, eventID: id)
            return PageKit.redirect(to: "/manage/events/\(id)?saved=1")
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            return eventPage(event, form: EventForm(event).values(), classError: refusal, classForm: fields, site: site)
        }
    }

    @Sendable func setSale(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, _) = try await kit.submittedForm(request, context: context)
        let id = try EventController.eventID(context)
        _ = try await editor.setSale(open: fields["action"] == "open", id: id)
        return PageKit.redirect(to: "/manage/events/\(id)?saved=1")
    }

    /// A CSV file from a form (`multipart/form-data`), or CSV pasted into the text box. A bad
    /// file imports nothing and the page lists every bad line by number.
    @Sendable func uploadSeatMap(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let id = try EventController.eventID(context)
        let fields = try await Self.multipartFields(request, context: context)
        try kit.forms.check(fields, request: request, context: context)
        let site = kit.site(request, context: context)
        let event = try readers.read { try EventRepository.existing(id: id, in: $0) }
        let file = fields["seatmap"] ?? ""
        let csv = file.isEmpty ? (fields["csv"] ?? "") : file
        do {
            guard !csv.isEmpty else { throw InputError.seatMap(lines: []) }
            let count = try await editor.replaceSeatMap(csv: csv, eventID: id)
            return PageKit.redirect(to: "/manage/events/\(id)?saved=seats&count=\(count)")
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            return eventPage(event, form: EventForm(event).values(), seatError: refusal, site: site)
        }
    }

    private func eventPage(
        _ event: Event?, form: [String: Any], error: FormRefusal? = nil, classError: FormRefusal? = nil, classForm: FormFields? = nil,
        seatError: FormRefusal? = nil, notice: String? = nil, site: PageSite
    ) -> Response {
        let messages = site.messages
        var values = form
        values["isNew"] = event == nil
        values["action"] = event.map { "/manage/events/\($0.id)" } ?? "/manage/events"
        if let error {
            values["error"] = error.sentence
            values["errorField_\(Self.field(of: error.code))"] = true
        }
        if let notice { values["notice"] = notice }
        if let event {
            let format = EventFormatting(event, language: site.language)
            let sale = SaleState(event, now: clock.now())
            values["event"] = ["id": event.id, "name": event.name]
            values["saleText"] = sale.sentence(event, format, messages)
            values["saleState"] = sale.cssClass
            values["saleOpen"] = sale == .open
            // Drawn with the page, then fetched again every few seconds (a failed read here
            // leaves the card to the next fetch rather than the page to an error).
            values["saleFigures"] = try? readers.read { try SaleFigures.values(event, language: site.language, now: clock.now(), in: $0) }
            if let pause = event.pause, pause.isActive(at: clock.now()) {
                values["pausedText"] = messages.format(
                    "manage_paused_since", ["time": format.dateTime(pause.pausedAt), "notice": pause.notice.text(site.language)])
            }
            values["classes"] = event.classes.map { item -> [String: Any] in
                [
                    "number": item.ticketClass, "name": item.name, "price": format.price(item.priceCents),
                    "kind": item.capacity == nil ? messages["admin_kind_seated"] : messages.format("admin_kind_general", ["capacity": String(item.capacity!)]),
                    "sold": item.sold,
                ]
            }
            values["nextClass"] = (event.classes.map(\.ticketClass).max().map { Int($0) + 1 }) ?? 1
            values["currencyCode"] = event.currency
            if let classError {
                values["classError"] = classError.sentence
                values["className"] = classForm?["class_name"] ?? ""
                values["classPrice"] = classForm?["price"] ?? ""
                values["classCapacity"] = classForm?["capacity"] ?? ""
            }
            if let seatError { values["seatError"] = seatError.sentence }
        }
        let title = event.map { messages.format("admin_edit_title", ["event": $0.name]) } ?? messages["admin_new_title"]
        let status: HTTPResponse.Status = (error ?? classError ?? seatError)?.status ?? .ok
        return kit.render("manage-event", title: title, values: values, site: site, status: status)
    }

    static func field(of code: String) -> String {
        switch code {
        case "invalid_name": "name"
        case "invalid_venue": "venue"
        case "invalid_limit": "limit"
        case "invalid_time_zone": "zone"
        case "invalid_currency": "currency"
        case "invalid_waiting_room": "room"
        case "invalid_offer_minutes": "offerMinutes"
        default: "times"
        }
    }

    /// A price typed as the currency is written ("45000", "45.50") in its minor unit.
    static func minorUnits(_ text: String, currency: String) throws -> Int {
        let cleaned = text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return 0 }
        guard let amount = Decimal(string: cleaned, locale: Locale(identifier: "en_US_POSIX")), amount >= 0 else {
            throw APIError(.unprocessableContent, "invalid_price", "price must be a number")
        }
        var minor = amount
        for _ in 0..<EventFormatting.minorDigits(currency) { minor *= 10 }
        guard minor <= 100_000_000 else {
            throw APIError(.unprocessableContent, "invalid_price", "price must be 0 to 100000000 minor units")
        }
        let whole = NSDecimalNumber(decimal: minor).intValue
        guard Decimal(whole) == minor else {
            throw APIError(.unprocessableContent, "invalid_price", "price must be 0 to 100000000 minor units")
        }
        return whole
    }

    static func multipartFields(_ request: Request, context: AppRequestContext) async throws -> FormFields {
        guard request.mediaType == "multipart/form-data",
            let boundary = request.headers[.contentType]?.split(separator: ";").compactMap({ part -> String? in
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard pair.lowercased().hasPrefix("boundary=") else { return nil }
                return String(pair.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }).first
        else { throw PageError(.unsupportedMediaType, "error_bad_form") }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let parser = MultipartParser(boundary: boundary)
        var pairs: [(name: String, value: String)] = []
        var name: String?
        var bytes: [UInt8] = []
        var failed = false
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            name = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("name=") }.map { String($0.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        parser.onBody = { chunk in bytes += chunk.readableBytesView }
        parser.onPartComplete = {
            if let name {
                if let text = String(validating: bytes, as: UTF8.self) { pairs.append((name, text)) } else { failed = true }
            }
            name = nil
            bytes = []
        }
        do { try parser.execute(body) } catch { throw PageError(.badRequest, "error_bad_form") }
        if failed { throw PageError(.unprocessableContent, "admin_seat_map_not_text") }
        return FormFields(pairs: pairs)
    }
}

/// An event's details as the organisers' form shows them: times in the event's own zone.
struct EventForm {
    var name: String
    var venue: String
    var timeZone: String
    var currency: String
    var startsAt: Int64
    var endsAt: Int64
    var gatesOpenAt: Int64
    var saleOpensAt: Int64
    var saleClosesAt: Int64
    var perPersonLimit: Int
    var waitingRoom: WaitingRoomSettings?
    /// How long a waitlist offer is held.
    var offerMinutes = 30

    init(
        name: String, venue: String, timeZone: String, currency: String, startsAt: Int64, endsAt: Int64, gatesOpenAt: Int64, saleOpensAt: Int64,
        saleClosesAt: Int64, perPersonLimit: Int, waitingRoom: WaitingRoomSettings? = nil
    ) {
        (self.name, self.venue, self.timeZone, self.currency) = (name, venue, timeZone, currency)
        (self.startsAt, self.endsAt, self.gatesOpenAt, self.saleOpensAt, self.saleClosesAt) = (startsAt, endsAt, gatesOpenAt, saleOpensAt, saleClosesAt)
        self.perPersonLimit = perPersonLimit
        self.waitingRoom = waitingRoom
    }

    init(_ event: Event) {
        self.init(
            name: event.name, venue: event.venue, timeZone: event.timeZone, currency: event.currency, startsAt: event.startsAt,
            endsAt: event.endsAt, gatesOpenAt: event.gatesOpenAt, saleOpensAt: event.saleOpensAt, saleClosesAt: event.saleClosesAt,
            perPersonLimit: event.perPersonLimit, waitingRoom: event.waitingRoom)
        offerMinutes = event.offerMinutes
    }

    func values() -> [String: Any] {
        func local(_ unix: Int64) -> String {
            EventFormatting.inputValue(unix, timeZone: timeZone)
        }
        return [
            "name": name, "venue": venue, "timeZone": timeZone, "currency": currency, "startsAt": local(startsAt), "endsAt": local(endsAt),
            "gatesOpenAt": local(gatesOpenAt), "saleOpensAt": local(saleOpensAt), "saleClosesAt": local(saleClosesAt), "limit": perPersonLimit,
            "roomOpensAt": waitingRoom.map { local($0.opensAt) } ?? "",
            "roomBuyers": waitingRoom?.activeBuyers ?? WaitingRoomSettings.defaultActiveBuyers,
            "roomTurnMinutes": (waitingRoom?.turnSeconds ?? WaitingRoomSettings.defaultTurnSeconds) / 60,
            "offerMinutes": offerMinutes,
        ]
    }

    /// What was typed, shown again after a refusal.
    static func echo(_ fields: FormFields) -> [String: Any] {
        var values: [String: Any] = [:]
        for (key, field) in [
            ("name", "name"), ("venue", "venue"), ("timeZone", "time_zone"), ("currency", "currency"), ("startsAt", "starts_at"),
            ("endsAt", "ends_at"), ("gatesOpenAt", "gates_open_at"), ("saleOpensAt", "sale_opens_at"), ("saleClosesAt", "sale_closes_at"),
            ("limit", "per_person_limit"), ("roomOpensAt", "room_opens_at"), ("roomBuyers", "room_buyers"),
            ("roomTurnMinutes", "room_turn_minutes"), ("offerMinutes", "offer_minutes"),
        ] { values[key] = fields[field] ?? "" }
        return values
    }

    /// The form as the API's input: the same rules then apply to both.
    static func input(from fields: FormFields) throws -> EventInput {
        let zone = try EventInput.timeZone(fields["time_zone"] ?? "")
        func time(_ name: String) throws -> Int64 {
            guard let text = fields[name], let seconds = EventFormatting.unixSeconds(fromInput: text, timeZone: zone) else {
                throw APIError(.unprocessableContent, "invalid_times", "\(name) is not a date and time")
            }
            return seconds
        }
        guard let limit = try fields.integer("per_person_limit"), let perPerson = Int(exactly: limit) else {
            throw APIError(.unprocessableContent, "invalid_limit", "per_person_limit must be 1 to 100")
        }
        // Left out (an older form), the event keeps what it had; a number out of range is the rules' to refuse.
        let offerMinutes = try fields.integer("offer_minutes").map { Int(clamping: $0) }
        // An empty opening time is no waiting room; the form always says which.
        let room: SettingChange<WaitingRoomInput> =
            if (fields["room_opens_at"] ?? "").isEmpty { .off } else {
                .on(WaitingRoomInput(
                    opensAt: try time("room_opens_at"), activeBuyers: try fields.integer("room_buyers").map { Int(clamping: $0) },
                    turnSeconds: try fields.integer("room_turn_minutes").map { minutes in
                        // Minutes too many to count in seconds are refused by the rules, not wrapped into range.
                        let (seconds, overflow) = minutes.multipliedReportingOverflow(by: 60)
                        return overflow ? Int64.max : seconds
                    }))
            }
        return EventInput(
            name: fields["name"] ?? "", venue: fields["venue"] ?? "", startsAt: try time("starts_at"), endsAt: try time("ends_at"),
            gatesOpenAt: try time("gates_open_at"), saleOpensAt: try time("sale_opens_at"), saleClosesAt: try time("sale_closes_at"),
            perPersonLimit: perPerson, timeZone: zone, currency: fields["currency"] ?? "", classes: nil, waitingRoom: room,
            offerMinutes: offerMinutes)
    }
}

/// A refused organiser form as the page says it: the catalogue's sentence for the refusal's
/// code (never the API's English message), and its status.
struct FormRefusal {
    let code: String
    let sentence: String
    let status: HTTPResponse.Status

    /// nil for an error that is not a refusal of what was typed (it goes to the error page).
    init?(_ error: any Error, _ messages: Messages) {
        let refusal: APIError
        switch error {
        case let error as APIError: refusal = error
        case let error as any APIErrorConvertible: refusal = error.apiError
        default: return nil
        }
        code = refusal.code
        status = refusal.status
        if case InputError.seatMap(let lines)? = error as? InputError {
            sentence = lines.isEmpty
                ? messages["admin_seat_map_missing"]
                : messages.format("admin_invalid_seat_map", ["lines": lines.map { messages.format("admin_seat_map_line", ["line": String($0.line), "problem": $0.problem]) }.joined(separator: "; ")])
        } else {
            sentence = messages.texts["admin_\(code)"] ?? messages["error_bad_form"]
        }
    }
}
