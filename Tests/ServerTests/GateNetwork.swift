import AsyncHTTPClient
import Foundation
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

/// A real `ticket-server` process with an event whose gates are open now, and kiosks enrolled
/// with it by the real `gate-kiosk enroll`, each run in this process or as a real process.
/// Everything on loopback.
final class GateNetwork: @unchecked Sendable {
    // @unchecked: used by one test at a time; `server` changes only between its steps.
    static let serverRunner = ProductRunner(product: "ticket-server")
    static let kioskRunner = ProductRunner(product: "gate-kiosk")

    /// The server's data and every gate's, removed when the network goes away.
    let directory: TemporaryDirectory
    let client: APIClient
    let port: Int
    let organiser: String
    let eventID: Int
    private(set) var server: ChildProcess
    let scheme: String
    var base: String { "\(scheme)://127.0.0.1:\(port)" }
    var serverData: String { directory.file("server") }

    private init(
        directory: TemporaryDirectory, server: ChildProcess, port: Int, client: APIClient, organiser: String, eventID: Int, scheme: String
    ) {
        self.scheme = scheme
        self.directory = directory
        self.server = server
        self.port = port
        self.client = client
        self.organiser = organiser
        self.eventID = eventID
    }

    /// The demo server on a free port, and an event of one general-admission class whose gates
    /// opened ten minutes ago.
    /// `serverArguments` are added to the server's (`--tls-certificate`, say); `scheme` is how to reach it.
    static func start(http: HTTPClient, directory: TemporaryDirectory = TemporaryDirectory("festivalgate-gates"), serverArguments: [String] = [], scheme: String = "http") async throws -> GateNetwork {
        let server = try ChildProcess(serverRunner, ["demo", "--data", directory.file("server"), "--port", "0"] + serverArguments)
        guard let port = await server.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#).flatMap(Int.init),
            let password = await server.waitForLine(matching: #"password:\s+(\S+)"#)
        else {
            let state = server.state
            await server.stop(SIGKILL)
            throw APIClientError.unexpected("ticket-server did not start (\(state)): \(server.outputSoFar)")
        }
        let client = APIClient(http: http, base: "\(scheme)://127.0.0.1:\(port)")
        let organiser = try await client.logIn(email: "organiser@greenforest.example", password: password)
        let now = Int64(Date().timeIntervalSince1970)
        let created = try await client.send(
            .POST, "/api/v1/events", token: organiser,
            json: [
                "name": "Tonight", "venue": "Field", "starts_at": now + 1_800, "ends_at": now + 36_000, "gates_open_at": now - 600,
                "sale_opens_at": now - 3_600, "sale_closes_at": now + 30_000, "per_person_limit": 10,
                "classes": [["ticket_class": 1, "name": "Field", "capacity": 5_000]],
            ])
        try #require(created.status == 201, "\(created.text)")
        return GateNetwork(
            directory: directory, server: server, port: port, client: client, organiser: organiser, eventID: try created.field("id"),
            scheme: scheme)
    }

    deinit { server.stop(SIGKILL) }

    // MARK: The server

    func killServer() async { await server.killHard() }

    func stopServer() async { await server.stop() }

    /// The server again on the same port and data, as after a restart.
    func restartServer() async throws {
        if server.isRunning { await server.stop() }
        let next = try ChildProcess(Self.serverRunner, ["serve", "--data", serverData, "--port", String(port)])
        guard await next.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#) != nil else {
            await next.stop(SIGKILL)
            throw APIClientError.unexpected("ticket-server did not restart: \(next.outputSoFar)")
        }
        server = next
    }

    // MARK: Tickets and gates

    /// `count` tickets booked by one fan, with their tokens.
    func tickets(_ count: Int, fan: String = "fan") async throws -> [(id: String, token: String)] {
        let session = try await client.signUp(email: "\(fan)-\(UUID().uuidString.prefix(8))@example.com", name: "Fan \(fan)")
        var tickets: [(String, String)] = []
        var left = count
        while left > 0 {
            let booked = try await client.send(
                .POST, "/api/v1/events/\(eventID)/bookings", token: session, json: ["ticket_class": 1, "count": min(left, 10)])
            try #require(booked.status == 201, "\(booked.text)")
            for id in try booked.fields("tickets", "id", as: String.self) {
                let token = try await client.send(.GET, "/api/v1/tickets/\(id)/token", token: session)
                tickets.append((id, try token.field("token")))
            }
            left -= 10
        }
        return tickets
    }

