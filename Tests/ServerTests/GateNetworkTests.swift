import AsyncHTTPClient
import Foundation
import Kiosk
import NIOSSL
import Shared
import Testing
import TestSupport

/// The server and gates as one system, each a real process on loopback: gates that agree while
/// the network is up, keep admitting when it is down, and reconcile afterwards.
@Suite("Gates and server together", .serialized)
struct GateNetworkTests {
    @Test("the same ticket at two online gates within 100 ms is admitted once; the other gate hears already_used, with where")
    func sameTicketAtTwoGates() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let tickets = try await network.tickets(3)
            let north = try await network.enrolledGate("North-1")
            let south = try await network.enrolledGate("South-1")
            try north.start()
            try south.start()
            defer { north.cancel(); south.cancel() }

            for (index, ticket) in tickets.enumerated() {
                // Both gates see the code at once: the frames go into both pipes together.
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try north.show(ticket.token) }
                    group.addTask { try south.show(ticket.token) }
                }
                let verdicts = await north.waitForVerdicts(index + 1) + south.waitForVerdicts(index + 1)
                let mine = verdicts.filter { $0["ticket_id"] as? String == ticket.id }
                try #require(mine.count == 2, "\(verdicts)")
                #expect(mine.filter { $0["verdict"] as? String == "admit" }.count == 1, "exactly one admit: \(mine)")
                #expect(mine.allSatisfy { $0["mode"] as? String == "online" }, "\(mine)\n\(north.logText)\n\(south.logText)")
                let refused = try #require(mine.first { $0["verdict"] as? String == "reject" })
                let admitted = try #require(mine.first { $0["verdict"] as? String == "admit" })
                #expect(refused["reason"] as? String == "already_used")
                #expect(refused["used_gate"] as? String == admitted["gate"] as? String, "the refusal names the gate that let them in")
            }
            await north.stop()
            await south.stop()
            let attendance = try await network.attendance()
            #expect(try attendance.field("admitted", as: Int.self) == 3)
            #expect(try attendance.field("conflicts", as: [Any].self).isEmpty, "online gates agree: \(attendance.text)")
        }
    }

    @Test("server away: both gates keep admitting, offline; server back: every scan arrives once, the double admission is a conflict, the replicas converge")
    func outageAndReconciliation() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let tickets = try await network.tickets(4)
            let north = try await network.enrolledGate("North-1")
            let south = try await network.enrolledGate("South-1")
            try north.start()
            try south.start()
            defer { north.cancel(); south.cancel() }

            try north.show(tickets[0].token)
            #expect(await north.waitForVerdicts(1).last?["mode"] as? String == "online")

            await network.killServer()
            let started = ContinuousClock.now
            // The same ticket at both gates, while cut off. Each person holds their ticket up
            // until their gate answers: a live camera drops frames a busy decoder has not taken,
            // so a second code shown at once could replace the first before it is ever read.
            try north.show(tickets[1].token)
            try south.show(tickets[1].token)
            _ = await north.waitForVerdicts(2)
            _ = await south.waitForVerdicts(1)
            try north.show(tickets[2].token)
            try south.show(tickets[3].token)
            let northSaw = await north.waitForVerdicts(3)
            let southSaw = await south.waitForVerdicts(2)
            #expect(ContinuousClock.now - started < .seconds(10), "no gate stalls while the server is away")
            #expect(northSaw.count == 3 && southSaw.count == 2)
            let offline = Array(northSaw.dropFirst()) + southSaw
            #expect(offline.allSatisfy { $0["mode"] as? String == "offline" }, "\(offline)")
            #expect(offline.map { $0["verdict"] as? String } == ["admit", "admit", "admit", "admit"], "\(offline)")
            #expect(try await north.status()["pending_scans"] as? Int ?? 0 >= 2)

            try await network.restartServer()
            #expect(try await north.waitForStatus { $0["pending_scans"] as? Int == 0 }, "north pushed everything")
            #expect(try await south.waitForStatus { $0["pending_scans"] as? Int == 0 }, "south pushed everything")

            let attendance = try await network.attendance()
            #expect(try attendance.field("admitted", as: Int.self) == 4, "\(attendance.text)")
            let gates = try attendance.field("gates", as: [[String: Any]].self)
            let counts = gates.map { ($0["name"] as? String ?? "", ($0["admitted"] as? Int ?? 0) + ($0["rejected"] as? Int ?? 0)) }
            #expect(counts.map(\.0) == ["North-1", "South-1"] && counts.map(\.1) == [3, 2], "every scan exactly once: \(counts)")
            let conflicts = try attendance.field("conflicts", as: [[String: Any]].self)
            #expect(conflicts.count == 1, "\(attendance.text)")
            #expect(conflicts.first?["ticket_id"] as? String == tickets[1].id && conflicts.first?["kind"] as? String == "admitted_twice")
            let scans = try #require(conflicts.first?["scans"] as? [[String: Any]])
            #expect(Set(scans.compactMap { $0["gate"] as? String }) == ["North-1", "South-1"], "both admissions are shown")

            // Each gate learns the other's admissions from the feed: the replicas agree.
            let everyone = Set(tickets.map { UInt64($0.id)! })
            for gate in [north, south] {
                var inside: Set<UInt64> = []
                for _ in 0..<100 {
                    inside = Set(try gate.replicaTickets().filter { $0.value.inside }.map(\.key))
                    if inside == everyone { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(inside == everyone, "\(gate.name) knows who is inside")
            }
        }
    }

    @Test("kill -9 of a kiosk in the middle of a push, and of the server in the middle of a batch: nothing lost, nothing counted twice")
    func killsDuringPush() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let north = try await network.enrolledGate("North-1")

            // A long day of scans at a gate that was off the network: 6,000 in the log.
            let first = try Self.appendScans(6_000, to: north)
            let kioskSync = try ChildProcess(GateNetwork.kioskRunner, ["sync", "--data", north.data])
            // Waited for and killed from a thread of its own, so the kill lands mid-push.
            let cut = try await offThePool {
                let cut = try Self.waitForSomeSynced(north)
                kioskSync.killHard()
                return cut
            }
            #expect(cut > 0 && cut < first, "the kill must land mid-push: \(cut) of \(first) synced at it")
            let again = try await GateNetwork.kioskRunner.run(["sync", "--data", north.data])
            #expect(again.status == 0, "\(again.standardError)")
            #expect(try Self.scansOnServer(network, gate: north) == first)

            // The server killed while batches arrive: the gate pushes again after the restart.
            let total = try Self.appendScans(6_000, to: north)
            let pushing = try ChildProcess(GateNetwork.kioskRunner, ["sync", "--data", north.data])
            let server = network.server
            let synced = try await offThePool {
                let synced = try Self.waitForSomeSynced(north, above: first)
                server.killHard()
                return synced
            }
            await pushing.waitForExit()
            #expect(synced > first && synced < total, "the server must die mid-push: \(synced) of \(total) synced at it")
            try await network.restartServer()
            let last = try await GateNetwork.kioskRunner.run(["sync", "--data", north.data])
            #expect(last.status == 0, "\(last.standardError)")
            let onServer = try Self.scansOnServer(network, gate: north)
            #expect(onServer == total, "\(onServer) on the server, synced \(synced) at the kill: \(last.standardOutput)")
            #expect(try await north.status()["pending_scans"] as? Int == 0)
        }
    }

    @Test("a ticket revoked on the server is known at an online gate within 2 s, without a restart, and refused there even offline")
    func revocationReachesGate() async throws {
        // Held to 2 s: not while the rush loads the machine (it once took 3).
        try await MachineLoad.timed {
            try await LiveServer.withHTTPClient { http in
                let network = try await GateNetwork.start(http: http)
                let tickets = try await network.tickets(2)
                let north = try await network.enrolledGate("North-1")
                try north.start()
                defer { north.cancel() }
                try north.show(tickets[0].token)
                #expect(await north.waitForVerdicts(1).last?["mode"] as? String == "online", "the gate is online")
                try await Task.sleep(for: .milliseconds(300))  // into its long-poll

                let revokedAt = ContinuousClock.now
                let revoked = try await network.client.send(.POST, "/api/v1/tickets/\(tickets[1].id)/revoke", token: network.organiser)
                #expect(revoked.status == 200)
                var known = false
                while ContinuousClock.now - revokedAt < .seconds(5) {
                    if try north.replicaTickets()[UInt64(tickets[1].id)!]?.status == "revoked" {
                        known = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let took = ContinuousClock.now - revokedAt
                #expect(known && took < .seconds(2), "the revocation took \(took)")

                let logged = north.logText.count
                await network.killServer()  // the replica's own knowledge, not the server's answer
                // Once the gate has noticed (its sync loop reports losing the server): a ticket the
                // replica refuses is never asked about, so until then its verdict would say "online".
                #expect(await north.waitForLog("sync: ", skipping: logged))
                try north.show(tickets[1].token)
                let verdict = await north.waitForVerdicts(2).last
                #expect(verdict?["reason"] as? String == "revoked" && verdict?["mode"] as? String == "offline", "\(String(describing: verdict))")
            }
        }
    }

    @Test("enrollment: a wrong or used code is refused with a clear message; a revoked gate says so and keeps judging offline")
    func enrollmentAndRevokedGate() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let tickets = try await network.tickets(2)
            let wrong = try await GateNetwork.kioskRunner.run(["enroll", "--data", network.directory.file("wrong"), "--server", network.base, "--code", "2222-2222"])
            #expect(wrong.status == 2 && wrong.standardError.contains("enrollment_code_unknown"), "\(wrong.standardError)")
            let (_, code) = try await network.device("North-1")
            // The enrollment URL (what an organiser's QR code holds) works as the code.
            let url = "\(network.base)/gate/enroll?code=\(code)"
            let enrolled = try await GateNetwork.kioskRunner.run(["enroll", "--data", network.directory.file("north"), "--server", network.base, "--code", url])
            #expect(enrolled.status == 0 && enrolled.standardOutput.contains("2 tickets known"), "\(enrolled.standardOutput)\(enrolled.standardError)")
            let reused = try await GateNetwork.kioskRunner.run(["enroll", "--data", network.directory.file("other"), "--server", network.base, "--code", code])
            #expect(reused.status == 2 && reused.standardError.contains("enrollment_code_used"), "\(reused.standardError)")
            let unreachable = try await GateNetwork.kioskRunner.run(["enroll", "--data", network.directory.file("x"), "--server", "http://127.0.0.1:1", "--code", code])
            #expect(unreachable.status == 2 && unreachable.standardError.contains("cannot be reached"), "\(unreachable.standardError)")
            let credential = try #require(PrivateFiles.mode(of: network.directory.file("north/device-credential")))
            #expect(credential & 0o777 == 0o600)

            let gate = Gate(name: "North-1", deviceID: 1, data: network.directory.file("north"))
            try gate.start()
            defer { gate.cancel() }
            let devices = try await network.client.send(.GET, "/api/v1/events/\(network.eventID)/devices", token: network.organiser)
            let deviceID = try #require(try devices.fields("devices", "id", as: Int.self).first)
            let revoked = try await network.client.send(.POST, "/api/v1/devices/\(deviceID)/revoke", token: network.organiser)
            #expect(revoked.status == 200)

            try gate.show(tickets[0].token)
            let verdict = await gate.waitForVerdicts(1).last
            #expect(verdict?["verdict"] as? String == "admit" && verdict?["mode"] as? String == "offline", "judged offline: \(String(describing: verdict))")
            #expect(await gate.waitForLog("device revoked"), "it says so")
            #expect(try await gate.waitForStatus { $0["revoked"] as? Bool == true })
            await gate.stop()
            let sync = try await GateNetwork.kioskRunner.run(["sync", "--data", gate.data])
            #expect(sync.status == 2 && sync.standardError.contains("device revoked"), "\(sync.standardError)")
        }
    }

    @Test("over https: a gate trusts the festival's own certificate with --ca, and refuses the server without it")
    func httpsWithPrivateCertificate() async throws {
        let directory = TemporaryDirectory("festivalgate-gates")
        let certificate = directory.file("server.pem"), key = directory.file("server.key")
        let made = try await ProductRunner(executable: "/usr/bin/openssl").run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=festival gate server", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        try #require(made.status == 0, "\(made.standardError)")
        var configuration = LiveServer.clientConfiguration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = [.file(certificate)]
        configuration.tlsConfiguration = tls
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await enrollAndAdmit(over: http, directory: directory, certificate: certificate, key: key)
            try await http.shutdown()
        } catch {
            try await http.shutdown()
            throw error
        }
    }

    private func enrollAndAdmit(over http: HTTPClient, directory: TemporaryDirectory, certificate: String, key: String) async throws {
        let network = try await GateNetwork.start(
            http: http, directory: directory, serverArguments: ["--tls-certificate", certificate, "--tls-key", key], scheme: "https")
        let tickets = try await network.tickets(1)
        let (_, code) = try await network.device("North-1")
        let untrusting = try await GateNetwork.kioskRunner.run(["enroll", "--data", directory.file("north"), "--server", network.base, "--code", code])
        #expect(untrusting.status == 2 && untrusting.standardError.contains("TLS"), "\(untrusting.standardError)")
        let trusting = try await GateNetwork.kioskRunner.run(
            ["enroll", "--data", directory.file("north"), "--server", network.base, "--code", code, "--ca", certificate])
        #expect(trusting.status == 0 && trusting.standardOutput.contains("1 tickets known"), "\(trusting.standardError)")

        let gate = Gate(name: "North-1", deviceID: 1, data: directory.file("north"))
        try gate.start()
        defer { gate.cancel() }
        try gate.show(tickets[0].token)
        let verdict = await gate.waitForVerdicts(1).last
        #expect(verdict?["verdict"] as? String == "admit" && verdict?["mode"] as? String == "online", "\(String(describing: verdict))")
    }

    // MARK: Helpers

    /// Appends `count` scans to a stopped gate's log, as a day offline would leave them: mostly
    /// codes that are not tickets. Returns how many the log holds now.
    static func appendScans(_ count: Int, to gate: Gate) throws -> Int {
        let database = try SQLiteDatabase(path: gate.data + "/kiosk.sqlite", durability: .full)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        try database.transaction { database in
            for index in 0..<count {
                try database.run(
                    """
                    INSERT INTO scan (ticket_id, at, verdict, reason, direction, source, gate, in_replica, mode)
                    VALUES (NULL, ?, 'reject', 'not_a_ticket', 'entry', 'camera', ?, 0, 'offline')
                    """, now + Int64(index), gate.name)
            }
        }
        return try database.scalar("SELECT COUNT(*) FROM scan", as: Int.self) ?? 0
    }

    /// Waits until more than `above` of the gate's scans are marked synced; how many were.
    /// Blocks: called off the pool, right before a kill.
    static func waitForSomeSynced(_ gate: Gate, above: Int = 0) throws -> Int {
        let database = try SQLiteDatabase(path: gate.data + "/kiosk.sqlite", readOnly: true)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let synced = try database.scalar("SELECT COUNT(*) FROM scan WHERE synced = 1", as: Int.self) ?? 0
            if synced > above { return synced }
            usleep(1_000)
        }
        return 0
    }

    /// The gate's scans the server holds, as its attendance counts them.
    static func scansOnServer(_ network: GateNetwork, gate: Gate) throws -> Int {
        let database = try SQLiteDatabase(path: network.serverData + "/festivalgate.sqlite", readOnly: true)
        return try database.scalar(
            "SELECT COUNT(*) FROM gate_scan g JOIN device d ON d.id = g.device_id WHERE d.name = ?", gate.name, as: Int.self) ?? 0
    }
}
