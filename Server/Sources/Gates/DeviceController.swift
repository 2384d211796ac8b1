import Hummingbird
import Shared

/// Organisers' side of the gates: creating a device with its enrollment code, listing devices
/// with their state, revoking one, and the event's attendance (who came in, where, conflicts).
struct DeviceController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let clock: ServerClock
    /// Where gates reach this server, for the enrollment URL; else the request's own host.
    let publicURL: String?

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("events/:eventID/devices", use: create)
        routes.get("events/:eventID/devices", use: list)
        routes.post("devices/:deviceID/revoke", use: revoke)
        routes.get("events/:eventID/attendance", use: attendance)
        return routes
    }

    struct DeviceRequest: Decodable {
        let name: String
        let direction: Device.Direction
        let classes: [Int]?
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<NewDeviceResponse> {
        _ = try context.require(.organiser)
        let eventID = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: DeviceRequest.self, context: context)
        let classes = try body.classes.map { numbers in
            guard !numbers.isEmpty, numbers.count <= 64 else {
                throw APIError(.unprocessableContent, "invalid_classes", "classes lists 1 to 64 ticket class numbers, or is left out for all")
            }
            return try numbers.map { number in
                guard let ticketClass = UInt16(exactly: number) else {
                    throw APIError(.unprocessableContent, "invalid_classes", "a ticket class number is 0 to 65535, not \(number)")
                }
                return ticketClass
            }
        }
        let new = DeviceRepository.NewDevice(
            name: try InputRules.text(body.name, field: "name", maxBytes: 40), direction: body.direction, classes: classes)
        let code = DeviceSecrets.newEnrollmentCode()
        let now = clock.now()
        let device = try await writer.write { try DeviceRepository.create(new, eventID: eventID, code: code, now: now, in: $0) }
        return EditedResponse(
            status: .created,
            response: NewDeviceResponse(
                device: DeviceResponse(device, now: now), enrollmentCode: code, enrollmentURL: enrollmentURL(code: code, request: request),
                enrollmentExpiresAt: device.enrollmentExpiresAt))
    }

    @Sendable func list(request: Request, context: AppRequestContext) async throws -> DeviceListResponse {
        _ = try context.require(.staff)
        let eventID = try EventController.eventID(context)
        let now = clock.now()
        let devices = try readers.read { database in
            _ = try EventRepository.existing(id: eventID, in: database)
            return try DeviceRepository.devices(eventID: eventID, in: database)
        }
        return DeviceListResponse(devices: devices.map { DeviceResponse($0, now: now) })
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> DeviceResponse {
        _ = try context.require(.organiser)
        guard let id = context.parameters.get("deviceID", as: Int64.self), id > 0 else { throw DeviceError.deviceNotFound }
        let now = clock.now()
        return DeviceResponse(try await writer.write { try DeviceRepository.revoke(id: id, now: now, in: $0) }, now: now)
    }

    @Sendable func attendance(request: Request, context: AppRequestContext) async throws -> AttendanceResponse {
        _ = try context.require(.staff)
        let eventID = try EventController.eventID(context)
        return try readers.read { database in
            _ = try EventRepository.existing(id: eventID, in: database)
            return try Attendance.report(eventID: eventID, in: database)
        }
    }

    /// A URL a gate's camera could read from a QR code: the server and the code in one.
    private func enrollmentURL(code: String, request: Request) -> String {
        let base = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://\(request.head.authority ?? "localhost")"
        return "\(base)/gate/enroll?code=\(code)"
    }
}