    /// A device made by the organiser; its enrollment code.
    func device(_ name: String, direction: String = "entry") async throws -> (id: Int, code: String) {
        let created = try await client.send(
            .POST, "/api/v1/events/\(eventID)/devices", token: organiser, json: ["name": name, "direction": direction])
        try #require(created.status == 201, "\(created.text)")
        let device = try created.field("device", as: [String: Any].self)
        return (try #require(device["id"] as? Int), try created.field("enrollment_code"))
    }

    /// A gate enrolled with `gate-kiosk enroll`, not running yet.
    func enrolledGate(_ name: String, direction: String = "entry") async throws -> Gate {
        let (id, code) = try await device(name, direction: direction)
        let gate = Gate(name: name, deviceID: id, data: directory.file(name))
        let enrolled = try await Self.kioskRunner.run(["enroll", "--data", gate.data, "--server", base, "--code", code])
        try #require(enrolled.status == 0, "\(enrolled.standardError)")
        return gate
    }

    func attendance() async throws -> APIClient.Reply {
        try await client.send(.GET, "/api/v1/events/\(eventID)/attendance", token: organiser)
    }
}

/// One enrolled kiosk: its data directory and, once started, its run: built in this process
/// (`start`, most tests) or the real `gate-kiosk run --source - --realtime --json` reading Y4M
/// frames from a pipe (`startExecutable`, for what only a process shows). Every wait is async:
/// a test that waits never holds one of Swift's shared threads, which the suite's other tests
/// and every in-process kiosk need.
final class Gate: @unchecked Sendable {
    // @unchecked: driven by one test at a time.
    let name: String
    let deviceID: Int
    let data: String
    private var seed: UInt64 = 0
    private var kiosk: InProcessKiosk?
    private(set) var process: ChildProcess?

    init(name: String, deviceID: Int, data: String) {
        self.name = name
        self.deviceID = deviceID
        self.data = data
    }

    /// Starts the kiosk in this process, its camera live.
    func start() throws {
        kiosk = try InProcessKiosk(data: data)
    }

    /// Starts the real kiosk: a live camera through a pipe (`--realtime`: stamped on arrival),
    /// with `extra` flags.
    func startExecutable(_ extra: [String] = []) throws {
        let process = try ChildProcess(
            GateNetwork.kioskRunner, ["run", "--data", data, "--source", "-", "--realtime", "--json"] + extra, input: true)
        try process.write(Y4MWriter.header())
        self.process = process
    }

    /// The code held up to the camera for a few frames.
    func show(_ text: String) throws {
        seed += 1
        try put(try Scene(text: text, seed: seed).frame(), times: 3)
    }

    /// An empty gate for a frame, so the next code is a new sighting.
    func showNothing() throws {
        try put(try Scene(text: nil, seed: 0).frame(), times: 1)
    }

    private func put(_ frame: GreyFrame, times: Int) throws {
        kiosk?.camera.show(frame, times: times)
        for _ in 0..<times { try process?.write(Y4MWriter.frame(frame)) }
    }

    /// Every verdict so far, as `--json` prints them (with `--log-format json`, log lines are
    /// JSON objects too: only verdicts count).
    var verdicts: [[String: Any]] {
        let lines = kiosk?.verdicts ?? (process?.outputSoFar ?? "").split(separator: "\n").map(String.init)
        return lines.compactMap { line in
            guard line.hasPrefix("{"), let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                object["verdict"] != nil
            else { return nil }
            return object
        }
    }

    /// What the kiosk wrote so far: its log (and, run as a process, its verdicts).
    var logText: String { kiosk?.logText ?? process?.outputSoFar ?? "" }

    /// Waits until there are `count` verdicts; all of them.
    func waitForVerdicts(_ count: Int, seconds: Double = 20) async -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while verdicts.count < count, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return verdicts
    }

    /// Waits until the log, past its first `skipping` characters, holds `text`.
    func waitForLog(_ text: String, skipping: Int = 0, seconds: Double = 10) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if logText.dropFirst(skipping).contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Ends the recording and waits for the kiosk to finish (it pushes what it can first).
    func stop() async {
        await kiosk?.stop()
        process?.closeInput()
        while process?.isRunning == true { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Stops the kiosk at once (a test's cleanup).
    func cancel() {
        kiosk?.cancel()
        process?.killHard()
    }

    /// `gate-kiosk status` as an object.
    func status() async throws -> [String: Any] {
        let outcome = try await GateNetwork.kioskRunner.run(["status", "--data", data])
        return try #require((try? JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8))) as? [String: Any], "\(outcome.standardError)")
    }

    /// Waits until `gate-kiosk status` satisfies `condition`.
    func waitForStatus(seconds: Double = 20, _ condition: ([String: Any]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await condition(try status()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The replica's tickets, read straight from its file: id to (status, inside).
    func replicaTickets() throws -> [UInt64: (status: String, inside: Bool)] {
        let database = try SQLiteDatabase(path: data + "/kiosk.sqlite", readOnly: true)
        var tickets: [UInt64: (String, Bool)] = [:]
        for row in try database.rows("SELECT id, status, inside FROM ticket") {
            tickets[try row["id"]] = (try row["status"], try row["inside"])
        }
        return tickets
    }
}
