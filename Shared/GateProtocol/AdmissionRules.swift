/// Whether a ticket may pass a gate: the one copy of the rules. The kiosk's gatekeeper calls it
/// for every scan, the server for every online redeem and every admission a gate pushes
/// afterwards; a rule changed here changes at every gate and on the server at once.
///
/// A pure function of what the caller knows: the ticket's facts, the gate's policy and the
/// time. It reads nothing and writes nothing; the caller records the standing it returns.
public enum AdmissionRules {
    /// The ticket as the caller knows it at the moment of the scan.
    public struct Ticket: Sendable, Equatable {
        public var status: TicketStatus
        /// nil when the caller does not know it (a ticket staff picked from an old replica).
        public var ticketClass: UInt16?
        /// The token's validity window in milliseconds since 1970; an open end when nil (the
        /// server, which sees no token, leaves both open).
        public var validFrom: Int64?
        public var validUntil: Int64?
        /// The token allows coming back in after leaving.
        public var reEntry: Bool
        public var standing: Standing

        public init(
            status: TicketStatus, ticketClass: UInt16?, validFrom: Int64? = nil, validUntil: Int64? = nil, reEntry: Bool,
            standing: Standing
        ) {
            self.status = status
            self.ticketClass = ticketClass
            self.validFrom = validFrom
            self.validUntil = validUntil
            self.reEntry = reEntry
            self.standing = standing
        }
    }

    /// Where a ticket stands at the gates. Times are milliseconds since 1970.
    public struct Standing: Sendable, Equatable {
        public var inside: Bool
        /// The first admitted entry, and at which gate: nil for a ticket never let in.
        public var firstEntryAt: Int64?
        public var firstEntryGate: String?
        /// The last move in or out.
        public var lastMoveAt: Int64?
        /// The online redeem that made the last move, if one did.
        public var lastRedeemID: String?

        public init(
            inside: Bool = false, firstEntryAt: Int64? = nil, firstEntryGate: String? = nil, lastMoveAt: Int64? = nil,
            lastRedeemID: String? = nil
        ) {
            self.inside = inside
            self.firstEntryAt = firstEntryAt
            self.firstEntryGate = firstEntryGate
            self.lastMoveAt = lastMoveAt
            self.lastRedeemID = lastRedeemID
        }

        /// Never let in: no standing at all.
        public static let outside = Standing()
    }

    /// The gate's own rules.
    public struct Policy: Sendable, Equatable {
        public var direction: GateDirection
        /// Classes let through here; nil lets every class through.
        public var acceptedClasses: Set<UInt16>?
        /// Leeway on both ends of the validity window, in milliseconds.
        public var graceMilliseconds: Int64
        /// The gate's name, written into the standing of a ticket it lets in first.
        public var gate: String

        public init(direction: GateDirection, acceptedClasses: Set<UInt16>?, graceMilliseconds: Int64 = 0, gate: String) {
            self.direction = direction
            self.acceptedClasses = acceptedClasses
            self.graceMilliseconds = graceMilliseconds
            self.gate = gate
        }
    }

    /// What the rules say beyond the reason, for the words on a gate's screen.
    public enum Note: Sendable, Equatable {
        /// Let in again after leaving, on a ticket that allows it.
        case reEntry
        /// Refused at an entry because it is inside; the ticket allows re-entry after an exit.
        case stillInside
        /// Let out, and the ticket allows coming back.
        case mayComeBackIn
        /// Let out, and the ticket does not allow coming back.
        case noReEntry
        /// The same redeem asked again: the answer it was first given; nothing moves.
        case repeatedRedeem
    }

    public struct Decision: Sendable, Equatable {
        public let reason: AdmissionReason
        public let note: Note?
        /// The ticket's standing after passing; nil when nothing moves (a refusal, a repeat).
        public let standing: Standing?

        public var admitted: Bool { reason == .ok }

        static func refused(_ reason: AdmissionReason, _ note: Note? = nil) -> Decision {
            Decision(reason: reason, note: note, standing: nil)
        }
    }

    /// The rules, in the order a gate asks them: the ticket's status; the gate's classes; the
    /// validity window with its grace; a redeem asked again; then the direction: an entry lets
    /// in a ticket never used, or one back from an exit that allows re-entry; an exit lets out
    /// a ticket that was let in.
    public static func decide(_ ticket: Ticket, at time: Int64, policy: Policy, redeemID: String? = nil) -> Decision {
        if let refusal = AdmissionReason(refusing: ticket.status) { return .refused(refusal) }
        if let accepted = policy.acceptedClasses, let ticketClass = ticket.ticketClass, !accepted.contains(ticketClass) {
            return .refused(.wrongClass)
        }
        // Overflow-free: a window stretched past Int64's range by a huge grace has no edge there.
        if let validFrom = ticket.validFrom {
            let (earliest, overflow) = validFrom.subtractingReportingOverflow(policy.graceMilliseconds)
            if !overflow, time < earliest { return .refused(.notYetValid) }
        }
        if let validUntil = ticket.validUntil {
            let (latest, overflow) = validUntil.addingReportingOverflow(policy.graceMilliseconds)
            if !overflow, time > latest { return .refused(.expired) }
        }
        let standing = ticket.standing
        if let redeemID, standing.lastRedeemID == redeemID { return Decision(reason: .ok, note: .repeatedRedeem, standing: nil) }
        var moved = standing
        moved.lastMoveAt = time
        moved.lastRedeemID = redeemID
        switch policy.direction {
        case .entry:
            if standing.inside { return .refused(.alreadyUsed, ticket.reEntry ? .stillInside : nil) }
            let usedBefore = standing.firstEntryAt != nil
            if usedBefore, !ticket.reEntry { return .refused(.alreadyUsed) }
            moved.inside = true
            moved.firstEntryAt = standing.firstEntryAt ?? time
            moved.firstEntryGate = standing.firstEntryGate ?? policy.gate
            return Decision(reason: .ok, note: usedBefore ? .reEntry : nil, standing: moved)
        case .exit:
            // A ticket never let in has nothing to leave.
            guard standing.inside || standing.firstEntryAt != nil else { return .refused(.notInside) }
            moved.inside = false
            return Decision(reason: .ok, note: ticket.reEntry ? .mayComeBackIn : .noReEntry, standing: moved)
        }
    }
}
