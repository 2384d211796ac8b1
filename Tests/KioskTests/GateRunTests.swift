import Foundation
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

/// The whole kiosk without a camera: tokens from the encoder, QR codes from libqrencode drawn
/// into grey frames, a Y4M recording, and the real `gate-kiosk run --json`.
@Suite("Gate kiosk, end to end")
struct GateRunTests {
    @Test("every verdict reason, each with its own code, in the order shown")
    func everyReason() async throws {
        let revokedKey = TokenKey.generate(kid: 2, status: .revoked)
        let gate = try GateHarness(serverKeys: try KeyRing(keys: [.generate(kid: 1), revokedKey]))
        let imported = try gate.importTickets("""
            {"format": "festivalgate-kiosk-import/1", "event_id": 2026,
             "tickets": [{"ticket_id": "1001", "status": "valid", "holder": "Ada Lovelace", "seat": "A-1", "ticket_class": 1},
                         {"ticket_id": "1004", "status": "cancelled", "holder": "Bo", "ticket_class": 1},
                         {"ticket_id": "1005", "status": "valid", "holder": "Cy", "ticket_class": 1, "used_at": 1789998000, "used_gate": "South-2"}],
             "revoked": ["1003"]}
            """)
        #expect(imported.status == 0, "\(imported.standardError)")

        var versionTwo = try #require(Base45.decode(String(try gate.token(1011).dropFirst(4))))
        versionTwo[0] = 2
        let forger = try TokenEncoder(key: .generate(kid: 1))
        let scenes: [(String, String)] = [
            (try gate.token(1001), "ok"),
            (try gate.token(1002), "ok"),
            ("https://example.com/not-a-ticket", "not_a_ticket"),
            ("FT1:this is not base45", "malformed"),
            ("FT1:" + Base45.encode(versionTwo), "unsupported_version"),
            (try gate.token(1012, key: .generate(kid: 9)), "unknown_key"),
            (try gate.token(1013, key: revokedKey), "key_revoked"),
            (try forger.encode(TicketToken(ticketID: 1014, eventID: 2026, ticketClass: 1, seat: "", holder: "Mallory")), "bad_signature"),
            (try gate.token(1015, event: 999), "wrong_event"),
            (try gate.token(1016, ticketClass: 2), "wrong_class"),
            (try gate.token(1017, notBefore: GateHarness.clockStart + 7_200), "not_yet_valid"),
            (try gate.token(1018, notBefore: GateHarness.clockStart - 20_000, notAfter: GateHarness.clockStart - 7_200), "expired"),
            (try gate.token(1003), "revoked"),
            (try gate.token(1004), "cancelled"),
            (try gate.token(1005), "already_used"),
        ]
        let frames = try scenes.enumerated().map { index, scene in try Scene.holding(scene.0, seed: UInt64(index)).frame() }
        let verdicts = try await gate.run(frames, arguments: ["--classes", "1"])
        #expect(verdicts.map(\.reason) == scenes.map(\.1), "\(verdicts)")
        #expect(verdicts.map(\.verdict) == scenes.map { $0.1 == "ok" ? "admit" : "reject" })

        #expect(verdicts[0].ticketID == "1001" && verdicts[0]["in_replica"] as? Bool == true)
        #expect(verdicts[0]["holder"] as? String == "Ada Lovelace" && verdicts[0]["seat"] as? String == "A-1")
        #expect(verdicts[0]["source"] as? String == "camera" && verdicts[0]["time"] as? String == "2026-09-21T14:13:20.000Z")
        #expect(verdicts[1]["in_replica"] as? Bool == false, "bought after the last import: admitted on its signature, and marked")
        #expect(verdicts[2].ticketID == nil)
        #expect(verdicts[14]["used_gate"] as? String == "South-2")
        #expect(verdicts[14]["used_at"] as? String == "2026-09-21T13:40:00.000Z")
    }

    @Test("codes at different places, sizes, angles up to 30°, blurred and noisy, held up for three frames, are all read", arguments: ["mono", "420jpeg"])
    func hardScenes(colourSpace: String) throws {
        let gate = try GateHarness()
        let scenes = [
            Scene(centreX: 320, centreY: 240, moduleSize: 4),
            Scene(centreX: 150, centreY: 130, moduleSize: 3),
            Scene(centreX: 480, centreY: 330, moduleSize: 3.5, degrees: 12),
            Scene(centreX: 330, centreY: 250, moduleSize: 5, degrees: -30),
            Scene(centreX: 300, centreY: 230, moduleSize: 6, degrees: 30, blurPasses: 1),
            Scene(centreX: 320, centreY: 240, moduleSize: 4, degrees: 8, noise: 20),
            Scene(centreX: 250, centreY: 260, moduleSize: 4.5, degrees: -17, blurPasses: 1, noise: 12),
            Scene(centreX: 400, centreY: 200, moduleSize: 4, degrees: 25, blurPasses: 2, noise: 8),
        ]
        // Each code in view for three frames (a tenth of a second at 30 fps), the hand drifting a
        // pixel or two between them, as it does.
        var frames = [GreyFrame]()
        for (index, var scene) in scenes.enumerated() {
            scene.text = try gate.token(5_000 + UInt64(index))
            for step in 0..<3 {
                scene.seed = UInt64(index * 3 + step)
                scene.centreX += Double(step)
                scene.centreY += Double(step)
                frames.append(try scene.frame())
            }
        }
        let verdicts = try gate.runExecutable(frames, colourSpace: colourSpace)
        #expect(verdicts.count == scenes.count, "\(verdicts)")
        let expected: Set<String> = Set((0..<scenes.count).map { String(5_000 + $0) })
        let read: Set<String> = Set(verdicts.compactMap(\.ticketID))
        #expect(read == expected)
        #expect(verdicts.allSatisfy { $0.admitted })
    }

