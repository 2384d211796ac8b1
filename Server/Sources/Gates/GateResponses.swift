import GateProtocol
import Hummingbird
import Shared

// The gate API's answers are GateProtocol's wire types, shared with the kiosk; the organisers'
// device answers wrap the same `GateDevice`.

extension GateDevice {
    init(_ device: Device, now: Int64) {
        self.init(
            id: device.id, eventID: device.eventID, name: device.name, direction: device.direction, classes: device.classes,
            status: device.status, createdAt: device.createdAt, enrolledAt: device.enrolledAt, lastSeenAt: device.lastSeenAt,
            online: device.isOnline(now: now), replicaSeq: device.replicaSeq, pendingScans: device.pendingScans,
            clockOffsetMs: device.clockOffsetMilliseconds)
    }
}

/// A gate answer, written with the gate protocol's encoder: its keys are already the wire's,
/// and converting every key of a 5,000-entry feed page was a quarter of the page's cost.
protocol GateAnswer: Encodable, ResponseGenerator {}

extension GateAnswer {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let json = try WireJSON.gateEncoder.encode(self)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension GateDevice: GateAnswer {}
extension EnrollAnswer: GateAnswer {}
extension FeedPage: GateAnswer {}
extension RedeemAnswer: GateAnswer {}
extension PushAnswer: GateAnswer {}

struct DeviceListResponse: ResponseEncodable, Sendable {
    let devices: [GateDevice]
}

/// A new device and its enrollment code, shown once: typed at the gate box, or read by its
/// camera from a QR code of `enrollmentURL`.
struct NewDeviceResponse: ResponseEncodable, Sendable {
    let device: GateDevice
    let enrollmentCode: String
    let enrollmentURL: String
    let enrollmentExpiresAt: Int64
}
