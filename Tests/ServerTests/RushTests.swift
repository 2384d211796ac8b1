import Foundation
import Logging
import Server
import Shared
import Testing
import TestSupport

/// 12:00 on sale day without a waiting room: 10,000 connections, opened first, each asking for a
/// ticket at the same instant, on the real server process with its connection cap raised to
/// 20,000. What the test holds the server to are counts, not timings: every connection answered,
/// no 5xx, exactly the capacity sold, every health probe answered, memory bounded.
@Suite("The rush", .serialized)
struct RushTests {
    static let connections = 10_000
    static let accounts = 1_000
    static let seats = 500
    static let generalAdmission = 2_000

    @Test("10,000 connections book at once: every one answered, no 5xx, exactly the capacity sold, /healthz answered throughout",
          .timeLimit(.minutes(8)))
    func tenThousandAtOnce() async throws {
        // Two minutes of both cores: no test held to a time bound runs meanwhile.
        try await MachineLoad.heavy {
            // Seeder, server and the 10,000 clients are processes of their own: the test process never
            // holds the sockets, which other tests' process spawning must not meet.
            let directory = TemporaryDirectory("festivalgate-rush")
            let data = directory.file("data")
            let seeded = try await Self.load([
                "seed", "--data", data, "--out", directory.path, "--halls", "1", "--seats", String(Self.seats),
                "--general-admission", String(Self.generalAdmission), "--attendees", String(Self.accounts), "--per-person-limit", "10",
            ])
            try #require(seeded.status == 0, "\(seeded.standardError)")
            let eventID = try #require(PageBrowser.firstMatch(#"events \[(\d+)\]"#, in: seeded.standardOutput))

            // Opening 10,000 connections beside the rest of the suite can take longer than the 10 s a
            // connection normally has to send its request: the first ones would be closed, rightly,
            // before the rush begins. Their deadline is its own test (AbuseTests).
            let (server, base) = try await CrashDurabilityTests.start([
                "serve", "--data", data, "--port", "0", "--max-connections", "20000", "--bookings-per-account", "10", "--header-timeout", "300",
            ])
            defer { server.stop() }
            let port = try #require(base.split(separator: ":").last.map(String.init))
            let rush = try await Self.load([
                "rush", "--data", data, "--out", directory.path, "--event", eventID, "--port", port, "--connections", String(Self.connections),
                "--accounts", String(Self.accounts), "--json",
            ])
            try #require(rush.status == 0, "\(rush.standardError)")
            print("rush: \(rush.standardOutput)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(rush.standardOutput.utf8)) as? [String: Any])
            let statuses = try #require(summary["statuses"] as? [String: Int])
            #expect(summary["unanswered"] as? Int == 0, "every connection gets an HTTP answer; one did not: \(summary["first_unanswered"] ?? "")")
            #expect(statuses.keys.allSatisfy { !$0.hasPrefix("5") }, "no 5xx: \(statuses)")
            #expect(statuses["201"] == Self.seats + Self.generalAdmission, "exactly the capacity is booked: \(statuses)")
            #expect(Set(statuses.keys).isSubset(of: ["201", "409"]), "the rest are told it is taken or sold out: \(statuses)")
            let probes = try #require(summary["probes"] as? Int)
            #expect(probes > 0 && summary["probes_answered"] as? Int == probes, "every health probe answered: \(summary)")
            // How long a probe waited is a figure for the release build (bench/rush.sh, in
            // docs/BENCHMARKS.md): in this debug build NIO itself is several times slower, and the
            // event loops, not the queue of requests, are what a probe waits for.

            let peakKiB = try Self.peakResidentKiB(of: server.processIdentifier)
            print("rush: server peak RSS \(peakKiB / 1024) MiB")
            #expect(peakKiB < 1_024 * 1_024, "memory stays bounded: \(peakKiB / 1024) MiB")

            await server.stop()
            let database = try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
            let event = try #require(UInt32(eventID))
            let counts = try #require(try database.row(
                """
                SELECT COUNT(*) AS tickets, COUNT(seat_id) AS seated, COUNT(DISTINCT seat_id) AS seats FROM ticket
                WHERE event_id = ? AND status = 'valid'
                """, event))
            #expect(try counts["tickets"] as Int == Self.seats + Self.generalAdmission)
            #expect(try counts["seated"] as Int == Self.seats && counts["seats"] as Int == Self.seats, "no seat sold twice")
            #expect(try database.scalar("SELECT COUNT(*) FROM ticket_class WHERE sold > capacity", as: Int.self) == 0)
        }
    }

    /// `server-load` (bench/ServerLoad), waited for on a thread of its own.
    static func load(_ arguments: [String]) async throws -> ProductRunner.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ProductRunner(product: "server-load").run(arguments) }) }
        }
    }

    @Test("/healthz over HTTP is answered ahead of the router, as the router answers it: GET, HEAD, private, keep-alive")
    func healthProbeOverHTTP() async throws {
        try await LiveServer.run(.live) { server in
            let fan = try await server.client.signUp(email: "probe@example.com", name: "Probe")
            for _ in 0..<3 {  // one pooled connection: probes and routed requests take turns on it
                let get = try await server.client.send(.GET, "/healthz")
                #expect(get.status == 200 && get.text == #"{"status":"ok"}"#)
                #expect(get.header("Content-Type") == "application/json; charset=utf-8" && get.header("Server") == "festivalgate")
                #expect(get.header("Date")?.hasSuffix(" GMT") == true, "\(get.header("Date") ?? "no Date")")
                let head = try await server.client.send(.HEAD, "/healthz")
                #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Type") == get.header("Content-Type"))
                #expect(try await server.client.send(.GET, "/api/v1/events").status == 200)
            }
            let signedIn = try await server.client.send(.GET, "/healthz", token: fan)
            #expect(signedIn.status == 200 && signedIn.header("Cache-Control") == "no-store")
            // Not a probe: the router's answers.
            #expect(try await server.client.send(.POST, "/healthz").status == 405)
            #expect(try await server.client.send(.GET, "/healthz?verbose=1").status == 200)
        }
    }

    /// The process's peak resident memory (VmHWM), in KiB.
    static func peakResidentKiB(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
