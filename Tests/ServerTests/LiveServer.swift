import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
@testable import Server
import Shared
import TestSupport
import Testing

/// Which database the server tests run on: SQLite unless `FESTIVALGATE_TEST_STORE=postgres`,
/// the README's second run of the server suite (each test then gets a PostgreSQL database of
/// its own on the tests' private cluster).
enum TestStore: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    static let current: TestStore = ProcessInfo.processInfo.environment["FESTIVALGATE_TEST_STORE"].flatMap(TestStore.init) ?? .sqlite

    /// For suites that are about PostgreSQL whatever the store: they run in the first pass only.
    static let onceOnly = Testing.ConditionTrait.enabled(if: current == .sqlite, "a PostgreSQL suite of its own: run in the first pass")
}

/// A real ticket server over a real SQLite file (or PostgreSQL database, `TestStore`). `.live`: on a loopback port, with an HTTP client
/// that keeps up to 256 connections open, as a browser crowd would (races, sockets, deadlines).
/// `.router`: requests handed to the application's router in process, for tests of what the
/// API answers, which need no socket.
struct LiveServer {
    enum Transport {
        case live
        case router
    }

    let environment: ServerEnvironment
    let client: APIClient
    let clock: ServerClock
    /// The loopback port of a `.live` server.
    let port: Int?
    /// The PostgreSQL database's URL, when the server runs on one.
    var databaseURL: String? = nil

    /// What a `ticket-server` command needs besides `--data` to work on this server's database.
    var databaseArguments: [String] { databaseURL.map { ["--database", $0] } ?? [] }

    /// Starts a server, runs `body` against it, and stops it.
    /// Throttling is off unless asked for: the crowd tests sign up thousands from one address.
    static func run<Value: Sendable>(
        _ transport: Transport = .live, throttling: ThrottlePolicy = .unlimited, options: ServerOptions = ServerOptions(host: "127.0.0.1", port: 0),
        passwordHasher: PasswordHasher = .fast, store: TestStore = .current,
        _ body: @Sendable (LiveServer) async throws -> Value
    ) async throws -> Value {
        FileDescriptorLimit.raise()
        let directory = TemporaryDirectory("festivalgate-server")
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        // Mid-sale: sales of the test events open an hour before this and close a month after.
        let clock = ServerClock(fixedAt: 1_790_000_000)
        let environment: ServerEnvironment
        var databaseURL: String?
        switch store {
        case .sqlite:
            environment = try ServerEnvironment.open(
                dataDirectory: directory.path, secureCookies: options.secureCookies, clock: clock, passwordHasher: passwordHasher,
                throttling: throttling, logger: logger)
        case .postgres:
            databaseURL = try await PostgresCluster.shared().database()
            let database = try PostgresLocation(databaseURL ?? "")
            // Few connections each: the suite runs dozens of servers at once on one cluster.
            environment = try await ServerEnvironment.open(
                dataDirectory: directory.path, database: database, pool: 6, secureCookies: options.secureCookies, clock: clock,
                passwordHasher: passwordHasher, throttling: throttling, logger: logger)
        }
        let url = databaseURL
        var options = options
        options.dataDirectory = directory.path
        let app = buildApplication(options, environment: environment, logger: logger)
        // The data directory must outlive the server that writes into it.
        defer { withExtendedLifetime(directory) {} }
        switch transport {
        case .router:
            return try await app.test(.router) { testClient in
                try await body(
                    LiveServer(environment: environment, client: APIClient(router: testClient), clock: clock, port: nil, databaseURL: url))
            }
        case .live:
            return try await app.test(.live) { testClient in
                let port = try #require(testClient.port)
                return try await withHTTPClient { http in
                    let client = APIClient(http: http, base: "http://127.0.0.1:\(port)")
                    return try await body(LiveServer(environment: environment, client: client, clock: clock, port: port, databaseURL: url))
                }
            }
        }
    }

