import GateProtocol
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

    private var desk: GateDesk { GateDesk(writer: writer, clock: clock) }

    struct DeviceRequest: Decodable {
        let name: String
        let direction: Device.Direction
        let classes: [Int]?
    }

    @Sendable func create(request: Request, context: AppRequestContext) async throws -> EditedResponse<NewDeviceResponse> {
        _ = try context.require(.organiser)
        let eventID = try EventController.eventID(context)
        let body = try await request.decodeJSON(as: DeviceRequest.self, context: context)
        let (device, code) = try await desk.create(name: body.name, direction: body.direction, classes: body.classes, eventID: eventID)
        let now = clock.now()
        return EditedResponse(
            status: .created,
            response: NewDeviceResponse(
                device: GateDevice(device, now: now), enrollmentCode: code, enrollmentURL: Self.enrollmentURL(code: code, publicURL: publicURL, request: request),
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
        return DeviceListResponse(devices: devices.map { GateDevice($0, now: now) })
    }

    @Sendable func revoke(request: Request, context: AppRequestContext) async throws -> GateDevice {
        _ = try context.require(.organiser)
        guard let id = context.parameters.get("deviceID", as: Int64.self), id > 0 else { throw DeviceError.deviceNotFound }
        return GateDevice(try await desk.revoke(id: id), now: clock.now())
    }

    @Sendable func attendance(request: Request, context: AppRequestContext) async throws -> AttendanceResponse {
        _ = try context.require(.staff)
        let eventID = try EventController.eventID(context)
        return try readers.read { database in
            _ = try EventRepository.existing(id: eventID, in: database)
            return try Attendance.report(eventID: eventID, in: database)
        }
    }

    /// A URL a gate's camera could read from a QR code: the server and the code in one. From
    /// `--public-url` when set; else from the Host the organiser used, which `HostCheckMiddleware`
    /// has found well formed (checked here again: a URL is never built from anything else).
    static func enrollmentURL(code: String, publicURL: String?, request: Request) -> String {
        let requested = request.hostAuthority.flatMap { WebOrigin(scheme: "http", authority: $0) }
        let base = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? requested?.description ?? "http://localhost"
        return "\(base)/gate/enroll?code=\(code)"
    }
}
