import Foundation
import GateProtocol
import Shared

/// Which way people pass this gate (the words the gate API shares with the server).
public typealias Direction = GateDirection

/// Why a ticket was let through or stopped: the spec's decode reasons, then the gate's own.
/// `rawValue` is how the JSON output, the scan log and the gate API spell it.
public typealias VerdictReason = AdmissionReason

extension AdmissionReason {
    init(_ rejection: TokenRejection) {
        self = Self(rawValue: rejection.reason)!
    }

    /// The line under the big verdict, for the volunteer at the gate.
    public var headline: String {
        switch self {
        case .ok: "Valid ticket"
        case .notATicket: "Not a FestivalGate ticket"
        case .malformed: "Damaged or forged ticket code"
        case .unsupportedVersion: "Ticket from a newer system: update this kiosk"
        case .unknownKey: "Ticket signed with a key this gate does not know"
        case .keyRevoked: "Ticket signed with a withdrawn key"
        case .badSignature: "Forged or altered ticket"
        case .wrongEvent: "Ticket for another event"
        case .wrongClass: "Ticket class not accepted at this gate"
        case .notYetValid: "Too early: this ticket is not valid yet"
        case .expired: "This ticket has expired"
        case .revoked: "Ticket revoked by the organiser"
        case .cancelled: "Ticket was cancelled"
        case .alreadyUsed: "Ticket already used"
        case .notInside: "Ticket is not checked in"
        case .notIssued: "Ticket unknown to the box office"
        }
    }
}

/// What the gate decided about one scan.
public struct Verdict: Sendable, Equatable {
    public var admitted: Bool { reason == .ok }
    public var reason: VerdictReason
    public let ticketID: UInt64?
    /// Milliseconds since 1970 on the kiosk clock.
    public let time: Int64
    public let source: ScanSource
    public let direction: Direction
    public let gate: String
    public var holder: String?
    public var seat: String?
    public var ticketClass: UInt16?
    /// False for a validly signed ticket the replica has never heard of (bought after the last
    /// import): admitted on its signature, and marked so.
    public var inReplica: Bool
    /// For `already_used`: when and where the ticket was first used.
    public var usedAt: Int64?
    public var usedGate: String?
    /// Extra words for the screen ("valid from 18:00", "re-entry").
    public var detail: String?
    public var mode: ScanMode = .offline
    /// The id of the online redeem that decided it, sent with the scan when it is pushed.
    public var redeemID: String?

    public init(
        reason: VerdictReason, ticketID: UInt64?, time: Int64, source: ScanSource, direction: Direction, gate: String,
        holder: String? = nil, seat: String? = nil, ticketClass: UInt16? = nil, inReplica: Bool = true,
        usedAt: Int64? = nil, usedGate: String? = nil, detail: String? = nil
    ) {
        self.reason = reason
        self.ticketID = ticketID
        self.time = time
        self.source = source
        self.direction = direction
        self.gate = gate
        self.holder = holder
        self.seat = seat
        self.ticketClass = ticketClass
        self.inReplica = inReplica
        self.usedAt = usedAt
        self.usedGate = usedGate
        self.detail = detail
    }

    /// One line of `--json` output.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("verdict", .string(admitted ? "admit" : "reject")),
            ("reason", .string(reason.rawValue)),
            ("ticket_id", ticketID.map { .string(String($0)) } ?? .null),
            ("time", .string(KioskTime.iso8601(milliseconds: time))),
            ("source", .string(source.rawValue)),
            ("direction", .string(direction.rawValue)),
            ("gate", .string(gate)),
            ("mode", .string(mode.rawValue)),
        ]
        if let holder { fields.append(("holder", .string(holder))) }
        if let seat { fields.append(("seat", .string(seat))) }
        if let ticketClass { fields.append(("ticket_class", .integer(Int64(ticketClass)))) }
        if ticketID != nil { fields.append(("in_replica", .bool(inReplica))) }
        if let usedAt { fields.append(("used_at", .string(KioskTime.iso8601(milliseconds: usedAt)))) }
        if let usedGate { fields.append(("used_gate", .string(usedGate))) }
        if let detail { fields.append(("detail", .string(detail))) }
        return .object(fields)
    }
}

/// Kiosk times: milliseconds since 1970, shown as ISO 8601 in UTC or as local clock time.
public enum KioskTime {
    /// "2026-09-21T14:13:20.000Z". Written out by hand: a formatter object made for every
    /// verdict costs more than the verdict's own lookup.
    public static func iso8601(milliseconds: Int64) -> String {
        let parts = calendarParts(milliseconds: milliseconds, local: false)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1_900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32((milliseconds % 1_000 + 1_000) % 1_000))
    }

    /// "19:42" in the kiosk's local time zone: what the volunteer's watch says.
    public static func clockTime(milliseconds: Int64) -> String {
        let parts = calendarParts(milliseconds: milliseconds, local: true)
        return String(format: "%02d:%02d", parts.tm_hour, parts.tm_min)
    }

    /// The corresponding C calls are `localtime_r` and `gmtime_r`.
    private static func calendarParts(milliseconds: Int64, local: Bool) -> tm {
        // Floor division, written so no time (one from the server, say) can overflow.
        var seconds = time_t(milliseconds / 1_000 - (milliseconds % 1_000 < 0 ? 1 : 0))
        var parts = tm()
        if local { localtime_r(&seconds, &parts) } else { gmtime_r(&seconds, &parts) }
        return parts
    }
}
