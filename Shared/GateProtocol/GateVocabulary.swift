import Shared

// The closed sets of words the server and its gates share (docs/SERVER.md, "Gates"). Each is
// spelled once here, as the wire, the scan logs and both databases spell it. A word a newer
// peer sends that this build does not know fails to decode with the type's name and the word:
// a clear error, never a trap.

/// Which way people pass a gate.
public enum GateDirection: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case entry
    case exit
}

/// Where a ticket stands with the box office.
public enum TicketStatus: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case valid
    case revoked
    case cancelled
}

/// Why a ticket was let through or stopped: the token's reasons (the spec's), then the gate's.
public enum AdmissionReason: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case ok
    // The token itself (the spec's reasons).
    case notATicket = "not_a_ticket"
    case malformed
    case unsupportedVersion = "unsupported_version"
    case unknownKey = "unknown_key"
    case keyRevoked = "key_revoked"
    case badSignature = "bad_signature"
    // The gate's rules.
    case wrongEvent = "wrong_event"
    case wrongClass = "wrong_class"
    case notYetValid = "not_yet_valid"
    case expired
    // Where the ticket stands.
    case revoked
    case cancelled
    case alreadyUsed = "already_used"
    /// At an exit: the ticket is not inside, so there is nothing to leave.
    case notInside = "not_inside"
    /// The server, asked online, has no such ticket: signed with the event's key, never sold.
    case notIssued = "not_issued"

    /// The reason a ticket of this status is stopped; nil for a valid one.
    public init?(refusing status: TicketStatus) {
        switch status {
        case .valid: return nil
        case .revoked: self = .revoked
        case .cancelled: self = .cancelled
        }
    }
}

/// How a scan reached the gate.
public enum ScanSource: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case camera
    /// Staff looked the ticket up by hand (a cracked phone screen, a smudged print).
    case manual
}

/// How a verdict was reached: online, with the server (it redeemed the admission, or the gate
/// refused from a replica that follows the server's feed while the server is reachable); or
/// offline, from the gate's replica alone.
public enum ScanMode: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case online
    case offline
}

/// What a pushed scan says the gate did.
public enum ScanVerdict: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    case admit
    case reject
}

/// A gate device's state on the server.
public enum DeviceStatus: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
    /// Created by an organiser; its enrollment code has not been used yet.
    case pending
    case active
    case revoked
}
