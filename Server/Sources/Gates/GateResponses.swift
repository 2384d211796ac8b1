import Hummingbird
import Shared

/// A gate device as organisers and the device itself see it. Times are unix seconds, except
/// the clock offset (milliseconds, the gate's clock minus the server's).
struct DeviceResponse: ResponseEncodable, Sendable {
    let id: Int64
    let eventID: UInt32
    let name: String
    let direction: String
    let classes: Nullable<[UInt16]>
    let status: String
    let createdAt: Int64
    let enrolledAt: Nullable<Int64>
    let lastSeenAt: Nullable<Int64>
    let online: Bool
    let replicaSeq: Int64
    let pendingScans: Int
    let clockOffsetMs: Nullable<Int64>

    init(_ device: Device, now: Int64) {
        id = device.id
        eventID = device.eventID
        name = device.name
        direction = device.direction.rawValue
        classes = Nullable(device.classes)
        status = device.status.rawValue
        createdAt = device.createdAt
        enrolledAt = Nullable(device.enrolledAt)
        lastSeenAt = Nullable(device.lastSeenAt)
        online = device.isOnline(now: now)
        replicaSeq = device.replicaSeq
        pendingScans = device.pendingScans
        clockOffsetMs = Nullable(device.clockOffsetMilliseconds)
    }
}

struct DeviceListResponse: ResponseEncodable, Sendable {
    let devices: [DeviceResponse]
}

/// A new device and its enrollment code, shown once: typed at the gate box, or read by its
/// camera from a QR code of `enrollmentURL`.
struct NewDeviceResponse: ResponseEncodable, Sendable {
    let device: DeviceResponse
    let enrollmentCode: String
    let enrollmentURL: String
    let enrollmentExpiresAt: Int64
}

/// A key of the kiosk export: what a gate needs to read and check tickets, never a signing seed.
struct KeyResponse: Encodable, Sendable {
    let kid: UInt8
    let status: String
    let aesKey: String
    let ed25519PublicKey: String

    static func list(_ ring: KeyRing) -> [KeyResponse] {
        ring.keys.map {
            KeyResponse(kid: $0.kid, status: $0.status.rawValue, aesKey: Hex.encode($0.aesKey), ed25519PublicKey: Hex.encode($0.publicKey))
        }
    }
}

struct EnrollResponse: ResponseEncodable, Sendable {
    /// The bearer secret for every later call. The server keeps only its hash.
    let credential: String
    let device: DeviceResponse
    let keys: [KeyResponse]
    let serverTime: Int64
}

struct ChangesResponse: ResponseEncodable, Sendable {
    let changes: [GateFeed.Change]
    /// The last sequence number in `changes`, or `after` when there were none: the next `after`.
    let lastSeq: Int64
    /// More changes wait beyond this page: ask again at once.
    let more: Bool
    let keys: [KeyResponse]
    let device: DeviceResponse
    /// Milliseconds since 1970 on the server's clock.
    let serverTime: Int64
}

struct RedeemResponse: ResponseEncodable, Sendable {
    let admitted: Bool
    let reason: String
    /// When and where the ticket was last let in or out (milliseconds), if ever.
    let usedAt: Nullable<Int64>
    let usedGate: Nullable<String>
    let serverTime: Int64
}

struct PushResponse: ResponseEncodable, Sendable {
    /// Scans in the request, and how many of them were new (the rest were stored before).
    let received: Int
    let stored: Int
    let serverTime: Int64
}
