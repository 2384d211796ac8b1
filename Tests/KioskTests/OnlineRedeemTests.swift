import GateProtocol
@testable import Kiosk
import Shared
import Testing

/// How the server's answer to an online redeem becomes the verdict and the replica's state, on
/// the gatekeeper alone (the whole path, with a real server and kiosk processes, is in
/// `GateNetworkTests`).
@Suite("Online redeem: the server's answer decides")
struct OnlineRedeemTests {
    static let start = GateHarness.clockStart * 1_000

    func asked(_ keeper: Gatekeeper, _ payload: [UInt8], at time: Int64 = start) throws -> Gatekeeper.Admission {
        guard case .ask(let admission) = try keeper.check(payload, at: time, askServer: true) else {
            Issue.record("a valid ticket is handed to the server")
            throw CancellationError()
        }
        return admission
    }

    @Test("ok admits online with the redeem's id; a second sighting while the question is out waits for it")
    func okAdmits() throws {
        let gate = try GateHarness()
        let keeper = try Gatekeeper(replica: try KioskReplica(directory: gate.data), rules: GateRules())
        let payload = Array(try gate.token(1001).utf8)
        let admission = try asked(keeper, payload)
        guard case .inFlight = try keeper.check(payload, at: Self.start + 50, askServer: true) else {
            Issue.record("the same code while it is being redeemed is not judged twice")
            return
        }
        let verdict = try keeper.settle(admission, answer: RedeemAnswer(reason: .ok))
        #expect(verdict.admitted && verdict.mode == .online && verdict.redeemID == admission.redeemID)
        #expect(try KioskReplica(directory: gate.data).ticket(id: 1001)?.inside == true)
        #expect(keeper.counters().admitted == 1 && keeper.counters().pending == 1)
        let pushed = try keeper.pendingScans(limit: 10)
        #expect(pushed.map(\.mode) == [.online] && pushed.first?.redeemID == admission.redeemID)
    }

    @Test("already_used at another gate refuses, with when and where, and the replica learns it")
    func alreadyUsedElsewhere() throws {
        let gate = try GateHarness()
        let keeper = try Gatekeeper(replica: try KioskReplica(directory: gate.data), rules: GateRules())
        let admission = try asked(keeper, Array(try gate.token(1002).utf8))
        let verdict = try keeper.settle(admission, answer: RedeemAnswer(reason: .alreadyUsed, usedAt: Self.start - 5_000, usedGate: "South-1"))
        #expect(verdict.reason == .alreadyUsed && verdict.usedGate == "South-1" && verdict.usedAt == Self.start - 5_000)
        let ticket = try KioskReplica(directory: gate.data).ticket(id: 1002)
        #expect(ticket?.inside == true && ticket?.usedGate == "South-1")
    }

    @Test("already_used naming this gate at a time its log has no admit for is its own admission lost to a crash: let in")
    func ownLostAdmission() throws {
        let gate = try GateHarness()
        let keeper = try Gatekeeper(replica: try KioskReplica(directory: gate.data), rules: GateRules())
        let admission = try asked(keeper, Array(try gate.token(1003).utf8))
        let verdict = try keeper.settle(
            admission, answer: RedeemAnswer(reason: .alreadyUsed, usedAt: Self.start - 1_000, usedGate: keeper.gate))
        #expect(verdict.admitted && verdict.mode == .online)
    }

    @Test("no answer in time: the replica decides, offline; revoked and not_issued refuse and the replica takes the server's word")
    func offlineAndRefusals() throws {
        let gate = try GateHarness()
        let keeper = try Gatekeeper(replica: try KioskReplica(directory: gate.data), rules: GateRules())
        let offline = try keeper.settle(try asked(keeper, Array(try gate.token(1004).utf8)), answer: nil)
        #expect(offline.admitted && offline.mode == .offline && offline.holder != nil)

        let revoked = try keeper.settle(try asked(keeper, Array(try gate.token(1005).utf8)), answer: RedeemAnswer(reason: .revoked))
        #expect(revoked.reason == .revoked && revoked.mode == .online)
        #expect(try KioskReplica(directory: gate.data).ticket(id: 1005)?.status == .revoked)
        let unknown = try keeper.settle(try asked(keeper, Array(try gate.token(1006).utf8)), answer: RedeemAnswer(reason: .notIssued))
        #expect(unknown.reason == .notIssued)
        // The kiosk's own refusals are decided at once, online while the server is reachable.
        guard case .decided(let repeated) = try keeper.check(Array(try gate.token(1005).utf8), at: Self.start + 60_000, askServer: true) else {
            Issue.record("a ticket the replica knows is revoked is refused without asking")
            return
        }
        #expect(repeated.verdict.reason == .revoked && repeated.verdict.mode == .online)
    }

    @Test("the status line says online or offline, the replica's age and the unsynced count, and warns of a clock off by over a minute")
    func statusLine() {
        var state = ScreenState(gate: "North-1", eventID: 1, direction: .entry)
        state.counters.pending = 3
        state.link = SyncStatus.Snapshot(connection: .online, syncedAt: 1_000_000, clockOffset: 200)
        let online = KioskScreen.render(state, columns: 160, rows: 24, now: 1_012_000)
        #expect(online.contains("ONLINE · replica 12 s old · 3 unsynced") && !online.contains("CLOCK"))
        state.link = SyncStatus.Snapshot(connection: .offline("refused"), syncedAt: 1_000_000, clockOffset: -125_000)
        let offline = KioskScreen.render(state, columns: 200, rows: 24, now: 1_000_000 + 600_000)
        #expect(offline.contains("OFFLINE · replica 10 min old") && offline.contains("CLOCK OFF BY 2 min"))
        state.link = SyncStatus.Snapshot(connection: .revoked)
        #expect(KioskScreen.render(state, columns: 200, rows: 24, now: 0).contains("DEVICE REVOKED"))
    }
}