    @Test("a ticket held up for seconds is one scan; shown again after the window it is already used")
    func debounce() async throws {
        let gate = try GateHarness()
        let token = try gate.token(2001)
        let held = try (0..<12).map { try Scene(text: token, centreX: 300 + Double($0), seed: UInt64($0)).frame() }
        let empty = try Scene(text: nil).frame()
        // Two frames a second: six seconds in view, twelve away, then back.
        let frames = held + Array(repeating: empty, count: 24) + held.prefix(2)
        let verdicts = try await gate.run(frames, framesPerSecond: 2)
        #expect(verdicts.map(\.reason) == ["ok", "already_used"], "\(verdicts)")
        #expect(verdicts[1]["used_gate"] as? String == "North-1")
        #expect(verdicts[1]["used_at"] as? String == verdicts[0]["time"] as? String)
    }

    @Test("entry, exit and re-entry: only re-entry tickets come back in after leaving")
    func entryExitReentry() async throws {
        let gate = try GateHarness()
        let reEntry = try gate.token(3001, flags: .reEntry)
        let once = try gate.token(3002)
        let never = try gate.token(3003)
        let both = try [reEntry, once].enumerated().map { try Scene.holding($1, seed: UInt64($0)).frame() }

        #expect(try await gate.run(both).map(\.reason) == ["ok", "ok"])
        let exits = try await gate.run(both + [try Scene.holding(never).frame()], clockStart: GateHarness.clockStart + 600, arguments: ["--direction", "exit"])
        #expect(exits.map(\.reason) == ["ok", "ok", "not_inside"])
        #expect(exits.allSatisfy { $0["direction"] as? String == "exit" })
        let back = try await gate.run(both, clockStart: GateHarness.clockStart + 1_200)
        #expect(back.map(\.reason) == ["ok", "already_used"], "\(back)")
        #expect(back[0]["detail"] as? String == "re-entry")
    }

    @Test("a revocation imported after admission stops the ticket at its next scan")
    func revocationFromImport() async throws {
        let gate = try GateHarness()
        let token = try gate.token(4001, flags: .reEntry)
        #expect(try await gate.run([try Scene.holding(token).frame()]).map(\.reason) == ["ok"])
        let imported = try gate.importTickets(#"{"format": "festivalgate-kiosk-import/1", "event_id": 2026, "revoked": ["4001"]}"#)
        #expect(imported.status == 0 && imported.standardOutput.contains("1 revoked"))
        #expect(try await gate.run([try Scene.holding(token).frame()], clockStart: GateHarness.clockStart + 60).map(\.reason) == ["revoked"])
    }

    @Test("a bad import file is refused whole, naming the field")
    func badImport() async throws {
        let gate = try GateHarness()
        let cases = [
            (#"{"format": "festivalgate-kiosk-import/1", "event_id": 2026, "tickets": [{"ticket_id": "1", "status": "valid"}, {"ticket_id": 2, "status": "valid"}]}"#,
             "tickets[1].ticket_id must be a ticket id as a decimal string"),
            (#"{"format": "festivalgate-kiosk-import/1", "event_id": 7, "tickets": []}"#, "it is for event 7, but this kiosk checks event 2026"),
            (#"{"format": "something-else", "event_id": 2026}"#, "\"format\" must be"),
            ("[1, 2", "not valid JSON"),
            (#"{"format": "festivalgate-kiosk-import/1", "event_id": 2026, "tickets": [{"ticket_id": "5", "status": "lost"}]}"#,
             "tickets[0].status must be"),
        ]
        for (json, message) in cases {
            let outcome = try gate.importTickets(json)
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains(message) && outcome.standardError.contains("nothing imported"), "\(outcome.standardError)")
        }
        let replica = try KioskReplica(directory: gate.data)
        #expect(try replica.ticketCount() == 0)
    }

    @Test("a source that is not Y4M, or ends mid-frame, is a clear error")
    func badSources() async throws {
        let gate = try GateHarness()
        let notVideo = gate.directory.file("notes.txt")
        try "hello".write(toFile: notVideo, atomically: true, encoding: .utf8)
        let refused = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", notVideo, "--json"])
        #expect(refused.status == 2)
        #expect(refused.standardError == "gate-kiosk: error: \(notVideo) is not a Y4M stream: it starts with \"hello\", not YUV4MPEG2\n")

        let clip = Y4MWriter.data([try Scene.holding(try gate.token(6001)).frame(), try Scene.holding(nil).frame()])
        let cut = gate.directory.file("cut.y4m")
        try clip.prefix(clip.count - 1_000).write(to: URL(fileURLWithPath: cut))
        let truncated = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", cut, "--json"])
        #expect(truncated.status == 2)
        #expect(truncated.standardOutput.contains(#""ticket_id":"6001""#), "the frames before the cut are still judged")
        #expect(truncated.standardError.contains("frame 2: the stream ends inside the frame"), "\(truncated.standardError)")

        let missing = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", "/dev/video7", "--json"])
        #expect(missing.status == 2)
        #expect(missing.standardError == "gate-kiosk: error: no camera at /dev/video7\n")

        let noReplica = try await GateHarness.runner.run(["run", "--data", gate.directory.file("nowhere"), "--source", cut, "--json"])
        #expect(noReplica.status == 2)
        #expect(noReplica.standardError.contains("holds no kiosk replica"), "\(noReplica.standardError)")
    }
}
