import Foundation
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

/// The real kiosk process killed with SIGKILL in the middle of a queue of people.
@Suite("Gate kiosk crash safety", .serialized)
struct GateCrashTests {
    @Test("kill -9 during a scan burst: no admitted scan lost, none recorded twice, and the rerun admits each ticket once")
    func killDuringBurst() async throws {
        let gate = try GateHarness()
        let count = 150
        // A live source runs on the wall clock, so these tickets are valid now.
        let now = Int64(Date().timeIntervalSince1970)
        let frames = try (0..<count).map { index in
            let token = try gate.token(7_000 + UInt64(index), notBefore: now - 3_600, notAfter: now + 3_600)
            return try Scene(text: token, centreX: 300 + Double(index % 40), seed: UInt64(index)).frame()
        }
        let clip = gate.directory.file("queue.y4m")
        try Y4MWriter.write(frames, to: clip, framesPerSecond: 30)

        // In real time, as a camera delivers them: five seconds of people; killed a third of the way.
        let kiosk = try ChildProcess(GateHarness.runner, ["run", "--data", gate.data, "--source", clip, "--json", "--realtime"])
        #expect(await kiosk.killHard(whenOutput: { Self.admittedIDs(in: $0).count >= 40 }), "\(kiosk.outputSoFar)")
        let printed = Set(Self.admittedIDs(in: kiosk.outputSoFar).compactMap(UInt64.init))
        #expect(printed.count >= 40 && printed.count < count, "the kill must land mid-burst (\(printed.count) admitted)")

        let recorded = try Self.admitCounts(gate)
        #expect(recorded.values.allSatisfy { $0 == 1 }, "a ticket admitted twice")
        #expect(printed.isSubset(of: Set(recorded.keys)), "a verdict was shown before its scan was on disk")
        #expect(recorded.count <= printed.count + 1, "at most the scan being printed at the kill is recorded but unseen")

        // The same people again: those already in are told so; everyone else gets in, once.
        let rerun = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", clip, "--json", "--clock-start", String(now)])
        #expect(rerun.status == 0)
        let lines = rerun.standardOutput.split(separator: "\n").map { GateHarness.Verdict(line: String($0)) }
        #expect(lines.count == count)
        for line in lines {
            let before = recorded[line.ticketID.flatMap(UInt64.init) ?? 0] != nil
            #expect(line.reason == (before ? "already_used" : "ok"), "\(line)")
        }
        let final = try Self.admitCounts(gate)
        #expect(final.count == count && final.values.allSatisfy { $0 == 1 })
        let database = try SQLiteDatabase(path: gate.directory.file("kiosk/kiosk.sqlite"), readOnly: true)
        #expect(try database.scalar("PRAGMA integrity_check", as: String.self) == "ok")
    }

    static func admittedIDs(in output: String) -> [String] {
        output.split(separator: "\n").map { GateHarness.Verdict(line: String($0)) }.filter(\.admitted).compactMap(\.ticketID)
    }

    /// Admitted scans per ticket id, as the kiosk's own database holds them.
    static func admitCounts(_ gate: GateHarness) throws -> [UInt64: Int] {
        let database = try SQLiteDatabase(path: gate.directory.file("kiosk/kiosk.sqlite"), readOnly: true)
        let rows = try database.rows("SELECT ticket_id, COUNT(*) AS admits FROM scan WHERE verdict = 'admit' GROUP BY ticket_id")
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0["ticket_id"], try $0["admits"]) })
    }
}
