import Foundation
import GateScenes
import Kiosk
import Shared
import Testing

/// What the kiosk does with a verdict besides recording it: the admit hook and the screen.
@Suite("Gate kiosk outputs")
struct GateOutputTests {
    @Test("--on-admit runs once per admit with the ticket in its environment; a hanging command is killed, never blocking scans")
    func admitHook() async throws {
        let gate = try GateHarness()
        let log = gate.directory.file("relay.log")
        let frames = try (0..<3).map { try Scene.holding(try gate.token(8_000 + UInt64($0)), seed: UInt64($0)).frame() }
        let rejected = try Scene.holding(try gate.token(8_100, event: 1)).frame()
        let verdicts = try await gate.run(frames + [rejected], arguments: ["--on-admit", "echo \"$FG_TICKET_ID $FG_DIRECTION $FG_GATE\" >> \(log)"])
        #expect(verdicts.map(\.reason) == ["ok", "ok", "ok", "wrong_event"])
        // The hook runs beside the scanning, and the kiosk waits for its commands before it exits.
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(Set(lines) == ["8000 entry North-1", "8001 entry North-1", "8002 entry North-1"])

        let started = Date()
        let clip = gate.directory.file("slow.y4m")
        try Y4MWriter.write([try Scene.holding(try gate.token(8_200)).frame()], to: clip)
        let hanging = try await GateHarness.runner.run([
            "run", "--data", gate.data, "--source", clip, "--json", "--clock-start", String(GateHarness.clockStart),
            "--on-admit", "sleep 30", "--on-admit-timeout", "0.5",
        ])
        #expect(hanging.standardOutput.contains(#""reason":"ok""#))
        #expect(hanging.standardError.contains("--on-admit command killed after 0.5 s"), "\(hanging.standardError)")
        #expect(Date().timeIntervalSince(started) < 20, "a hanging --on-admit command must not hold the kiosk")
    }

    @Test("the screen fits 80x24 exactly and says STOP with the reason and where the ticket was used")
    func screenAt80x24() {
        var state = ScreenState(gate: "North-1", eventID: 2026, direction: .entry)
        let now: Int64 = 1_790_000_000_000
        state.verdict = Verdict(
            reason: .alreadyUsed, ticketID: 42, time: now, source: .camera, direction: .entry, gate: "North-1",
            holder: "Ada Lovelace", seat: "A-1", ticketClass: 1, usedAt: now - 600_000, usedGate: "South-2")
        state.verdictShownAt = now
        let frame = KioskScreen.render(state, columns: 80, rows: 24, now: now)
        let lines = frame.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.count == 24)
        let visible = lines.map { $0.replacing(/\u{1B}\[[0-9;?]*[A-Za-z]/, with: "") }
        #expect(visible.allSatisfy { $0.count == 80 })
        let text = visible.joined(separator: "\n")
        #expect(text.contains("████"), "the verdict in big letters")
        #expect(text.contains("TICKET ALREADY USED") && text.contains("Ada Lovelace") && text.contains("at gate South-2"))
        #expect(frame.contains("\u{1B}[1;97;41m"), "red for a reject")

        state.verdictShownAt = now - KioskScreen.verdictHold - 1
        #expect(KioskScreen.render(state, columns: 80, rows: 24, now: now).contains("hold your ticket"))
    }
}
