import AsyncHTTPClient
import Foundation
@testable import Server
import Shared
import Testing
import TestSupport

/// Keys and the data directory are never silently wrong: a running server follows key changes,
/// and a start that would lose or split tickets is refused with the way forward.
@Suite("Keys and the data directory", .serialized)
struct DataDirectoryTests {
    let runner = ProductRunner(product: "ticket-server")

    @Test("keys rotate reaches the running server within seconds and the CLI says so; the next ticket carries the new kid")
    func rotationReachesTheRunningServer() async throws {
        // The CLI waits 10 s for the running server; under the rush a busy test run once took longer.
        try await MachineLoad.timed {
            try await LiveServer.run { server in
                let organiser = try await server.organiser()
                let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 2, "name": "Field", "capacity": 100]])
                let fan = try await server.client.signUp(email: "fan@example.com", name: "Fan")
                #expect(try await kid(ofNewTicketFor: fan, eventID: eventID, server: server) == 1)

                let data = server.environment.dataDirectory.path
                let rotated = try await runner.run(["keys", "rotate", "--data", data] + server.databaseArguments)
                #expect(rotated.status == 0, "\(rotated.standardError)")
                #expect(rotated.standardOutput.contains("the running server now issues under kid 2"), "\(rotated.standardOutput)")
                #expect(try await kid(ofNewTicketFor: fan, eventID: eventID, server: server) == 2)

