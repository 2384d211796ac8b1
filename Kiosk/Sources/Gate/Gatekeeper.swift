import Foundation
import GateProtocol
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

    /// What `check` made of a scan.
    public enum Check: Sendable {
        /// Decided and recorded: a rejection, a repeat, or an admission decided offline.
        case decided(Outcome)
        /// Passed every check the kiosk can make; the server is to redeem it, then `settle`.
        /// Nothing is recorded yet, and the ticket is held so no second scan races it.
        case ask(Admission)
        /// The same code or ticket is already being redeemed: its verdict is on its way.
        case inFlight
    }

    /// A scan the kiosk would admit, waiting for the server's word.
    public struct Admission: Sendable {
        /// The kiosk's own verdict: an admit.
        public let verdict: Verdict
        public var ticketID: UInt64 { verdict.ticketID! }
        /// The token allows coming back in after leaving.
        public let reEntry: Bool
        /// Drawn for this attempt: a redeem retried under it gets the same answer.
        public let redeemID: String
        /// The ticket as the token tells it, for a ticket the replica does not know yet.
        let fresh: ReplicaTicket
        let payload: [UInt8]?
    }

    /// Judges one QR payload seen by the camera at `time` (milliseconds since 1970), deciding
    /// offline: look up, decide and record in one step.
    public func scan(_ payload: [UInt8], at time: Int64) throws -> Outcome {
        guard case .decided(let outcome) = try check(payload, at: time, askServer: false) else {
            preconditionFailure("a scan decided offline is never handed to the server")
        }
        return outcome
    }

    /// Judges one QR payload. With `askServer`, an admission is not recorded here but handed
    /// back to be redeemed online and `settle`d; everything else is decided and recorded.
    public func check(_ payload: [UInt8], at time: Int64, askServer: Bool) throws -> Check {
        try core.withLock { core in
            core.recent = core.recent.filter { time - $0.value.lastSeen <= rules.debounceMilliseconds }
            if let seen = core.recent[payload] {
                core.recent[payload]!.lastSeen = time
                return .decided(.repeated(seen.verdict))
            }
            if core.asking.contains(payload) { return .inFlight }
            let judgement = try core.judge(payload, at: time)
            return try core.conclude(judgement, payload: payload, askServer: askServer)
        }
    }

    /// Admits a ticket that staff picked by hand, if the replica's record allows it, offline.
    public func admitManually(ticketID: UInt64, at time: Int64) throws -> Verdict {
        guard case .decided(let outcome) = try checkManually(ticketID: ticketID, at: time, askServer: false) else {
            preconditionFailure("a manual admit decided offline is never handed to the server")
        }
        return outcome.verdict
    }

    /// A ticket staff picked by hand, checked as `check` checks a scan.
    public func checkManually(ticketID: UInt64, at time: Int64, askServer: Bool) throws -> Check {
        try core.withLock { core in
            guard let ticket = try core.replica.ticket(id: ticketID) else { throw GateError.unknownTicket(ticketID) }
            let (verdict, change) = core.decide(ticket: ticket, reEntry: false, token: nil, source: .manual, at: time)
            let judgement = GateCore.Judgement(verdict: verdict, change: change, fresh: ticket, reEntry: false)
            return try core.conclude(judgement, payload: nil, askServer: askServer)
        }
    }

    /// Records an admission the server was asked about: its answer decides (`nil`: no answer
    /// in time, so the replica decides, offline). Returns the verdict, on disk.
    public func settle(_ admission: Admission, answer: RedeemAnswer?) throws -> Verdict {
        try core.withLock { core in
            defer {
                core.askingTickets.remove(admission.ticketID)
                if let payload = admission.payload { core.asking.remove(payload) }
            }
            let (verdict, change) = try core.settled(admission, answer: answer)
            try core.record(verdict, change: change)
            if let payload = admission.payload { core.recent[payload] = (verdict, verdict.time) }
            return verdict
        }
    }

    // MARK: Sync, under the same lock: nothing is judged while the replica changes.

    public func syncCursor() throws -> SyncCursor {
        try core.withLock { try $0.replica.syncCursor() }
    }

    /// Applies a page of the server's feed, then reads the keys and counters again.
    public func apply(_ page: FeedPage, keys: KeyRing, clockOffset: Int64, now: Int64) throws -> Int {
        try core.withLock { core in
            try core.replica.saveClockOffset(clockOffset)
            let applied = try core.replica.apply(page, keys: keys, now: now)
            try core.reload()
            return applied
        }
    }

    public func pendingScans(limit: Int) throws -> [PushedScan] {
        try core.withLock { try $0.replica.pendingScans(limit: limit) }
    }

    public func markRevoked() throws {
        try core.withLock { try $0.replica.markRevoked() }
    }

    /// Marks pushed scans as synced, and counts them off.
    public func markSynced(_ scanNumbers: [Int64]) throws {
        try core.withLock { core in
            let marked = try core.replica.markSynced(scanNumbers)
            core.totals.pending -= marked
        }
    }

    /// Tickets for the staff's lookup; see `KioskReplica.search`.
    public func search(_ query: String) throws -> [ReplicaTicket] {
        try searchConnection.withLock { try KioskReplica.search(query, in: $0.database) }
    }

    public func counters() -> GateCounters {
        core.withLock { $0.totals }
    }

    /// Tickets the replica knows, read on the search connection.
    public func ticketCount() throws -> Int {
        try searchConnection.withLock { try KioskReplica.ticketCount(in: $0.database) }
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
    var keys: KeyRing
    var decoder: TokenDecoder
    let rules: GateRules
    let eventID: UInt32
    let gate: String
    /// The codes seen lately, with the verdict each got first and when it was last in view.
    var recent: [[UInt8]: (verdict: Verdict, lastSeen: Int64)] = [:]
    /// Codes and tickets the server is being asked about right now.
    var asking: Set<[UInt8]> = []
    var askingTickets: Set<UInt64> = []
    /// The scan log's totals: counted in the file once at start, then kept in step with each
    /// scan recorded, so the screen never has the log counted under the mutex the camera needs.
    var totals: GateCounters

    init(replica: KioskReplica, rules: GateRules) throws {
        self.replica = replica
        self.rules = rules
        keys = try replica.keyRing()
        decoder = try TokenDecoder(keyRing: keys)
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

    /// A verdict before it is recorded, with what the kiosk knew when it reached it.
    struct Judgement {
        let verdict: Verdict
        let change: TicketChange?
        /// The ticket as the replica had it, or as the token tells it.
        let fresh: ReplicaTicket
        let reEntry: Bool
    }

    func judge(_ payload: [UInt8], at time: Int64) throws -> Judgement {
        let decoded: DecodedToken
        func judged(_ verdict: Verdict, token: TicketToken? = nil, known: ReplicaTicket? = nil) -> Judgement {
            let fresh = known ?? ReplicaTicket(
                id: token?.ticketID ?? 0, eventID: token?.eventID ?? eventID, status: .valid, holder: token?.holder ?? "",
                seat: token?.seat ?? "", ticketClass: token?.ticketClass, origin: .scan)
            return Judgement(verdict: verdict, change: nil, fresh: fresh, reEntry: false)
        }
        do {
            decoded = try payload.withUnsafeBytes { bytes in
                Result { () throws(TokenRejection) in try decoder.decode(utf8: bytes) }
            }.get()
        } catch {
            return judged(verdict(VerdictReason(error), token: nil, at: time))
        }
        let token = decoded.ticket
        guard token.eventID == eventID else {
            return judged(verdict(.wrongEvent, token: token, at: time, detail: "event \(token.eventID), this gate checks \(eventID)"))
        }
        let known = try replica.ticket(id: token.ticketID)
        let ticket = known ?? ReplicaTicket(
            id: token.ticketID, eventID: token.eventID, status: .valid, holder: token.holder, seat: token.seat,
            ticketClass: token.ticketClass, origin: .scan)
        let reEntry = token.flags.contains(.reEntry)
        let (verdict, change) = decide(ticket: ticket, reEntry: reEntry, token: token, source: .camera, at: time)
        return Judgement(verdict: verdict, change: Self.written(change, known: known), fresh: ticket, reEntry: reEntry)
    }

    /// A ticket first met at this gate is written whole, not updated.
    static func written(_ change: TicketChange?, known: ReplicaTicket?) -> TicketChange? {
        if known == nil, case .update(_, let entered)? = change { return .insert(entered) }
        return change
    }

    /// Records a judgement, or holds its ticket for the server to redeem.
    func conclude(_ judgement: Judgement, payload: [UInt8]?, askServer: Bool) throws -> Gatekeeper.Check {
        let verdict = judgement.verdict
        if askServer, verdict.admitted, let ticketID = verdict.ticketID {
            guard askingTickets.insert(ticketID).inserted else { return .inFlight }
            if let payload { asking.insert(payload) }
            return .ask(
                Gatekeeper.Admission(
                    verdict: verdict, reEntry: judgement.reEntry, redeemID: RedeemID.draw(), fresh: judgement.fresh, payload: payload))
        }
        // Decided here: online while the server is reachable (the replica follows its feed),
        // offline when the kiosk is on its own.
        var decided = verdict
        decided.mode = askServer ? .online : .offline
        try record(decided, change: judgement.change)
        if let payload { recent[payload] = (decided, decided.time) }
        return .decided(.new(decided))
    }

    /// The verdict for an admission the server was asked about. The replica is read again: the
    /// feed may have changed the ticket while the question was out.
    func settled(_ admission: Gatekeeper.Admission, answer: RedeemAnswer?) throws -> (Verdict, TicketChange?) {
        let known = try replica.ticket(id: admission.ticketID)
        let ticket = known ?? admission.fresh
        let asked = admission.verdict  // the kiosk's own admit, as it stood when it asked
        guard let answer else {
            // No word from the server: the kiosk decides as it would with no server at all.
            let (verdict, change) = decide(ticket: ticket, reEntry: admission.reEntry, token: nil, source: asked.source, at: asked.time)
            var offline = verdict
            offline.holder = asked.holder
            offline.seat = asked.seat
            offline.ticketClass = asked.ticketClass
            offline.redeemID = admission.redeemID  // the server may have heard it after all
            return (offline, Self.written(change, known: known))
        }
        let answered = answer.reason
        var verdict = asked
        verdict.mode = .online
        verdict.redeemID = admission.redeemID
        verdict.inReplica = known?.origin == .import
        var changed = ticket
        // An `already_used` naming this gate at a time its log has no admit for is this gate's
        // own admission, lost to a crash before it was written (and so never shown): the
        // person is let in now, as the server already counted.
        var ownLostAdmission = false
        if answered == .alreadyUsed, answer.usedGate == gate, let usedAt = answer.usedAt {
            ownLostAdmission = try !replica.hasAdmit(ticketID: admission.ticketID, at: usedAt)
        }
        let reason = ownLostAdmission ? .ok : answered
        switch reason {
        case .ok:
            verdict.reason = .ok
            changed.inside = rules.direction == .entry
            if rules.direction == .entry {
                changed.usedAt = ticket.usedAt ?? asked.time
                changed.usedGate = ticket.usedGate ?? gate
            }
            changed.movedAt = asked.time
        case .alreadyUsed, .notInside:
            verdict.reason = reason
            verdict.usedAt = answer.usedAt
            verdict.usedGate = answer.usedGate
            verdict.detail = nil
            if let usedAt = answer.usedAt, usedAt >= (ticket.movedAt ?? 0) {
                changed.inside = reason == .alreadyUsed
                changed.movedAt = usedAt
                if reason == .alreadyUsed, changed.usedAt == nil {
                    changed.usedAt = usedAt
                    changed.usedGate = answer.usedGate
                }
            }
        case .revoked, .cancelled:
            verdict.reason = reason
            verdict.detail = nil
            changed.status = reason == .revoked ? .revoked : .cancelled
        default:
            verdict.reason = reason
            verdict.detail = nil
            return (verdict, nil)
        }
        if known == nil { return (verdict, .insert(changed)) }
        return (verdict, changed == ticket ? nil : .update(from: ticket, to: changed))
    }

    /// The keys and counters again, after sync changed the replica.
    func reload() throws {
        let ring = try replica.keyRing()
        if ring != keys {
            decoder = try TokenDecoder(keyRing: ring)
            keys = ring
        }
        totals = try replica.counters()
    }

    /// The verdict of the shared admission rules on a ticket, with the words the screen shows
    /// and the replica's change when it passes. `token`: the scanned token, whose class and
    /// validity window count; nil for a ticket staff picked by hand (no window to check).
    func decide(
        ticket: ReplicaTicket, reEntry: Bool, token: TicketToken?, source: ScanSource, at time: Int64
    ) -> (Verdict, TicketChange?) {
        let ticketClass = token?.ticketClass ?? ticket.ticketClass
        let facts = AdmissionRules.Ticket(
            status: ticket.status, ticketClass: ticketClass,
            validFrom: token.flatMap { $0.notBefore == TicketToken.noLowerBound ? nil : Int64($0.notBefore) * 1_000 },
            validUntil: token.flatMap { $0.notAfter == TicketToken.noUpperBound ? nil : Int64($0.notAfter) * 1_000 },
            reEntry: reEntry, standing: ticket.standing)
        let decision = AdmissionRules.decide(facts, at: time, policy: policy)
        var verdict = Verdict(
            reason: decision.reason, ticketID: ticket.id, time: time, source: source, direction: rules.direction, gate: gate,
            holder: token?.holder ?? ticket.holder, seat: token?.seat ?? ticket.seat, ticketClass: ticketClass,
            inReplica: ticket.origin == .import)
        verdict.detail = Self.detail(decision, ticketClass: ticketClass, token: token)
        guard let standing = decision.standing else {
            // Where the ticket was let in, for a refusal about where it stands.
            if decision.reason == .alreadyUsed || decision.reason == .notInside {
                verdict.usedAt = ticket.usedAt
                verdict.usedGate = ticket.usedGate
            }
            return (verdict, nil)
        }
        var changed = ticket
        changed.standing = standing
        return (verdict, .update(from: ticket, to: changed))
    }

    /// The gate's rules as the shared admission rules take them.
    var policy: AdmissionRules.Policy {
        AdmissionRules.Policy(
            direction: rules.direction, acceptedClasses: rules.acceptedClasses, graceMilliseconds: rules.graceMilliseconds, gate: gate)
    }

    /// The words under the verdict: what the rules noted, or which rule refused.
    static func detail(_ decision: AdmissionRules.Decision, ticketClass: UInt16?, token: TicketToken?) -> String? {
        switch decision.note {
        case .reEntry: return "re-entry"
        case .stillInside: return "still inside: scan at an exit first"
        case .mayComeBackIn: return "may come back in"
        case .noReEntry: return "no re-entry on this ticket"
        case .repeatedRedeem, nil: break
        }
        switch decision.reason {
        case .wrongClass: return ticketClass.map { "class \($0)" }
        case .notYetValid: return token.map { "valid from \(KioskTime.clockTime(milliseconds: Int64($0.notBefore) * 1_000))" }
        case .expired: return token.map { "valid until \(KioskTime.clockTime(milliseconds: Int64($0.notAfter) * 1_000))" }
        default: return nil
        }
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
