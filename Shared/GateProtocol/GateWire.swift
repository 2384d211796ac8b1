import Shared

// What a gate and the server's `/api/v1/gate/…` endpoints exchange (docs/SERVER.md, "Gates";
// the OpenAPI document has every field, and a test holds the two together). Each type spells
// its wire keys itself, so it reads with a plain `JSONDecoder` (`WireJSON.gateDecoder`): a
// full pull decodes 100,000 feed entries, and converting every key of every entry cost as
// much as the rest of the decoding. Ids are decimal strings, times milliseconds since 1970
// unless a field says seconds.

/// What an entry of the change log records; the gates' feed carries every one.
public enum ChangeKind: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case eventCreated = "event_created"
    case eventChanged = "event_changed"
    case classAdded = "class_added"
    case seatMapReplaced = "seat_map_replaced"
    case ticketIssued = "ticket_issued"
    case ticketCancelled = "ticket_cancelled"
    case ticketRevoked = "ticket_revoked"
    /// The event's times moved: the ticket has a new token (same id) with the new window.
    case ticketResigned = "ticket_resigned"
    /// A gate let the ticket in (online, or pushed later from an offline gate).
    case ticketAdmitted = "ticket_admitted"
    /// A gate let the ticket out.
    case ticketExited = "ticket_exited"
    /// Organisers paused the event's sale, with a notice; and resumed it (now or at a time).
    case salePaused = "sale_paused"
    case saleResumed = "sale_resumed"
    /// Organisers changed a standing class's capacity.
    case capacityChanged = "capacity_changed"
    /// The waitlist of a sold-out class (no names: entry and offer ids, class, count).
    case waitlistJoined = "waitlist_joined"
    case waitlistLeft = "waitlist_left"
    case offerMade = "offer_made"
    case offerAccepted = "offer_accepted"
    case offerDeclined = "offer_declined"
    case offerExpired = "offer_expired"
}

/// A gate device as organisers and the device itself see it. Times are unix seconds, except
/// the clock offset (milliseconds, the gate's clock minus the server's).
public struct GateDevice: Codable, Sendable, Equatable {
    public let id: Int64
    public let eventID: UInt32
    public let name: String
    public let direction: GateDirection
    /// Classes admitted at this gate; null admits every class.
    @AlwaysPresent public var classes: [UInt16]?
    public let status: DeviceStatus
    public let createdAt: Int64
    @AlwaysPresent public var enrolledAt: Int64?
    @AlwaysPresent public var lastSeenAt: Int64?
    public let online: Bool
    /// The feed position and unsent scans the gate last reported.
    public let replicaSeq: Int64
    public let pendingScans: Int
    @AlwaysPresent public var clockOffsetMs: Int64?

    enum CodingKeys: String, CodingKey {
        case id, eventID = "event_id", name, direction, classes, status, createdAt = "created_at", enrolledAt = "enrolled_at"
        case lastSeenAt = "last_seen_at", online, replicaSeq = "replica_seq", pendingScans = "pending_scans", clockOffsetMs = "clock_offset_ms"
    }

    public init(
        id: Int64, eventID: UInt32, name: String, direction: GateDirection, classes: [UInt16]?, status: DeviceStatus, createdAt: Int64,
        enrolledAt: Int64?, lastSeenAt: Int64?, online: Bool, replicaSeq: Int64, pendingScans: Int, clockOffsetMs: Int64?
    ) {
        (self.id, self.eventID, self.name, self.direction, self.status) = (id, eventID, name, direction, status)
        (self.createdAt, self.online, self.replicaSeq, self.pendingScans) = (createdAt, online, replicaSeq, pendingScans)
        self.classes = classes
        self.enrolledAt = enrolledAt
        self.lastSeenAt = lastSeenAt
        self.clockOffsetMs = clockOffsetMs
    }
}

/// A key of the server's kiosk export, hex-encoded: what a gate needs to read and check
/// tickets, never a signing seed.
public struct GateKey: Codable, Sendable, Equatable {
    public let kid: UInt8
    public let status: KeyStatus
    public let aesKey: String
    public let ed25519PublicKey: String

    enum CodingKeys: String, CodingKey {
        case kid, status, aesKey = "aes_key", ed25519PublicKey = "ed25519_public_key"
    }

    public init(kid: UInt8, status: KeyStatus, aesKey: String, ed25519PublicKey: String) {
        (self.kid, self.status, self.aesKey, self.ed25519PublicKey) = (kid, status, aesKey, ed25519PublicKey)
    }

    /// A ring's keys as the wire carries them.
    public static func list(_ ring: KeyRing) -> [GateKey] {
        ring.keys.map {
            GateKey(kid: $0.kid, status: $0.status, aesKey: Hex.encode($0.aesKey), ed25519PublicKey: Hex.encode($0.publicKey))
        }
    }

    /// The keys as a ring; throws `GateWireError` for a key that is not hex.
    public static func ring(_ keys: [GateKey]) throws -> KeyRing {
        try KeyRing(
            keys: keys.map { key in
                guard let aes = Hex.decode(key.aesKey), let publicKey = Hex.decode(key.ed25519PublicKey) else {
                    throw GateWireError(description: "key \(key.kid) is not hex")
                }
                return try TokenKey(kid: key.kid, status: key.status, aesKey: aes, publicKey: publicKey, seed: nil)
            })
    }
}

public struct GateWireError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// `POST /api/v1/gate/enroll`: the one-time code, traded for a credential.
public struct EnrollRequest: Codable, Sendable {
    public let code: String

    public init(code: String) { self.code = code }
}

