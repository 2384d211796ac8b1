import Kiosk
import Shared
import Testing

/// The gate's rules on payload bytes and a clock the test sets, without frames or zbar: one
/// Y4M end-to-end test per path lives in `GateRunTests`.
@Suite("Gatekeeper rules")
struct GatekeeperRuleTests {
    static let start = GateHarness.clockStart * 1_000

    func gatekeeper(_ gate: GateHarness, direction: Direction = .entry, classes: Set<UInt16>? = nil) throws -> Gatekeeper {
        try Gatekeeper(
            replica: try KioskReplica(directory: gate.data),
            rules: GateRules(direction: direction, acceptedClasses: classes, graceMilliseconds: 15 * 60_000, debounceMilliseconds: 10_000))
    }

    func reason(_ outcome: Gatekeeper.Outcome) -> String { outcome.verdict.reason.rawValue }

    @Test("every reason from the token and the window, each from its own bytes")
    func tokenAndWindowReasons() throws {
        let gate = try GateHarness()
        let keeper = try gatekeeper(gate, classes: [1])
        let valid = Array(try gate.token(1).utf8)
        var flipped = valid
        flipped[40] = flipped[40] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let cases: [(payload: [UInt8], reason: String)] = [
            (Array("https://example.org".utf8), "not_a_ticket"),
            (Array("FT1:ZZ".utf8), "malformed"),
            (flipped, "bad_signature"),
            (Array(try gate.token(2, event: 1).utf8), "wrong_event"),
            (Array(try gate.token(3, ticketClass: 9).utf8), "wrong_class"),
            (Array(try gate.token(4, notBefore: GateHarness.clockStart + 3_600).utf8), "not_yet_valid"),
            (Array(try gate.token(5, notAfter: GateHarness.clockStart - 3_600).utf8), "expired"),
            (valid, "ok"),
        ]
        for (offset, entry) in cases.enumerated() {
            // Each at its own moment, far enough apart that no debounce window joins them.
            #expect(reason(try keeper.scan(entry.payload, at: Self.start + Int64(offset) * 60_000)) == entry.reason)
        }
    }

    @Test("held up within the debounce window it is one verdict; shown again later it is already_used; exit then re-entry")
    func debounceAndDirections() throws {
        let gate = try GateHarness()
        let entry = try gatekeeper(gate)
        let token = Array(try gate.token(7, flags: [.reEntry]).utf8)
        let first = try entry.scan(token, at: Self.start)
        #expect(reason(first) == "ok")
        #expect(try entry.scan(token, at: Self.start + 9_000) == .repeated(first.verdict))  // still the same showing
        #expect(reason(try entry.scan(token, at: Self.start + 30_000)) == "already_used")
        #expect(entry.counters().admitted == 1 && entry.counters().rejected == 1 && entry.counters().inside == 1)

        let exit = try gatekeeper(gate, direction: .exit)
        #expect(reason(try exit.scan(token, at: Self.start + 60_000)) == "ok")
        #expect(reason(try exit.scan(Array(try gate.token(8).utf8), at: Self.start + 61_000)) == "not_inside")
        #expect(reason(try entry.scan(token, at: Self.start + 120_000)) == "ok")  // re-entry allowed after leaving
    }
}
