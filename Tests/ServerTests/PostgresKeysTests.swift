import AsyncHTTPClient
import Foundation
@testable import Server
import Shared
import Testing
import TestSupport

/// The key ring in PostgreSQL: server processes with data directories of their own (as on
/// machines of their own) issue under one ring, and `keys rotate --database` reaches them all.
@Suite("The key ring in PostgreSQL", .serialized, TestStore.onceOnly)
struct PostgresKeysTests {
    static let runner = CrashDurabilityTests.runner

    @Test("two processes on two machines' directories issue under the database's one ring; rotate and revoke reach both and wait for each")
    func rotationReachesEveryProcess() async throws {
        let directory = TemporaryDirectory("festivalgate-pg-keys")
        let database = try await PostgresCluster.shared().database()
        let servers = try await SeveralProcessesTests.Processes.start(database: database, directory: directory, count: 2)
        let keys = ["--data", directory.file("machine-1"), "--database", database]
        // The CLI waits 10 s for every running process; under the rush a busy test run can take longer.
        try await MachineLoad.timed {
            try await LiveServer.withHTTPClient { http in
                let clients = servers.bases.map { APIClient(http: http, base: $0) }
                let eventID = try await SeveralProcessesTests.standingEvent(database: database, client: clients[0])
                let buyer = try #require(try SeveralProcessesTests.seedPeople(1, database: database, prefix: "fan").first)
                // The kid each process signs a new ticket under, read with the database's kiosk export.
                func kids() async throws -> [UInt8] {
                    let export = directory.file("kiosk-keys.json")
                    let exported = try await Self.runner.run(["keys", "export-kiosk", "--output", export] + keys)
                    try #require(exported.status == 0, "\(exported.standardError)")
                    let decoder = try TokenDecoder(keyRing: try KeyFile.read(from: export))
                    var kids: [UInt8] = []
                    for client in clients {
                        let booked = try await client.send(
                            .POST, "/api/v1/events/\(eventID)/bookings", token: buyer, json: ["ticket_class": 1, "count": 1])
                        try #require(booked.status == 201, "\(booked.text)")
                        let id = try #require(try booked.fields("tickets", "id", as: String.self).first)
                        let token: String = try await client.send(.GET, "/api/v1/tickets/\(id)/token", token: buyer).field("token")
                        kids.append(try decoder.decode(token).kid)
                    }
                    return kids
                }
                #expect(try await kids() == [1, 1], "one ring, made by whichever process started first")
                #expect(!FileManager.default.fileExists(atPath: directory.file("machine-1/keys.json")), "the ring is not in a file")

                let rotated = try await Self.runner.run(["keys", "rotate"] + keys)
                #expect(rotated.status == 0, "\(rotated.standardError)")
                #expect(rotated.standardOutput.contains("all 2 running servers now issue under kid 2"), "\(rotated.standardOutput)")
                #expect(try await kids() == [2, 2], "rotate waited until both issue under the new key")

                let revoked = try await Self.runner.run(["keys", "revoke", "1"] + keys)
                #expect(revoked.status == 0, "\(revoked.standardError)")
                #expect(revoked.standardOutput.contains("all 2 running servers now issue under kid 2"), "\(revoked.standardOutput)")
                let listed = try await Self.runner.run(["keys", "list"] + keys)
                #expect(listed.standardOutput.contains("1    revoked") && listed.standardOutput.contains("2    active"), "\(listed.standardOutput)")
            }
        }
        await servers.stop()
        let alone = try await Self.runner.run(["keys", "rotate"] + keys)
        #expect(alone.status == 0 && alone.standardOutput.contains("no server is running on"), "\(alone.standardOutput)")
    }

    @Test("a keys.json from before is imported by the first process and set aside; migrate-to-postgres moves the ring with the data")
    func keyFilesMoveIn() async throws {
        let directory = TemporaryDirectory("festivalgate-pg-keys-import")
        // A data directory that ran on SQLite: its keys.json goes into an empty database on the first start.
        let made = try await Self.runner.run(["keys", "init", "--data", directory.file("old")])
        try #require(made.status == 0, "\(made.standardError)")
        let before = try KeyFile.read(from: directory.file("old/keys.json"))
        let database = try await PostgresCluster.shared().database()
        let (server, _) = try await CrashDurabilityTests.start([
            "serve", "--data", directory.file("old"), "--database", database, "--port", "0", "--pool", "4",
        ])
        #expect(server.outputSoFar.contains("imported the key ring of"), "\(server.outputSoFar)")
        #expect(await server.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.file("old/keys.json")))
        #expect(FileManager.default.fileExists(atPath: directory.file("old/keys.json.imported")), "the file is kept, set aside")
        let store = try await PostgresKeyStore.migrated(try PostgresLocation(database))
        #expect(try store.load() == before)

        // migrate-to-postgres: the demo's data and its keys, into another empty database.
        let demo = try await CrashDurabilityTests.start(["demo", "--data", directory.file("demo"), "--port", "0"])
        #expect(await demo.process.stop() == 0)
        let target = try await PostgresCluster.shared().database()
        let moved = try await Self.runner.run(["migrate-to-postgres", "--data", directory.file("demo"), "--database", target])
        #expect(moved.status == 0 && moved.standardOutput.contains("1 key_ring"), "\(moved.standardOutput)\(moved.standardError)")
        let movedRing = try await PostgresKeyStore.migrated(try PostgresLocation(target))
        #expect(try movedRing.load() == KeyFile.read(from: directory.file("demo/keys.json")))
    }

    @Test("keys commands on a database without a ring, or a bad URL, fail in one line and change nothing")
    func refusals() async throws {
        let directory = TemporaryDirectory("festivalgate-pg-keys-refusals")
        let database = try await PostgresCluster.shared().database()
        let listed = try await Self.runner.run(["keys", "list", "--data", directory.path, "--database", database])
        #expect(listed.status != 0 && listed.standardError.contains("no keys at"), "\(listed.standardError)")
        let rotated = try await Self.runner.run(["keys", "rotate", "--data", directory.path, "--database", database])
        #expect(rotated.status != 0 && rotated.standardError.contains("no keys at"), "\(rotated.standardError)")
        let created = try await Self.runner.run(["keys", "init", "--data", directory.path, "--database", database])
        #expect(created.status == 0 && created.standardOutput.contains("active kid 1"), "\(created.standardOutput)\(created.standardError)")
        let again = try await Self.runner.run(["keys", "init", "--data", directory.path, "--database", database])
        #expect(again.status != 0 && again.standardError.contains("keys already exist"), "\(again.standardError)")
        let bad = try await Self.runner.run(["keys", "list", "--data", directory.path, "--database", "mysql://x@y/z"])
        #expect(bad.status == 2 && bad.standardError.contains("--database must be a URL"), "\(bad.standardError)")
    }
}