public struct EnrollAnswer: Codable, Sendable {
    /// The bearer secret for every later call. The server keeps only its hash.
    public let credential: String
    public let device: GateDevice
    public let keys: [GateKey]
    public let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case credential, device, keys, serverTime = "server_time"
    }

    public init(credential: String, device: GateDevice, keys: [GateKey], serverTime: Int64) {
        (self.credential, self.device, self.keys, self.serverTime) = (credential, device, keys, serverTime)
    }
}

/// One entry of the gate's change feed: the ticket as it stands now, or an entry or exit.
public struct FeedChange: Codable, Sendable, Equatable {
    public let seq: Int64
    public let kind: ChangeKind
    public let ticketID: String?
    public let status: TicketStatus?
    public let holder: String?
    public let seat: String?
    public let ticketClass: UInt16?
    /// For `ticket_admitted` and `ticket_exited`: when (milliseconds), and at which gate.
    public let at: Int64?
    public let gate: String?

    enum CodingKeys: String, CodingKey {
        case seq, kind, ticketID = "ticket_id", status, holder, seat, ticketClass = "ticket_class", at, gate
    }

    public init(
        seq: Int64, kind: ChangeKind, ticketID: String?, status: TicketStatus?, holder: String?, seat: String?, ticketClass: UInt16?,
        at: Int64?, gate: String?
    ) {
        (self.seq, self.kind, self.ticketID, self.status, self.holder, self.seat) = (seq, kind, ticketID, status, holder, seat)
        (self.ticketClass, self.at, self.gate) = (ticketClass, at, gate)
    }
}

/// `GET /api/v1/gate/changes`: a page of the feed.
public struct FeedPage: Codable, Sendable {
    public let changes: [FeedChange]
    /// The last sequence number in `changes`, or `after` when there were none: the next `after`.
    public let lastSeq: Int64
    /// More changes wait beyond this page: ask again at once.
    public let more: Bool
    public let keys: [GateKey]
    public let device: GateDevice
    public let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case changes, lastSeq = "last_seq", more, keys, device, serverTime = "server_time"
    }

    public init(changes: [FeedChange], lastSeq: Int64, more: Bool, keys: [GateKey], device: GateDevice, serverTime: Int64) {
        (self.changes, self.lastSeq, self.more, self.keys, self.device, self.serverTime) = (changes, lastSeq, more, keys, device, serverTime)
    }

    public func keyRing() throws -> KeyRing { try GateKey.ring(keys) }
}

/// `POST /api/v1/gate/redeem`: may this ticket pass, now, once for all gates?
public struct RedeemRequest: Codable, Sendable, Equatable {
    public let ticketID: String
    public let at: Int64
    /// The token allows coming back in after leaving; left out: it does not.
    public let reEntry: Bool?
    /// Drawn by the gate for this attempt: the same redeem asked again gets the same answer.
    public let redeemID: String

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", at, reEntry = "re_entry", redeemID = "redeem_id"
    }

    public init(ticketID: String, at: Int64, reEntry: Bool?, redeemID: String) {
        (self.ticketID, self.at, self.reEntry, self.redeemID) = (ticketID, at, reEntry, redeemID)
    }
}

/// The server's word on an admission: `ok`, or why not, with when and where the ticket was
/// last let in or out.
public struct RedeemAnswer: Codable, Sendable, Equatable {
    public let admitted: Bool
    public let reason: AdmissionReason
    @AlwaysPresent public var usedAt: Int64?
    @AlwaysPresent public var usedGate: String?
    public let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case admitted, reason, usedAt = "used_at", usedGate = "used_gate", serverTime = "server_time"
    }

    public init(reason: AdmissionReason, usedAt: Int64? = nil, usedGate: String? = nil, serverTime: Int64 = 0) {
        admitted = reason == .ok
        self.reason = reason
        self.usedAt = usedAt
        self.usedGate = usedGate
        self.serverTime = serverTime
    }
}

/// One scan of a gate's log, as pushed: what it decided, online or not.
public struct PushedScan: Codable, Sendable, Equatable {
    /// The gate's own sequence number: the server stores each (device, number) once.
    public let scanNumber: Int64
    public let ticketID: String?
    public let at: Int64
    public let verdict: ScanVerdict
    public let reason: AdmissionReason
    public let direction: GateDirection
    public let source: ScanSource
    public let mode: ScanMode
    public let redeemID: String?

    enum CodingKeys: String, CodingKey {
        case scanNumber = "scan_number", ticketID = "ticket_id", at, verdict, reason, direction, source, mode, redeemID = "redeem_id"
    }

    public init(
        scanNumber: Int64, ticketID: String?, at: Int64, verdict: ScanVerdict, reason: AdmissionReason, direction: GateDirection,
        source: ScanSource, mode: ScanMode, redeemID: String?
    ) {
        (self.scanNumber, self.ticketID, self.at, self.verdict, self.reason) = (scanNumber, ticketID, at, verdict, reason)
        (self.direction, self.source, self.mode, self.redeemID) = (direction, source, mode, redeemID)
    }
}

/// `POST /api/v1/gate/scans`.
public struct PushRequest: Codable, Sendable {
    public let scans: [PushedScan]
    /// Scans the gate has yet to push after these, for the organisers' view of it.
    public let pending: Int?

    public init(scans: [PushedScan], pending: Int?) {
        self.scans = scans
        self.pending = pending
    }
}

public struct PushAnswer: Codable, Sendable {
    /// Scans in the request, and how many of them were new (the rest were stored before).
    public let received: Int
    public let stored: Int
    public let serverTime: Int64

    enum CodingKeys: String, CodingKey {
        case received, stored, serverTime = "server_time"
    }

    public init(received: Int, stored: Int, serverTime: Int64) {
        (self.received, self.stored, self.serverTime) = (received, stored, serverTime)
    }
}
