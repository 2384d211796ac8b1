import Foundation
import GateProtocol
import Testing

/// The admission rules over a table of cases: every reason, entry and exit, re-entry, the grace
/// at both ends of the window, a repeated redeem. The kiosk and the server both run exactly
/// this function, so one table covers both.
@Suite("Admission rules")
struct AdmissionRulesTests {
    typealias Rules = AdmissionRules

    static let now: Int64 = 1_800_000_000_000
    static let minute: Int64 = 60_000
    static let entry = Rules.Policy(direction: .entry, acceptedClasses: nil, graceMilliseconds: 15 * minute, gate: "North")
    static let exit = Rules.Policy(direction: .exit, acceptedClasses: nil, graceMilliseconds: 15 * minute, gate: "North out")
    static let usedAtSouth = Rules.Standing(inside: true, firstEntryAt: now - 60 * minute, firstEntryGate: "South", lastMoveAt: now - 60 * minute)
    static let leftAgain = Rules.Standing(inside: false, firstEntryAt: now - 60 * minute, firstEntryGate: "South", lastMoveAt: now - 30 * minute)

    static func ticket(
        _ status: TicketStatus = .valid, class ticketClass: UInt16? = 1, from: Int64? = nil, until: Int64? = nil, reEntry: Bool = false,
        _ standing: Rules.Standing = .outside
    ) -> Rules.Ticket {
        Rules.Ticket(status: status, ticketClass: ticketClass, validFrom: from, validUntil: until, reEntry: reEntry, standing: standing)
    }

    /// A valid ticket standing as given.
    static func ticket(_ standing: Rules.Standing) -> Rules.Ticket {
        ticket(.valid, standing)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let ticket: Rules.Ticket
        var policy = AdmissionRulesTests.entry
        var at = AdmissionRulesTests.now
        var redeemID: String? = nil
        let reason: AdmissionReason
        var note: Rules.Note? = nil
        var testDescription: String { name }
    }

    static let refusals: [Case] = [
        Case(name: "revoked", ticket: ticket(.revoked), reason: .revoked),
        Case(name: "cancelled", ticket: ticket(.cancelled), reason: .cancelled),
        Case(name: "revoked at an exit too", ticket: ticket(.revoked, usedAtSouth), policy: exit, reason: .revoked),
        Case(name: "status before class: revoked of a class not taken here", ticket: ticket(.revoked, class: 3),
             policy: .init(direction: .entry, acceptedClasses: [1], gate: "VIP"), reason: .revoked),
        Case(name: "a class this gate does not take", ticket: ticket(class: 3),
             policy: .init(direction: .entry, acceptedClasses: [1, 2], gate: "VIP"), reason: .wrongClass),
        Case(name: "a class not taken, at an exit", ticket: ticket(class: 3, usedAtSouth),
             policy: .init(direction: .exit, acceptedClasses: [1], gate: "VIP out"), reason: .wrongClass),
        Case(name: "too early, one millisecond past the grace", ticket: ticket(from: now + 15 * minute + 1), reason: .notYetValid),
        Case(name: "too late, one millisecond past the grace", ticket: ticket(until: now - 15 * minute - 1), reason: .expired),
        Case(name: "inside already", ticket: ticket(usedAtSouth), reason: .alreadyUsed),
        Case(name: "inside already, with re-entry: leave first", ticket: ticket(reEntry: true, usedAtSouth), reason: .alreadyUsed, note: .stillInside),
        Case(name: "used and left, without re-entry", ticket: ticket(leftAgain), reason: .alreadyUsed),
        Case(name: "never let in has nothing to leave", ticket: ticket(), policy: exit, reason: .notInside),
        Case(name: "a redeem asked again is not a pass for a revoked ticket", ticket: ticket(.revoked, usedAtSouth),
             redeemID: "r1", reason: .revoked),
    ]

