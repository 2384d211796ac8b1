import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

/// What an organiser runs on a gate box besides scanning: doctor before the doors open, the
/// scan log export after, and the metrics in between.
@Suite("Gate kiosk operations")
struct KioskOperationsTests {
    @Test("doctor: not ready without a replica or tickets, or with a missing camera, each with its reason; ready once imported")
    func doctor() async throws {
        let gate = try GateHarness()
        let missing = try await GateHarness.runner.run(["doctor", "--data", gate.directory.file("nowhere"), "--source", "/dev/video97"])
        #expect(missing.status == 1)
        #expect(missing.standardOutput.contains("PROBLEM  camera: no camera at /dev/video97"), "\(missing.standardOutput)")
        #expect(missing.standardOutput.contains("PROBLEM  replica:") && missing.standardError.contains("this gate is not ready"))

        let empty = try await GateHarness.runner.run(["doctor", "--data", gate.data, "--source", "recording.y4m"])
        #expect(empty.status == 1)
        #expect(empty.standardError.contains("no tickets to check against"), "\(empty.standardError)")
        #expect(empty.standardOutput.contains("ok       keys: kid"), "\(empty.standardOutput)")
        #expect(empty.standardOutput.contains("ok       disk:"))

        try gate.importTickets("""
            {"format": "festivalgate-kiosk-import/1", "event_id": 2026,
             "tickets": [{"ticket_id": "1001", "status": "valid", "holder": "Ada Lovelace", "seat": "A-1", "ticket_class": 1}]}
            """)
        let ready = try await GateHarness.runner.run(["doctor", "--data", gate.data, "--source", "recording.y4m", "--json"])
        #expect(ready.status == 0, "\(ready.standardOutput) \(ready.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(ready.standardOutput.utf8)) as? [String: Any])
        #expect(report["ready"] as? Bool == true)
        let checks = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
        #expect(Set(checks).isSuperset(of: ["camera", "data directory", "disk", "replica", "keys", "scans", "server"]), "\(checks)")
    }

    @Test("export-scans writes every scan as CSV and JSON, holder and seat included, on a gate that never synced")
    func exportScans() async throws {
        let gate = try GateHarness()
        try gate.importTickets("""
            {"format": "festivalgate-kiosk-import/1", "event_id": 2026,
             "tickets": [{"ticket_id": "1001", "status": "valid", "holder": "=Ada, \\"the\\" Countess", "seat": "A-1", "ticket_class": 1}]}
            """)
        let token = try gate.token(1001, holder: "=Ada, \"the\" Countess")
        let verdicts = try await gate.run([try Scene.holding(token).frame(), try Scene.holding(nil).frame(), try Scene.holding(token, seed: 2).frame()], arguments: ["--debounce", "0"])
        #expect(verdicts.map(\.reason) == ["ok", "already_used"])

        let csv = try await GateHarness.runner.run(["export-scans", "--data", gate.data])
        #expect(csv.status == 0, "\(csv.standardError)")
        let lines = csv.standardOutput.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(lines[0] == "seq,time,ticket_id,verdict,reason,direction,source,gate,mode,synced,holder,seat,ticket_class")
        #expect(lines[1].contains(",1001,admit,ok,entry,camera,North-1,offline,0,\"'=Ada, \"\"the\"\" Countess\",A-1,1"), "\(lines[1])")
        #expect(lines[2].contains(",1001,reject,already_used,"))

        let file = gate.directory.file("scans.json")
        let json = try await GateHarness.runner.run(["export-scans", "--data", gate.data, "--output", file])
        #expect(json.status == 0 && json.standardError.contains("2 scans written"), "\(json.standardError)")
        #expect(PrivateFiles.mode(of: file).map { $0 & 0o777 } == 0o600)
        let export = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(export["event_id"] as? Int == 2026 && export["gate"] as? String == "North-1")
        let scans = try #require(export["scans"] as? [[String: Any]])
        #expect(scans.map { $0["reason"] as? String } == ["ok", "already_used"])
        #expect(scans.first?["holder"] as? String == "=Ada, \"the\" Countess" && scans.first?["synced"] as? Bool == false)
        #expect(scans.first?["ticket_id"] as? String == "1001")

        let bad = try await GateHarness.runner.run(["export-scans", "--data", gate.data, "--format", "xml"])
        #expect(bad.status == 2 && bad.standardError.contains("--format must be csv or json"))
    }

    @Test("--metrics serves frames, decode time, verdicts by reason and pending scans while the kiosk scans a live stream")
    func metricsWhileScanning() async throws {
        let gate = try GateHarness()
        let process = try ChildProcess(
            GateHarness.runner,
            ["run", "--data", gate.data, "--source", "-", "--realtime", "--json", "--metrics", "127.0.0.1:0"], input: true)
        defer { _ = process.stop(SIGKILL) }
        // The stream's header first: the kiosk reads it before it starts serving.
        try process.write(Y4MWriter.header())
        let port = try #require(process.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#), "\(process.outputSoFar)")
        // Tickets valid now: the live stream is stamped with the kiosk's clock.
        let now = Int64(Date().timeIntervalSince1970)
        let good = try gate.token(5001, notBefore: now - 3_600, notAfter: now + 3_600)
        let other = try gate.token(5002, event: 1, notBefore: now - 3_600, notAfter: now + 3_600)
        for (index, text) in [good, nil, other, nil].enumerated() {
            let frame = Y4MWriter.frame(try Scene(text: text, seed: UInt64(index)).frame())
            for _ in 0..<3 { try process.write(frame) }
        }
        #expect(await process.waitForOutput { $0.components(separatedBy: #""verdict""#).count >= 3 }, "\(process.outputSoFar)")

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: body, as: UTF8.self)
        let values = Dictionary(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
                return (String(line[..<space]), value)
            }, uniquingKeysWith: { $1 })
        #expect(values["festivalgate_kiosk_frames_total"] ?? 0 >= 6, "\(text)")
        #expect(values["festivalgate_kiosk_decode_seconds_count"] == values["festivalgate_kiosk_frames_total"])
        #expect(values[#"festivalgate_kiosk_verdicts_total{verdict="admit",reason="ok",source="camera"}"#] == 1, "\(text)")
        #expect(values[#"festivalgate_kiosk_verdicts_total{verdict="reject",reason="wrong_event",source="camera"}"#] == 1)
        #expect(values["festivalgate_kiosk_pending_scans"] == 2, "both scans wait for a server (this gate has none: they stay here)")
        #expect(values["festivalgate_kiosk_sync_lag_seconds"] == -1, "never synced")
        process.closeInput()
        #expect(await process.waitForExit() == 0)
    }
}
