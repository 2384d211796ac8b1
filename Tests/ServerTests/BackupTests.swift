import AsyncHTTPClient
import Foundation
import Shared
import Synchronization
import Testing
import TestSupport

/// `ticket-server backup` and `restore`, as real processes beside a real server in its on-sale rush.
@Suite("Backup and restore", .serialized)
struct BackupTests {
    static let runner = ProductRunner(product: "ticket-server")

    @Test("a backup taken during a booking burst holds every booking acknowledged before it began; restored, it passes integrity_check and serves")
    func backupDuringBurst() async throws {
        try await LiveServer.withHTTPClient(connections: 32) { http in
            let network = try await GateNetwork.start(http: http, serverArguments: ["--signups-per-address", "100"])
            let fans = try await LiveServer.all(40, inFlight: 32) { index in
                try await network.client.signUp(email: "burst\(index)@example.com", name: "Burst \(index)")
            }
            let acknowledged = Mutex<[Int]>([])
            let burst = Task {
                try await LiveServer.all(400, inFlight: 32) { index in
                    let reply = try await network.client.send(
                        .POST, "/api/v1/events/\(network.eventID)/bookings", token: fans[index % fans.count],
                        json: ["ticket_class": 1, "count": 1])
                    if reply.status == 201 { acknowledged.withLock { $0.append(try! reply.field("booking_id", as: Int.self)) } }
                    return reply.status
                }
            }
            while acknowledged.withLock({ $0.count }) < 100 { try await Task.sleep(for: .milliseconds(5)) }
            // Everything heard as "booked" up to here must be in the backup.
            let before = Set(acknowledged.withLock { $0 })
            let file = network.directory.file("rush.fgbackup")
            let backup = try await Self.runner.run(["backup", "--data", network.serverData, "--output", file])
            let statuses = try await burst.value
            try #require(backup.status == 0, "\(backup.standardError)")
            #expect(backup.standardOutput.contains("backed up"))
            #expect(statuses.allSatisfy { $0 == 201 })
            #expect(acknowledged.withLock { $0.count } == 400)
            #expect(PrivateFiles.mode(of: file).map { $0 & 0o777 } == 0o600, "the backup holds the signing keys")

            let restoredDirectory = network.directory.file("restored")
            let restore = try await Self.runner.run(["restore", "--data", restoredDirectory, "--input", file])
            try #require(restore.status == 0, "\(restore.standardError)")
            let database = try SQLiteDatabase(path: restoredDirectory + "/festivalgate.sqlite", durability: .normal, readOnly: true)
            #expect(try database.integrityProblems() == nil)
            let restored = Set(try database.rows("SELECT id FROM booking").map { row -> Int in try row["id"] })
            #expect(before.isSubset(of: restored), "missing: \(before.subtracting(restored).sorted().prefix(10))")
            #expect(try database.rows("SELECT name FROM sqlite_master WHERE name = 'festivalgate_backup'").isEmpty)
            let keys = try Data(contentsOf: URL(fileURLWithPath: network.serverData + "/keys.json"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: restoredDirectory + "/keys.json")) == keys)

            // The restored directory starts as a server of its own, keys and tickets agreeing.
            let served = try ChildProcess(Self.runner, ["serve", "--data", restoredDirectory, "--port", "0"])
            defer { served.stop(SIGKILL) }
            let port = try #require(served.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#), "\(served.outputSoFar)")
            let health = try await APIClient(http: http, base: "http://127.0.0.1:\(port)").send(.GET, "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test("restore refuses a directory a server runs on, one that has data (unless --replace, which moves it aside), and a file that is no backup")
    func restoreRefusals() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let file = network.directory.file("evening.fgbackup")
            try #require(try await Self.runner.run(["backup", "--data", network.serverData, "--output", file]).status == 0)
            let again = try await Self.runner.run(["backup", "--data", network.serverData, "--output", file])
            #expect(again.status == 2 && again.standardError.contains("exists already"), "\(again.standardError)")

            let live = try await Self.runner.run(["restore", "--data", network.serverData, "--input", file, "--replace"])
            #expect(live.status == 2 && live.standardError.contains("is running on"), "\(live.standardError)")

            let target = network.directory.file("target")
            try #require(try await Self.runner.run(["restore", "--data", target, "--input", file]).status == 0)
            let occupied = try await Self.runner.run(["restore", "--data", target, "--input", file])
            #expect(occupied.status == 2 && occupied.standardError.contains("--replace"), "\(occupied.standardError)")
            let replaced = try await Self.runner.run(["restore", "--data", target, "--input", file, "--replace"])
            #expect(replaced.status == 0, "\(replaced.standardError)")
            let aside = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasPrefix("before-restore-") }
            #expect(aside.count == 1)
            #expect(FileManager.default.fileExists(atPath: "\(target)/\(aside.first ?? "")/keys.json"))

            let notABackup = network.directory.file("notes.txt")
            try Data("hello".utf8).write(to: URL(fileURLWithPath: notABackup))
            let refused = try await Self.runner.run(["restore", "--data", network.directory.file("other"), "--input", notABackup])
            #expect(refused.status == 2 && refused.standardError.contains("is not a backup"), "\(refused.standardError)")
            #expect(!FileManager.default.fileExists(atPath: network.directory.file("other") + "/keys.json"))
        }
    }
}
