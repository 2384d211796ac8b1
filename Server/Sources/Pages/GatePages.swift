import Hummingbird
import QRCodes
import Shared

/// Organisers' gates (devices with their enrollment codes, shown large and as a QR code; each
/// device's state; revoking one) and the live dashboard staff watch at the gate tent.
struct GatePages {
    let readers: DatabaseReaders
    let desk: GateDesk
    let clock: ServerClock
    let publicURL: String?
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("manage/events/:eventID/gates", use: list)
        routes.post("manage/events/:eventID/gates", use: create)
        routes.get("manage/devices/:deviceID/revoke", use: revokeForm)
        routes.post("manage/devices/:deviceID/revoke", use: revoke)
        routes.get("manage/events/:eventID/dashboard", use: dashboard)
        routes.get("manage/events/:eventID/dashboard/figures", use: figures)
        routes.get("manage/events/:eventID/sale", use: saleFigures)
        return routes
    }

    /// The sale as it goes, for the organiser's event page, which fetches it every few seconds.
    @Sendable func saleFigures(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let site = kit.site(request, context: context)
        let eventID = try EventController.eventID(context)
        var root = try readers.read { database in
            try SaleFigures.values(try EventRepository.existing(id: eventID, in: database), language: site.language, now: clock.now(), in: database)
        }
        root["t"] = site.messages.forTemplates
        return kit.htmlResponse(PageKit.library.render(root, withTemplate: "sale-figures") ?? "", site: site)
    }


    @Sendable func list(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let site = kit.site(request, context: context)
        return try gatesPage(try EventController.eventID(context), site: site, notice: request.uri.queryParameters["revoked"].map { _ in site.messages["gates_revoked"] })
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let eventID = try EventController.eventID(context)
        let classes = try fields.all("class").map { text -> Int in
            guard let number = Int(text) else { throw PageError(.unprocessableContent, "error_bad_form") }
            return number
        }
        let direction: Device.Direction = fields["direction"] == "exit" ? .exit : .entry
        do {
            let (device, code) = try await desk.create(
                name: fields["name"] ?? "", direction: direction, classes: classes.isEmpty ? nil : classes, eventID: eventID)
            let url = DeviceController.enrollmentURL(code: code, publicURL: publicURL, request: request)
            let event = try readers.read { try EventRepository.existing(id: eventID, in: $0) }
            let format = EventFormatting(event, language: site.language)
            let created: [String: Any] = [
                "name": device.name, "code": code, "url": url, "expires": format.dateTime(device.enrollmentExpiresAt),
                "qr": (try? QRRenderer.svg(QRCode(encoding: url, correction: .medium))) ?? "",
                "command": "gate-kiosk enroll --data kiosk-data --server \(url.components(separatedBy: "/gate/enroll").first ?? url) --code \(code)",
            ]
            return try gatesPage(eventID, site: site, created: created, status: .created)
        } catch let error as DeviceError {
            return try gatesPage(eventID, site: site, error: site.messages.format("gates_name_taken", ["name": fields["name"] ?? ""]), name: fields["name"], status: error.apiError.status)
        } catch {
            guard let refusal = FormRefusal(error, site.messages) else { throw error }
            return try gatesPage(eventID, site: site, error: refusal.sentence, name: fields["name"], status: refusal.status)
        }
    }

    @Sendable func revokeForm(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let site = kit.site(request, context: context)
        let device = try self.device(context)
        return kit.render(
            "confirm", title: site.messages["gates_revoke_title"],
            values: [
                "question": site.messages["gates_revoke_question"], "details": device.name, "action": "/manage/devices/\(device.id)/revoke",
                "confirmLabel": site.messages["gates_revoke_confirm"], "danger": true, "back": "/manage/events/\(device.eventID)/gates",
            ], site: site)
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        _ = try await kit.submittedForm(request, context: context)
        let device = try self.device(context)
        _ = try await desk.revoke(id: device.id)
        return PageKit.redirect(to: "/manage/events/\(device.eventID)/gates?revoked=\(device.id)")
    }

    @Sendable func dashboard(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let site = kit.site(request, context: context)
        let eventID = try EventController.eventID(context)
        let (event, values) = try readers.read { database in
            let event = try EventRepository.existing(id: eventID, in: database)
            return (event, try dashboardValues(event, site: site, in: database))
        }
        var page = values
        page["event"] = ["id": event.id, "name": event.name]
        page["figuresURL"] = "/manage/events/\(eventID)/dashboard/figures"
        return kit.render("dashboard", title: site.messages.format("dashboard_title", ["event": event.name]), values: page, site: site)
    }

    /// The dashboard's figures alone, which the page fetches every few seconds and puts in place.
    @Sendable func figures(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.staff)
        let site = kit.site(request, context: context)
        let eventID = try EventController.eventID(context)
        let values = try readers.read { database in
            try dashboardValues(try EventRepository.existing(id: eventID, in: database), site: site, in: database)
        }
        var root = values
        root["t"] = site.messages.forTemplates
        let html = PageKit.library.render(root, withTemplate: "dashboard-figures") ?? ""
        return kit.htmlResponse(html, site: site)
    }

    private func dashboardValues(_ event: Event, site: PageSite, in database: some SQLiteQuerying) throws -> [String: Any] {
        let messages = site.messages
        let format = EventFormatting(event, language: site.language)
        let now = clock.now()
        let report = try Attendance.report(eventID: event.id, in: database)
        let devices = try DeviceRepository.devices(eventID: event.id, in: database)
        let sold = try TicketRepository.liveCount(eventID: event.id, in: database)
        let perMinute = try Attendance.scansPerMinute(eventID: event.id, minutes: 15, now: now, in: database)
        let peak = max(perMinute.max() ?? 0, 1)
        let bars: [[String: Any]] = perMinute.enumerated().map { index, scans in
            let height = scans * 100 / peak
            return ["x": index * 10 + 1, "y": 100 - height, "height": height, "scans": scans]
        }
        let gates: [[String: Any]] = report.gates.map { gate in
            let device = devices.first { $0.id == gate.deviceID }
            return [
                "name": gate.name, "direction": messages["gates_direction_\(gate.direction)"], "admitted": gate.admitted, "exited": gate.exited,
                "rejected": gate.rejected, "offline": gate.offlineScans,
                "state": device.map { stateText($0, now: now, format: format, messages) } ?? "",
                "stateClass": device.map { $0.status == .active && $0.isOnline(now: now) ? "active" : $0.status.rawValue } ?? "",
                "pending": device?.pendingScans ?? 0,
            ]
        }
        let conflicts: [[String: Any]] = report.conflicts.map { conflict in
            [
                "ticket": conflict.ticketID, "kind": messages["dashboard_conflict_\(conflict.kind)"],
                "scans": conflict.scans.map { "\($0.gate) \(format.time($0.at / 1000))" }.joined(separator: ", "),
            ]
        }
        return try SaleFigures.values(event, language: site.language, now: now, in: database).merging([
            "admitted": report.admitted, "inside": report.inside, "sold": sold, "gates": gates, "hasGates": !gates.isEmpty, "bars": bars,
            "lastMinute": perMinute.last ?? 0, "conflicts": conflicts, "conflictCount": conflicts.count, "hasConflicts": !conflicts.isEmpty,
            "updated": format.time(now),
        ]) { _, new in new }
    }

    private func gatesPage(
        _ eventID: UInt32, site: PageSite, created: [String: Any]? = nil, error: String? = nil, name: String? = nil, notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let messages = site.messages
        let now = clock.now()
        let (event, devices) = try readers.read { database in
            (try EventRepository.existing(id: eventID, in: database), try DeviceRepository.devices(eventID: eventID, in: database))
        }
        let format = EventFormatting(event, language: site.language)
        let rows: [[String: Any]] = devices.map { device in
            [
                "id": device.id, "name": device.name, "direction": messages["gates_direction_\(device.direction.rawValue)"],
                "classes": device.classes.map { $0.map(String.init).joined(separator: ", ") } ?? messages["gates_all_classes"],
                "state": stateText(device, now: now, format: format, messages),
                "stateClass": device.status == .active && device.isOnline(now: now) ? "active" : device.status.rawValue,
                "pending": device.pendingScans, "canRevoke": device.status != .revoked,
            ]
        }
        var values: [String: Any] = [
            "event": ["id": event.id, "name": event.name], "devices": rows, "hasDevices": !rows.isEmpty,
            "classes": event.classes.map { ["number": $0.ticketClass, "name": $0.name] }, "name": name ?? "",
        ]
        if let created { values["created"] = created }
        if let error { values["error"] = error }
        if let notice { values["notice"] = notice }
        return kit.render("manage-gates", title: messages.format("gates_title", ["event": event.name]), values: values, site: site, status: status)
    }

    private func stateText(_ device: Device, now: Int64, format: EventFormatting, _ messages: Messages) -> String {
        switch device.status {
        case .pending: return messages["gates_state_pending"]
        case .revoked: return messages["gates_state_revoked"]
        case .active:
            guard let seen = device.lastSeenAt else { return messages["gates_state_never_seen"] }
            let key = device.isOnline(now: now) ? "gates_state_online" : "gates_state_offline"
            return messages.format(key, ["time": format.time(seen)])
        }
    }

    private func device(_ context: AppRequestContext) throws -> Device {
        guard let id = context.parameters.get("deviceID", as: Int64.self), id > 0 else { throw PageError(.notFound, "error_not_found") }
        do { return try readers.read { try DeviceRepository.device(id: id, in: $0) } } catch is DeviceError { throw PageError(.notFound, "error_not_found") }
    }
}
