import Foundation
import Shared

// What the kiosk and the server's `/api/v1/gate/…` endpoints exchange (docs/SERVER.md, "Gates";
// the OpenAPI document has every field). Names are the wire's snake_case, converted by the
// coders; ids are decimal strings, times milliseconds since 1970.

/// The gate as the server describes it.
public struct DeviceInfo: Codable, Sendable, Equatable {
    public let id: Int64
    public let eventID: UInt32
    public let name: String
    public let direction: String
    /// Classes admitted at this gate; nil admits every class.
    public let classes: [UInt16]?
    public let status: String

    enum CodingKeys: String, CodingKey {
        case id, eventID = "event_id", name, direction, classes, status
    }
}

/// A key of the server's kiosk export, hex-encoded: never a signing seed.
struct WireKey: Decodable, Sendable {
    let kid: UInt8
    let status: KeyStatus
    let aesKey: String
    let ed25519PublicKey: String

    enum CodingKeys: String, CodingKey {
        case kid, status, aesKey = "aes_key", ed25519PublicKey = "ed25519_public_key"
    }

    static func ring(_ keys: [WireKey]) throws -> KeyRing {
        try KeyRing(
            keys: keys.map { key in
                guard let aes = Hex.decode(key.aesKey), let publicKey = Hex.decode(key.ed25519PublicKey) else {
                    throw LinkError.badAnswer("key \(key.kid) is not hex")
                }
                return try TokenKey(kid: key.kid, status: key.status, aesKey: aes, publicKey: publicKey, seed: nil)
            })
    }
}

struct EnrollAnswer: Decodable, Sendable {
    let credential: String
    let device: DeviceInfo
    let keys: [WireKey]
    let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case credential, device, keys, serverTime = "server_time"
    }
}

/// One entry of the gate's change feed: the ticket as it stands now, or an entry or exit.
public struct FeedChange: Decodable, Sendable {
    public let seq: Int64
    public let kind: String
    public let ticketID: String?
    public let status: String?
    public let holder: String?
    public let seat: String?
    public let ticketClass: UInt16?
    /// For `ticket_admitted` and `ticket_exited`: when, and at which gate.
    public let at: Int64?
    public let gate: String?

    enum CodingKeys: String, CodingKey {
        case seq, kind, ticketID = "ticket_id", status, holder, seat, ticketClass = "ticket_class", at, gate
    }
}

/// A page of the change feed.
public struct FeedPage: Decodable, Sendable {
    public let changes: [FeedChange]
    public let lastSeq: Int64
    public let more: Bool
    let keys: [WireKey]
    public let device: DeviceInfo
    public let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case changes, lastSeq = "last_seq", more, keys, device, serverTime = "server_time"
    }

    public func keyRing() throws -> KeyRing { try WireKey.ring(keys) }
}

struct RedeemRequest: Encodable, Sendable {
    let ticketID: String
    let at: Int64
    let reEntry: Bool
    let redeemID: String

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", at, reEntry = "re_entry", redeemID = "redeem_id"
    }
}

/// The server's word on an admission: `ok`, or why not, with when and where the ticket was
/// last let in or out.
public struct RedeemAnswer: Decodable, Sendable, Equatable {
    public let reason: String
    public let usedAt: Int64?
    public let usedGate: String?
    let serverTime: Int64?

    public init(reason: String, usedAt: Int64? = nil, usedGate: String? = nil) {
        self.reason = reason
        self.usedAt = usedAt
        self.usedGate = usedGate
        serverTime = nil
    }

    enum CodingKeys: String, CodingKey {
        case reason, usedAt = "used_at", usedGate = "used_gate", serverTime = "server_time"
    }

    /// The verdict the answer means; nil for a reason this kiosk does not know (a newer
    /// server), which it then decides for itself.
    var verdictReason: VerdictReason? {
        switch reason {
        case "ok": .ok
        case "wrong_class": .wrongClass
        case "already_used": .alreadyUsed
        case "not_inside": .notInside
        case "revoked": .revoked
        case "cancelled": .cancelled
        case "not_issued": .notIssued
        default: nil
        }
    }
}

/// One scan of the kiosk's log, as pushed.
public struct PushedScan: Encodable, Sendable, Equatable {
    /// The kiosk's own sequence number: the server stores each (device, number) once.
    public let scanNumber: Int64
    public let ticketID: String?
    public let at: Int64
    public let verdict: String
    public let reason: String
    public let direction: String
    public let source: String
    public let mode: String
    public let redeemID: String?

    enum CodingKeys: String, CodingKey {
        case scanNumber = "scan_number", ticketID = "ticket_id", at, verdict, reason, direction, source, mode, redeemID = "redeem_id"
    }
}

struct PushRequest: Encodable, Sendable {
    let scans: [PushedScan]
    let pending: Int
}

struct PushAnswer: Decodable, Sendable {
    let received: Int
    let stored: Int
    let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case received, stored, serverTime = "server_time"
    }
}

struct ErrorAnswer: Decodable, Sendable {
    struct Body: Decodable, Sendable {
        let code: String
        let message: String
    }
    let error: Body
}

/// A redeem's id: 128 random bits in hex, drawn per attempt.
enum RedeemID {
    static func draw() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
