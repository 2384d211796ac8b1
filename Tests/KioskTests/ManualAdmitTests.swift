import Foundation
@testable import Kiosk
import Shared
import Testing
import TestSupport

/// A staff member's manual admit from the lookup screen goes through the one event stream, so
/// the turnstile hook and `--json` hear of it as they hear of a camera's verdict.
@Suite("Manual admit from the screen")
struct ManualAdmitTests {
    @Test("typing a name and Enter admits the ticket, recorded and published to every consumer, source manual")
    func manualAdmitIsPublished() async throws {
        let directory = TemporaryDirectory()
        let replica = try KioskReplica.initialise(
            directory: directory.path, eventID: 2026, gate: "North-1", keys: KeyRing.generate().kioskExport, now: 0)
        _ = try replica.apply(TicketImport(eventID: 2026, tickets: [.init(ticketID: 1001, status: .valid, holder: "Ada Lovelace")]), name: "test", now: 1)
        let gatekeeper = try Gatekeeper(replica: replica, rules: GateRules())
        let events = ScanEvents()
        let turnstile = events.subscribe("turnstile")
        let screen = ScreenService(gatekeeper: gatekeeper, events: events, clock: .fixed(at: 1_790_000_000_000))

        screen.handleKeys(Array("Ada".utf8), now: 1_790_000_000_000)
        screen.handleKeys([13], now: 1_790_000_000_000)
        events.finish()

        var heard: [Verdict] = []
        for await event in turnstile {
            if case .verdict(.new(let verdict), _) = event { heard.append(verdict) }
        }
        #expect(heard.count == 1)
        #expect(heard.first?.admitted == true && heard.first?.source == .manual && heard.first?.ticketID == 1001)
        #expect(gatekeeper.counters().admitted == 1, "recorded in the scan log before anyone heard of it")
    }
}