    /// Runs `body` with an HTTP client of `connections` connections, shut down after it however
    /// it ends.
    static func withHTTPClient<Value: Sendable>(
        connections: Int = connectionsPerClient, connectTimeout: TimeAmount = .seconds(60), _ body: (HTTPClient) async throws -> Value
    ) async throws -> Value {
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: clientConfiguration(connections: connections, connectTimeout: connectTimeout))
        do {
            let value = try await body(http)
            try await http.shutdown()
            return value
        } catch {
            try await http.shutdown()
            throw error
        }
    }

    static let connectionsPerClient = 256

    /// Up to `connections` connections, and by default waits long enough for a slow shared CI
    /// machine: a test fails on what the server answers, never on the client's own patience.
    /// (A client keeps retrying a refused connection until `connectTimeout`.)
    static func clientConfiguration(connections: Int = connectionsPerClient, connectTimeout: TimeAmount = .seconds(60)) -> HTTPClient.Configuration {
        HTTPClient.Configuration(
            timeout: .init(connect: connectTimeout, read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections))
    }

    /// An organiser account, made directly in the database (there is no API to become one).
    func organiser() async throws -> String {
        let hash = try environment.passwordHasher.hash("organiser password")
        let now = clock.now()
        _ = try await environment.writer.write { database in
            try AccountRepository.create(
                email: "boss@example.com", displayName: "Boss", passwordHash: hash, role: .organiser, now: now, in: database)
        }
        return try await client.logIn(email: "boss@example.com", password: "organiser password")
    }

    /// An event on sale now, with the given classes (and a seat map when `seats` is given).
    func event(
        organiser: String, classes: [[String: Any]], seatMapCSV: String? = nil, perPersonLimit: Int = 10,
        saleOpensIn: Int64 = -3600
    ) async throws -> UInt32 {
        let now = clock.now()
        let created = try await client.send(
            .POST, "/api/v1/events", token: organiser,
            json: [
                "name": "Test Festival", "venue": "Hall", "starts_at": now + 30 * 86_400, "ends_at": now + 30 * 86_400 + 3600,
                "gates_open_at": now + 30 * 86_400 - 3600, "sale_opens_at": now + saleOpensIn, "sale_closes_at": now + 30 * 86_400,
                "per_person_limit": perPersonLimit, "classes": classes,
            ])
        try #require(created.status == 201, "event not created: \(created.text)")
        let id = try #require(UInt32(exactly: try created.field("id", as: Int.self)))
        if let seatMapCSV {
            let imported = try await client.send(.PUT, "/api/v1/events/\(id)/seatmap", token: organiser, body: seatMapCSV, headers: [("Content-Type", "text/csv")])
            try #require(imported.status == 200, "seat map not imported: \(imported.text)")
        }
        return id
    }

    /// `count` attendees signed up over the API, in parallel; their session tokens.
    func attendees(_ count: Int, prefix: String = "fan") async throws -> [String] {
        try await Self.all(count) { index in try await client.signUp(email: "\(prefix)\(index)@example.com", name: "Fan \(index)") }
    }

    /// Runs `request(0)` … `request(count - 1)` as a crowd would, `inFlight` at a time (as many as
    /// the client keeps connections), and returns every result (in completion order).
    ///
    /// The window matches the connection pool so that no request waits in the client's queue:
    /// on a loaded CI machine a queued request can outlast the client's wait for a connection
    /// and fail with a client-side timeout the server never saw.
    static func all<Value: Sendable>(
        _ count: Int, inFlight: Int = connectionsPerClient, _ request: @escaping @Sendable (Int) async throws -> Value
    ) async throws -> [Value] {
        try await withThrowingTaskGroup(of: Value.self) { group in
            var results: [Value] = []
            results.reserveCapacity(count)
            for index in 0..<count {
                if index >= inFlight, let result = try await group.next() { results.append(result) }
                group.addTask { try await request(index) }
            }
            for try await result in group { results.append(result) }
            return results
        }
    }

    static func seatMap(rows: Int, seatsPerRow: Int, ticketClass: Int) -> String {
        var lines = ["row,seat,label,ticket_class"]
        for row in 0..<rows {
            for seat in 1...seatsPerRow { lines.append("R\(row),\(seat),R\(row)-\(seat),\(ticketClass)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// JSON over HTTP to the server, with a session token as bearer.
struct APIClient: Sendable {
    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

        /// The body's field `key` as a `T`; a test failure showing the body when it is missing or
        /// of another type.
        func field<T>(_ key: String, as type: T.Type = T.self, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
            try #require(object[key] as? T, "no \(T.self) at \"\(key)\" in \(text)", sourceLocation: sourceLocation)
        }

        /// The `key` field of each object in the array at `array`, such as every seat's id.
        func fields<T>(_ array: String, _ key: String, as type: T.Type = T.self, sourceLocation: SourceLocation = #_sourceLocation) throws -> [T] {
            try field(array, as: [[String: Any]].self, sourceLocation: sourceLocation).map {
                try #require($0[key] as? T, "no \(T.self) at \"\(key)\" in an element of \"\(array)\" in \(text)", sourceLocation: sourceLocation)
            }
        }

        /// The id of the first ticket a booking answered with.
        func firstTicketID(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            try #require(try fields("tickets", "id", as: String.self, sourceLocation: sourceLocation).first, "no ticket in \(text)")
        }
    }

    private enum Transport {
        case http(HTTPClient, base: String)
        case router(any TestClientProtocol)
    }

    private let transport: Transport

    init(http: HTTPClient, base: String) {
        transport = .http(http, base: base)
    }

    init(router: any TestClientProtocol) {
        transport = .router(router)
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, body: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        let payload: [UInt8]? = if let json { Array(try JSONSerialization.data(withJSONObject: json)) } else { body.map { Array($0.utf8) } }
        var headers = headers
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if json != nil { headers.append(("Content-Type", "application/json")) }
        switch transport {
        case .http(let http, let base):
            return try await Self.send(method, base + path, headers: headers, body: payload, over: http)
        case .router(let router):
            var fields = HTTPFields()
            for (name, value) in headers { fields.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value)) }
            let response = try await router.executeRequest(
                uri: path, method: HTTPRequest.Method(rawValue: method.rawValue) ?? .get, headers: fields, body: payload.map { ByteBuffer(bytes: $0) })
            return Reply(
                status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) }, body: Array(buffer: response.body))
        }
    }

    private static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)], body: [UInt8]?, over http: HTTPClient) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(buffer: bytes))
    }

    func signUp(email: String, name: String, password: String = "correct horse battery") async throws -> String {
        let reply = try await send(.POST, "/api/v1/auth/signup", json: ["email": email, "display_name": name, "password": password])
        guard reply.status == 201, let token = reply.object["session_token"] as? String else {
            throw APIClientError.unexpected("sign-up failed: \(reply.status) \(reply.text)")
        }
        return token
    }

    func logIn(email: String, password: String) async throws -> String {
        let reply = try await send(.POST, "/api/v1/auth/login", json: ["email": email, "password": password])
        guard reply.status == 200, let token = reply.object["session_token"] as? String else {
            throw APIClientError.unexpected("log-in failed: \(reply.status) \(reply.text)")
        }
        return token
    }
}

enum APIClientError: Error {
    case unexpected(String)
}