                // The active key cannot be revoked alone; with --rotate a new one takes over at once.
                let refused = try await runner.run(["keys", "revoke", "2", "--data", data] + server.databaseArguments)
                #expect(refused.status == 2)
                #expect(refused.standardError.contains("pass --rotate"))
                let revoked = try await runner.run(["keys", "revoke", "2", "--rotate", "--data", data] + server.databaseArguments)
                #expect(revoked.status == 0, "\(revoked.standardError)")
                #expect(revoked.standardOutput.contains("the running server now issues under kid 3"), "\(revoked.standardOutput)")
                #expect(try await kid(ofNewTicketFor: fan, eventID: eventID, server: server) == 3)
                #expect(try server.environment.readers.read { try SigningKeyRecord.recorded(in: $0).keys.sorted() } == [1, 2, 3])
            }
        }
    }

    @Test("a key ring with another key under a recorded kid is refused by the running server, which keeps issuing")
    func swappedKeyFileIsRefused() async throws {
        try await LiveServer.run { server in
            // keys.json, or on PostgreSQL the database's ring.
            let store = server.environment.keys.store
            try store.update { $0 = KeyRing.generate() }  // kid 1 again, but other keys
            let digest = try #require(try store.digest())
            var marker: LoadedKeys?
            for _ in 0..<100 where marker?.digest != digest {
                try await Task.sleep(for: .milliseconds(100))
                marker = try store.runningServers().first?.loaded
            }
            #expect(marker?.digest == digest)
            #expect(marker?.error?.contains("not the key this database recorded under kid 1") == true, "\(String(describing: marker))")
            #expect(server.environment.issuer.kid == 1)
        }
    }

    @Test("lost keys beside issued tickets and a lost database beside keys are refused at start, each with the way forward")
    func refusalsAtStart() async throws {
        let directory = TemporaryDirectory("festivalgate-refusals")
        let data = directory.file("data")
        try await bookOneTicket(data: data)

        // keys.json gone: the server would mint a new kid 1 and split the tickets.
        try FileManager.default.removeItem(atPath: data + "/keys.json")
        let noKeys = try await runner.run(["serve", "--data", data, "--port", "0"])
        #expect(noKeys.status != 0)
        #expect(noKeys.standardError.contains("keys.json is missing, but the database holds 1 tickets signed under kid 1"), "\(noKeys.standardError)")
        #expect(!FileManager.default.fileExists(atPath: data + "/keys.json"), "a refused start must not create keys")
        let plainInit = try await runner.run(["keys", "init", "--data", data])
        #expect(plainInit.status == 2)
        #expect(plainInit.standardError.contains("--replace-lost-keys"))
        let replaced = try await runner.run(["keys", "init", "--data", data, "--replace-lost-keys"])
        #expect(replaced.standardOutput.contains("active kid 2"), "kid 1 signed tickets and is never reused: \(replaced.standardOutput)")
        let restarted = try await CrashDurabilityTests.start(["serve", "--data", data, "--port", "0"])
        await restarted.process.stop()

        // The database gone beside its keys: every ticket would be lost without a word.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: data + "/festivalgate.sqlite" + suffix) }
        let noDatabase = try await runner.run(["serve", "--data", data, "--port", "0"])
        #expect(noDatabase.status != 0)
        #expect(noDatabase.standardError.contains("--accept-new-database"), "\(noDatabase.standardError)")
        try Data().write(to: URL(fileURLWithPath: data + "/festivalgate.sqlite"))
        let emptyDatabase = try await runner.run(["serve", "--data", data, "--port", "0"])
        #expect(emptyDatabase.standardError.contains("festivalgate.sqlite is empty"), "\(emptyDatabase.standardError)")
        let accepted = try await CrashDurabilityTests.start(["serve", "--data", data, "--port", "0", "--accept-new-database"])
        await accepted.process.stop()
    }

    @Test("whatever the umask, the data directory is 0700 and the database, its WAL and the keys 0600; a world-writable key file is refused")
    func privateFiles() async throws {
        let directory = TemporaryDirectory("festivalgate-modes")
        let data = directory.file("data")
        let shell = ProductRunner(executable: "/bin/sh")
        let started = try ChildProcess(shell, ["-c", "umask 000 && exec \"$0\" \"$@\"", runner.executable, "demo", "--data", data, "--port", "0"])
        #expect(await started.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#) != nil, "\(started.outputSoFar)")
        #expect(PrivateFiles.mode(of: data) == 0o700)
        for file in ["festivalgate.sqlite", "festivalgate.sqlite-wal", "keys.json"] {
            #expect(PrivateFiles.mode(of: data + "/" + file) == 0o600, "\(file)")
        }
        await started.stop()
        let export = directory.file("kiosk-keys.json")
        _ = try await shell.run(["-c", "umask 000 && exec \"$0\" \"$@\"", runner.executable, "keys", "export-kiosk", "--data", data, "--output", export])
        #expect(PrivateFiles.mode(of: export) == 0o600, "the kiosk export holds AES keys")

        chmod(data + "/keys.json", 0o666)
        let refused = try await runner.run(["serve", "--data", data, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("writable by everyone"), "\(refused.standardError)")
        #expect(try await runner.run(["keys", "list", "--data", data]).status != 0)
    }

    // MARK: Helpers

    private func kid(ofNewTicketFor token: String, eventID: UInt32, server: LiveServer) async throws -> UInt8 {
        let booked = try await server.client.send(
            .POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 2, "count": 1])
        #expect(booked.status == 201, "\(booked.text)")
        let ticketID = try #require((booked.object["tickets"] as? [[String: Any]])?.first?["id"] as? String)
        let reply = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: token)
        let text = try #require(reply.object["token"] as? String)
        return try TokenDecoder(keyRing: server.environment.keyRing.kioskExport).decode(text).kid
    }

    /// A demo server on `data` with one booked ticket, then stopped.
    private func bookOneTicket(data: String) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let started = try await CrashDurabilityTests.start(["demo", "--data", data, "--port", "0"])
        do {
            let client = APIClient(http: http, base: started.base)
            let token = try await client.signUp(email: "fan@example.com", name: "Fan")
            let events = try await client.send(.GET, "/api/v1/events")
            let eventID = try #require((events.object["events"] as? [[String: Any]])?.first?["id"] as? Int)
            let availability = try await client.send(.GET, "/api/v1/events/\(eventID)/availability")
            let seat = try #require((availability.object["seats"] as? [[String: Any]])?.first?["id"] as? Int)
            // The demo sells through its waiting room: join the line first.
            _ = try await client.send(.POST, "/api/v1/events/\(eventID)/queue", token: token)
            let booked = try await client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["seats": [seat]])
            #expect(booked.status == 201)
        } catch {
            await started.process.stop()
            try await http.shutdown()
            throw error
        }
        await started.process.stop()
        try await http.shutdown()
    }
}
