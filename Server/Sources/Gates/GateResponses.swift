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

extension GateDevice: ResponseEncodable {}
extension EnrollAnswer: ResponseEncodable {}
extension FeedPage: ResponseEncodable {}
extension RedeemAnswer: ResponseEncodable {}
extension PushAnswer: ResponseEncodable {}

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
