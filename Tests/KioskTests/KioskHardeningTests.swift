import Foundation
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

@Suite("The kiosk never traps and never lets text steer its screen")
struct KioskHardeningTests {
    @Test("an import used_at of 1e16, a Y4M frame rate of 1/10^17 and --clock-start past 2106 are clear errors, exit 2")
    func overflowingInputsAreErrors() async throws {
        let gate = try GateHarness()
        let hugeUse = try gate.importTickets(
            #"{"format": "festivalgate-kiosk-import/1", "event_id": 2026, "tickets": [{"ticket_id": "1", "status": "valid", "used_at": 1e16}]}"#)
        #expect(hugeUse.status == 2)
        #expect(hugeUse.standardError.contains("tickets[0].used_at must be seconds since 1970"), "\(hugeUse.standardError)")

        let frame = try Scene.holding(nil).frame()
        let header = "YUV4MPEG2 W\(frame.width) H\(frame.height) F1:100000000000000000 Cmono\n"
        let clip = gate.directory.file("slow.y4m")
        try (Data(header.utf8) + Data("FRAME\n".utf8) + Data(frame.pixels)).write(to: URL(fileURLWithPath: clip))
        let slow = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", clip, "--json"])
        #expect(slow.status == 2)
        #expect(slow.standardError.contains("frame rate"), "\(slow.standardError)")

        let normal = gate.directory.file("normal.y4m")
        try Y4MWriter.write([frame], to: normal, framesPerSecond: 10, colourSpace: "mono")
        for start in ["9223372036854775", "-1", "nan", "inf"] {
            let far = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", normal, "--json", "--clock-start", start])
            #expect(far.status == 2, "--clock-start \(start): \(far.standardError)")
            #expect(far.standardError.contains("--clock-start"), "\(far.standardError)")
        }
    }

    @Test("control characters in a holder, seat or gate from the replica reach the screen as U+FFFD, never as commands")
    func screenStripsControlCharacters() {
        let now: Int64 = 1_790_000_000_000
        var state = ScreenState(gate: "North\u{1B}]0;owned\u{7}", eventID: 2026, direction: .entry)
        state.verdict = Verdict(
            reason: .alreadyUsed, ticketID: 42, time: now, source: .camera, direction: .entry, gate: "North-1",
            holder: "Ada\u{1B}[2J\u{1B}[H", seat: "A-1\r\u{202E}", ticketClass: 1, usedAt: now - 600_000, usedGate: "South\u{0}\u{8}")
        state.verdictShownAt = now
        let frame = KioskScreen.render(state, columns: 80, rows: 24, now: now)
        // The screen's own escapes are colour (m) and the home position, nothing else.
        let escapes = frame.matches(of: /\u{1B}\[[0-9;?]*([A-Za-z])/).map { String($0.output.1) }
        #expect(Set(escapes).isSubset(of: ["m", "H"]))
        #expect(frame.components(separatedBy: "\u{1B}[H").count == 2, "one cursor-home, the screen's own")
        #expect(!frame.contains("\u{1B}]") && !frame.contains("\u{7}") && !frame.contains("\u{0}") && !frame.contains("\u{8}"))
        #expect(!frame.contains("\u{202E}") && frame.contains("\u{FFFD}[2J"), "shown as text, not obeyed")
        #expect(frame.contains("Ada\u{FFFD}"))
        let lines = frame.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.count == 24, "a carriage return inside a field must not break the layout")
    }

    @Test("gate-kiosk init refuses a gate name with control characters and keeps kiosk.sqlite 0600 whatever the umask")
    func initChecksGateAndModes() async throws {
        let directory = TemporaryDirectory("festivalgate-kiosk-modes")
        let keys = directory.file("keys.json")
        try KeyFile.write(KeyRing.generate().kioskExport, to: keys)
        let runner = GateHarness.runner
        let bad = try await runner.run(["init", "--data", directory.file("bad"), "--event", "1", "--keys", keys, "--gate", "North\u{1B}[2J"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("printable"))

        let data = directory.file("kiosk")
        let shell = ProductRunner(executable: "/bin/sh")
        let made = try await shell.run(["-c", "umask 000 && exec \"$0\" \"$@\"", runner.executable, "init", "--data", data, "--event", "1", "--keys", keys])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(PrivateFiles.mode(of: data) == 0o700)
        #expect(PrivateFiles.mode(of: data + "/kiosk.sqlite") == 0o600, "the replica holds the AES keys")
    }
}
