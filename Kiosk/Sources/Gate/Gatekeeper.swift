import Foundation
import Shared
import Synchronization

/// Decides every scan and writes it to the replica before anyone sees the verdict.
///
/// The camera's decode thread and the staff's manual lookup both come through here; one mutex
/// makes "look the ticket up, decide, record" a single step, so two scans of one ticket can
/// never both be admitted. The staff's search reads on a connection of its own, so typing a
/// name never holds up the camera.
public final class Gatekeeper: Sendable {
    private let core: Mutex<GateCore>
    private let searchConnection: Mutex<SearchConnection>
    public let rules: GateRules
    public let eventID: UInt32
    public let gate: String

    /// A new verdict, or the first verdict again for a code still being held up to the camera.
    public enum Outcome: Sendable, Equatable {
        case new(Verdict)
        case repeated(Verdict)

        public var verdict: Verdict {
            switch self {
            case .new(let verdict), .repeated(let verdict): verdict
            }
        }
    }

    public init(replica: sending KioskReplica, rules: GateRules) throws {
        self.rules = rules
        eventID = replica.eventID
        gate = replica.gate
        searchConnection = Mutex(SearchConnection(database: try SQLiteDatabase(path: replica.database.path, readOnly: true)))
        core = Mutex(try GateCore(replica: replica, rules: rules))
    }

    /// Judges one QR payload seen by the camera at `time` (milliseconds since 1970).
    public func scan(_ payload: [UInt8], at time: Int64) throws -> Outcome {
        try core.withLock { core in
            core.recent = core.recent.filter { time - $0.value.lastSeen <= rules.debounceMilliseconds }
            if let seen = core.recent[payload] {
                core.recent[payload]!.lastSeen = time
                return .repeated(seen.verdict)
            }
            let (verdict, change) = try core.judge(payload, at: time)
            try core.record(verdict, change: change)
            core.recent[payload] = (verdict, time)
            return .new(verdict)
        }
    }

    /// Admits a ticket that staff picked by hand, if the replica's record allows it.
    public func admitManually(ticketID: UInt64, at time: Int64) throws -> Verdict {
        try core.withLock { core in
            guard let ticket = try core.replica.ticket(id: ticketID) else { throw GateError.unknownTicket(ticketID) }
            let (verdict, change) = core.decide(ticket: ticket, reEntry: false, token: nil, source: .manual, at: time)
            try core.record(verdict, change: change)
            return verdict
        }
    }

    /// Tickets for the staff's lookup; see `KioskReplica.search`.
    public func search(_ query: String) throws -> [ReplicaTicket] {
        try searchConnection.withLock { try KioskReplica.search(query, in: $0.database) }
    }

    public func counters() -> GateCounters {
        core.withLock { $0.totals }
    }

    public func lastImportAt() throws -> Int64? {
        try searchConnection.withLock { try KioskReplica.lastImportAt(in: $0.database) }
    }
}

/// A read-only connection to the replica, used by one caller at a time under its mutex.
private struct SearchConnection: @unchecked Sendable {
    let database: SQLiteDatabase
}

/// The gatekeeper's state and rules, used only under `Gatekeeper`'s mutex.
private final class GateCore {
    let replica: KioskReplica
    let decoder: TokenDecoder
    let rules: GateRules
    let eventID: UInt32
    let gate: String
    /// The codes seen lately, with the verdict each got first and when it was last in view.
    var recent: [[UInt8]: (verdict: Verdict, lastSeen: Int64)] = [:]
    /// The scan log's totals: counted in the file once at start, then kept in step with each
    /// scan recorded, so the screen never has the log counted under the mutex the camera needs.
    var totals: GateCounters

    init(replica: KioskReplica, rules: GateRules) throws {
        self.replica = replica
        self.rules = rules
        decoder = try TokenDecoder(keyRing: replica.keyRing())
        eventID = replica.eventID
        gate = replica.gate
        totals = try replica.counters()
    }

    /// Writes the scan durably, then counts it.
    func record(_ verdict: Verdict, change: TicketChange?) throws {
        try replica.record(verdict, change: change)
        switch (verdict.admitted, verdict.direction) {
        case (true, .entry): totals.admitted += 1
        case (true, .exit): totals.exited += 1
        case (false, _): totals.rejected += 1
        }
        totals.pending += 1
        totals.inside += change?.insideDelta ?? 0
    }

