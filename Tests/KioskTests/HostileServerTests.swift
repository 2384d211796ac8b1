import Foundation
import GateProtocol
@testable import Kiosk
import Shared
import Testing
import TestSupport

/// The kiosk is the gate: a hostile or broken server, or a stale file, must never stop it, keep
/// it busy, reach the operator's terminal or undo what it knows (issue 21, 5–8). The real
/// `gate-kiosk` runs against a scripted server on loopback.
@Suite("Kiosk: a hostile server and stale files")
struct HostileServerTests {
    static let kiosk = ProductRunner(product: "gate-kiosk")

    /// Runs `gate-kiosk` on a thread of its own: the server in this process answers on Swift's
    /// threads, which a waiting test must not hold.
    func kiosk(_ arguments: [String]) async throws -> ProductRunner.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try Self.kiosk.run(arguments) }) }
        }
    }

    /// `gate-kiosk enroll` against `server` into `directory`.
    func enroll(_ server: HostileServer, in directory: TemporaryDirectory) async throws -> ProductRunner.Outcome {
        try await kiosk(["enroll", "--data", directory.file("kiosk"), "--server", server.url.absoluteString, "--code", "K7QF-29XM"])
    }

    /// The kiosk's exit status for a refusal; a trap would end it by a signal instead.
    static let refused: Int32 = 2

    /// Neither stream carries a byte a terminal would act on.
    func noControlBytes(_ outcome: ProductRunner.Outcome) -> Bool {
        !(outcome.standardOutput + outcome.standardError).unicodeScalars.contains { $0.value == 0x1B || (0x80...0x9F).contains($0.value) }
    }

    @Test("5. an extreme server_time from enroll or the feed is refused with a reason; the kiosk never traps")
    func crashOnExtremeTime() async throws {
        let extreme = String(Int64.min)
        try await HostileServer.run(enroll: { .init(body: HostileServer.enrollAnswer(serverTime: extreme)) }) { server in
            let directory = TemporaryDirectory("festivalgate-hostile")
            let outcome = try await enroll(server, in: directory)
            #expect(outcome.status == Self.refused, "refused, not trapped: \(outcome.status) \(outcome.standardError)")
            #expect(outcome.standardError.contains("server_time"), "\(outcome.standardError)")
        }
        try await HostileServer.run(changes: { after in .init(body: HostileServer.feedPage(lastSeq: after, serverTime: extreme)) }) { server in
            let directory = TemporaryDirectory("festivalgate-hostile")
            let outcome = try await enroll(server, in: directory)
            #expect(outcome.status == Self.refused && outcome.standardError.contains("server_time"), "\(outcome.status) \(outcome.standardError)")
            // Enrolled all the same; its clock offset is the sane one from enrollment.
            let status = try await kiosk(["status", "--data", directory.file("kiosk")])
            #expect(status.status == 0, "\(status.standardError)")
            let offset = try #require((try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])?["clock_offset_ms"] as? Int)
            #expect(abs(offset) < 400 * 86_400_000, "the offset comes from the believable enrollment answer: \(offset)")
        }
    }

    @Test("6. a feed that never ends: more with the same last_seq is an error that stops the round after a call or two")
    func feedThatNeverEnds() async throws {
        try await HostileServer.run(changes: { _ in .init(body: HostileServer.feedPage(lastSeq: 5, more: true)) }) { server in
            let directory = TemporaryDirectory("festivalgate-hostile")
            let outcome = try await enroll(server, in: directory)
            #expect(outcome.status == Self.refused && outcome.standardError.contains("did not advance past 5"), "\(outcome.standardError)")
            #expect(server.calls(to: "gate/changes") == 2, "one page, then the one that did not move: \(server.calls(to: "gate/changes"))")
        }
        // A feed that goes backwards is no better.
        try await HostileServer.run(changes: { after in .init(body: HostileServer.feedPage(lastSeq: after == 0 ? 9 : 3)) }) { server in
            let directory = TemporaryDirectory("festivalgate-hostile")
            #expect(try await enroll(server, in: directory).status == 0)
            let again = try await kiosk(["sync", "--data", directory.file("kiosk")])
            #expect(again.status == Self.refused && again.standardError.contains("went back from 9 to 3"), "\(again.standardError)")
        }
    }

    @Test("7. unchecked text and values from the feed: escapes, huge names and impossible numbers are refused and never printed raw")
    func uncheckedTextAndValuesFromTheFeed() async throws {
        let escape = "North\u{1B}]0;pwned\u{07}\u{1B}[2J-1"
        try await HostileServer.run(enroll: { .init(body: HostileServer.enrollAnswer(device: HostileServer.device(name: escape))) }) { server in
            let directory = TemporaryDirectory("festivalgate-hostile")
            let outcome = try await enroll(server, in: directory)
            #expect(outcome.status == Self.refused && outcome.standardError.contains("device.name"), "\(outcome.standardError)")
            #expect(noControlBytes(outcome))
            #expect(!FileManager.default.fileExists(atPath: directory.file("kiosk/\(Enrollment.credentialFile)")), "nothing enrolled")
        }
        for (device, field) in [(HostileServer.device(name: String(repeating: "x", count: 20 << 20)), "larger than 16 MB"),
                                (HostileServer.device(name: String(repeating: "x", count: 1 << 20)), "device.name"),
                                (HostileServer.device(eventID: "0"), "device.event_id")] {
            try await HostileServer.run(enroll: { .init(body: HostileServer.enrollAnswer(device: device)) }) { server in
                let outcome = try await enroll(server, in: TemporaryDirectory("festivalgate-hostile"))
                #expect(outcome.status == Self.refused && outcome.standardError.contains(field), "\(field): \(outcome.standardError.prefix(300))")
            }
        }
        // A server's error message is the server's words: shown, but made printable.
        try await HostileServer.run(enroll: { .init(status: .notFound, body: #"{"error": {"code": "x", "message": "\#(HostileServer.json(escape).dropFirst().dropLast())"}}"#) }) { server in
            let outcome = try await enroll(server, in: TemporaryDirectory("festivalgate-hostile"))
            #expect(outcome.status == Self.refused && outcome.standardError.contains("North\\u{1B}"), "\(outcome.standardError)")
            #expect(noControlBytes(outcome))
        }

        let hugeHolder = String(repeating: "김", count: 400_000)
        let feeds: [(String, String)] = [
            (HostileServer.feedPage(changes: #"[{"seq": 1, "kind": "ticket_issued", "ticket_id": "11", "status": "valid", "holder": "\#(hugeHolder)", "ticket_class": 1}]"#, lastSeq: 1), "changes[0].holder"),
            (HostileServer.feedPage(changes: #"[{"seq": 1, "kind": "ticket_issued", "ticket_id": "11", "status": "valid", "holder": \#(HostileServer.json(escape)), "ticket_class": 1}]"#, lastSeq: 1), "changes[0].holder"),
            (HostileServer.feedPage(lastSeq: Int64.min), "last_seq"),
            (HostileServer.feedPage(changes: #"[{"seq": 1, "kind": "ticket_admitted", "ticket_id": "11", "at": -1, "gate": "South-1"}]"#, lastSeq: 1), "changes[0].at"),
            (HostileServer.feedPage(lastSeq: 0, device: HostileServer.device(eventID: "0")), "device.event_id"),
        ]
        for (page, field) in feeds {
            try await HostileServer.run(changes: { _ in .init(body: page) }) { server in
                let directory = TemporaryDirectory("festivalgate-hostile")
                let outcome = try await enroll(server, in: directory)
                #expect(outcome.status == Self.refused && outcome.standardError.contains(field), "\(field): \(outcome.standardError.prefix(300))")
                #expect(noControlBytes(outcome))
                let replica = try KioskReplica(directory: directory.file("kiosk"))
                #expect(try replica.ticketCount() == 0 && replica.syncCursor().lastSeq == 0, "\(field): nothing of the page was stored")
            }
        }
    }

    @Test("8. a stale import does not un-revoke: a file older than what the feed said leaves the ticket revoked; a newer one still applies")
    func staleImportUnRevokes() throws {
        let gate = try GateHarness()
        let replica = try KioskReplica(directory: gate.data)
        let revokedAt = GateHarness.clockStart * 1_000
        let page = try WireJSON.gateDecoder.decode(FeedPage.self, from: Data(HostileServer.feedPage(
            changes: #"[{"seq": 1, "kind": "ticket_revoked", "ticket_id": "41", "status": "revoked", "holder": "Ada", "ticket_class": 1}, {"seq": 2, "kind": "ticket_issued", "ticket_id": "42", "status": "valid", "holder": "Bo", "ticket_class": 1}]"#,
            lastSeq: 2, device: HostileServer.device(eventID: String(gate.eventID))).utf8))
        _ = try replica.apply(page, keys: try replica.keyRing(), now: revokedAt)

        func file(exportedAt: Int64?, _ tickets: String) -> String {
            let stamp = exportedAt.map { #""exported_at": \#($0), "# } ?? ""
            return #"{"format": "festivalgate-kiosk-import/1", "event_id": \#(gate.eventID), \#(stamp)"tickets": [\#(tickets)]}"#
        }
        let stale = try gate.importTickets(file(exportedAt: 1_700_000_000, #"{"ticket_id": "41", "status": "valid"}, {"ticket_id": "42", "status": "valid", "holder": "Old name"}"#))
        #expect(stale.status == 0 && stale.standardOutput.contains("2 older than what this gate knows"), "\(stale.standardOutput)")
        #expect(try replica.ticket(id: 41)?.status == .revoked)
        #expect(try replica.ticket(id: 42)?.holder == "Bo")

        // A file of unknown age may rename, never bring a revoked ticket back.
        #expect(try gate.importTickets(file(exportedAt: nil, #"{"ticket_id": "41", "status": "valid", "holder": "Ada L."}"#)).status == 0)
        #expect(try replica.ticket(id: 41)?.status == .revoked && replica.ticket(id: 41)?.holder == "Ada L.")

        // Newer than the feed: its word is taken.
        let newer = try gate.importTickets(file(exportedAt: GateHarness.clockStart + 60, #"{"ticket_id": "42", "status": "cancelled"}"#))
        #expect(newer.status == 0, "\(newer.standardError)")
        #expect(try replica.ticket(id: 42)?.status == .cancelled)
    }
}