    static let admissions: [Case] = [
        Case(name: "first entry", ticket: ticket(), reason: .ok),
        Case(name: "every class when the gate names none", ticket: ticket(class: 60_000), reason: .ok),
        Case(name: "a class unknown to the caller passes the class rule", ticket: ticket(class: nil),
             policy: .init(direction: .entry, acceptedClasses: [1], gate: "VIP"), reason: .ok),
        Case(name: "early, at the very edge of the grace", ticket: ticket(from: now + 15 * minute), reason: .ok),
        Case(name: "late, at the very edge of the grace", ticket: ticket(until: now - 15 * minute), reason: .ok),
        Case(name: "re-entry after leaving", ticket: ticket(reEntry: true, leftAgain), reason: .ok, note: .reEntry),
        Case(name: "exit, may come back", ticket: ticket(reEntry: true, usedAtSouth), policy: exit, reason: .ok, note: .mayComeBackIn),
        Case(name: "exit, no re-entry", ticket: ticket(usedAtSouth), policy: exit, reason: .ok, note: .noReEntry),
        Case(name: "exit of one let in but marked out elsewhere", ticket: ticket(leftAgain), policy: exit, reason: .ok, note: .noReEntry),
        Case(name: "the same redeem asked again: its first answer, nothing moves",
             ticket: ticket(Rules.Standing(inside: true, firstEntryAt: now, firstEntryGate: "North", lastMoveAt: now, lastRedeemID: "r1")),
             redeemID: "r1", reason: .ok, note: .repeatedRedeem),
    ]

    @Test("refusals: the reason, and nothing moves", arguments: refusals)
    func refused(_ example: Case) {
        let decision = Rules.decide(example.ticket, at: example.at, policy: example.policy, redeemID: example.redeemID)
        #expect(decision.reason == example.reason && decision.note == example.note)
        #expect(!decision.admitted && decision.standing == nil)
    }

    @Test("admissions: ok, with the note the screen shows", arguments: admissions)
    func admitted(_ example: Case) {
        let decision = Rules.decide(example.ticket, at: example.at, policy: example.policy, redeemID: example.redeemID)
        #expect(decision.reason == example.reason && decision.note == example.note)
        #expect(decision.admitted)
    }

    @Test("the standing after a move: first entry recorded once, last move and redeem each time")
    func standings() {
        let first = Rules.decide(Self.ticket(reEntry: true), at: Self.now, policy: Self.entry, redeemID: "a")
        #expect(first.standing == Rules.Standing(inside: true, firstEntryAt: Self.now, firstEntryGate: "North", lastMoveAt: Self.now, lastRedeemID: "a"))
        let out = Rules.decide(Self.ticket(reEntry: true, first.standing!), at: Self.now + Self.minute, policy: Self.exit)
        #expect(out.standing == Rules.Standing(inside: false, firstEntryAt: Self.now, firstEntryGate: "North", lastMoveAt: Self.now + Self.minute))
        let back = Rules.decide(
            Self.ticket(reEntry: true, out.standing!), at: Self.now + 2 * Self.minute,
            policy: .init(direction: .entry, acceptedClasses: nil, gate: "South"), redeemID: "b")
        #expect(back.standing?.firstEntryGate == "North" && back.standing?.firstEntryAt == Self.now, "the first entry stays")
        #expect(back.standing?.inside == true && back.standing?.lastMoveAt == Self.now + 2 * Self.minute && back.standing?.lastRedeemID == "b")
        let importedUse = Rules.decide(
            Self.ticket(reEntry: true, .init(inside: false, firstEntryAt: Self.now - Self.minute)), at: Self.now, policy: Self.entry)
        #expect(importedUse.standing?.firstEntryGate == "North", "a use known without its gate is put down to this one")
    }

    @Test("every word decodes from its wire spelling, and an unknown one is an error that names it")
    func vocabulary() throws {
        let decoder = JSONDecoder()
        for reason in AdmissionReason.allCases {
            #expect(try decoder.decode(AdmissionReason.self, from: Data("\"\(reason.rawValue)\"".utf8)) == reason)
        }
        #expect(try decoder.decode([GateDirection].self, from: Data(#"["entry","exit"]"#.utf8)) == [.entry, .exit])
        #expect(throws: DecodingError.self) { try decoder.decode(AdmissionReason.self, from: Data(#""too_drunk""#.utf8)) }
        let unknown = #expect(throws: DecodingError.self) { try decoder.decode(ScanMode.self, from: Data(#""telepathic""#.utf8)) }
        #expect(unknown.map { "\($0)".contains("telepathic") } == true, "the error names the word: \(String(describing: unknown))")
    }
}