    func judge(_ payload: [UInt8], at time: Int64) throws -> (Verdict, TicketChange?) {
        let decoded: DecodedToken
        do {
            decoded = try payload.withUnsafeBytes { bytes in
                Result { () throws(TokenRejection) in try decoder.decode(utf8: bytes) }
            }.get()
        } catch {
            return (verdict(VerdictReason(error), token: nil, at: time), nil)
        }
        let token = decoded.ticket
        guard token.eventID == eventID else {
            return (verdict(.wrongEvent, token: token, at: time, detail: "event \(token.eventID), this gate checks \(eventID)"), nil)
        }
        let known = try replica.ticket(id: token.ticketID)
        if let known, known.status != .valid {
            return (verdict(known.status == .revoked ? .revoked : .cancelled, token: token, known: known, at: time), nil)
        }
        if let accepted = rules.acceptedClasses, !accepted.contains(token.ticketClass) {
            return (verdict(.wrongClass, token: token, known: known, at: time, detail: "class \(token.ticketClass)"), nil)
        }
        if token.notBefore != TicketToken.noLowerBound, time < Int64(token.notBefore) * 1_000 - rules.graceMilliseconds {
            let opens = KioskTime.clockTime(milliseconds: Int64(token.notBefore) * 1_000)
            return (verdict(.notYetValid, token: token, known: known, at: time, detail: "valid from \(opens)"), nil)
        }
        if token.notAfter != TicketToken.noUpperBound, time > Int64(token.notAfter) * 1_000 + rules.graceMilliseconds {
            let ended = KioskTime.clockTime(milliseconds: Int64(token.notAfter) * 1_000)
            return (verdict(.expired, token: token, known: known, at: time, detail: "valid until \(ended)"), nil)
        }
        let ticket = known ?? ReplicaTicket(
            id: token.ticketID, eventID: token.eventID, status: .valid, holder: token.holder, seat: token.seat,
            ticketClass: token.ticketClass, origin: .scan)
        let (verdict, change) = decide(
            ticket: ticket, reEntry: token.flags.contains(.reEntry), token: token, source: .camera, at: time)
        // A ticket first met at this gate is written whole, not updated.
        if known == nil, case .update(_, let entered)? = change { return (verdict, .insert(entered)) }
        return (verdict, change)
    }

    /// The replica's part of the verdict: revoked, already used, inside or not.
    func decide(
        ticket: ReplicaTicket, reEntry: Bool, token: TicketToken?, source: ScanSource, at time: Int64
    ) -> (Verdict, TicketChange?) {
        var base = Verdict(
            reason: .ok, ticketID: ticket.id, time: time, source: source, direction: rules.direction, gate: gate,
            holder: token?.holder ?? ticket.holder, seat: token?.seat ?? ticket.seat,
            ticketClass: token?.ticketClass ?? ticket.ticketClass, inReplica: ticket.origin == .import)
        func rejected(_ reason: VerdictReason, detail: String? = nil) -> (Verdict, TicketChange?) {
            var verdict = base
            verdict.reason = reason
            verdict.usedAt = ticket.usedAt
            verdict.usedGate = ticket.usedGate
            verdict.detail = detail
            return (verdict, nil)
        }
        switch ticket.status {
        case .revoked: return rejected(.revoked)
        case .cancelled: return rejected(.cancelled)
        case .valid: break
        }
        if source == .manual, let accepted = rules.acceptedClasses, let zone = ticket.ticketClass, !accepted.contains(zone) {
            return rejected(.wrongClass, detail: "class \(zone)")
        }
        var changed = ticket
        switch rules.direction {
        case .entry:
            if ticket.inside { return rejected(.alreadyUsed, detail: reEntry ? "still inside: scan at an exit first" : nil) }
            if ticket.usedAt != nil, !reEntry { return rejected(.alreadyUsed) }
            if ticket.usedAt != nil { base.detail = "re-entry" }
            changed.inside = true
            changed.usedAt = ticket.usedAt ?? time
            changed.usedGate = ticket.usedGate ?? gate
        case .exit:
            guard ticket.inside || ticket.usedAt != nil else { return rejected(.notInside) }
            base.detail = reEntry ? "may come back in" : "no re-entry on this ticket"
            changed.inside = false
        }
        return (base, .update(from: ticket, to: changed))
    }

    private func verdict(
        _ reason: VerdictReason, token: TicketToken?, known: ReplicaTicket? = nil, at time: Int64, detail: String? = nil
    ) -> Verdict {
        Verdict(
            reason: reason, ticketID: token?.ticketID, time: time, source: .camera, direction: rules.direction, gate: gate,
            holder: token?.holder, seat: token?.seat, ticketClass: token?.ticketClass, inReplica: known?.origin == .import,
            detail: detail)
    }
}

public enum GateError: Error, Equatable, CustomStringConvertible {
    case unknownTicket(UInt64)

    public var description: String {
        switch self {
        case .unknownTicket(let id): "ticket \(id) is not in this kiosk's replica"
        }
    }
}
