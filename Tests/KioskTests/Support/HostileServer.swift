import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Synchronization
import Testing

/// A gate server on loopback that answers whatever a test scripts: the wire's extremes, a feed
/// that never advances, escape sequences, huge strings. It counts the calls it gets, so a test
/// can tell a kiosk that stopped from one that kept asking.
struct HostileServer: Sendable {
    /// An answer: HTTP status and the body, sent as JSON exactly as written.
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var body: String
    }

    let url: URL
    private let calls: CallCounts

    /// How many times `path` (such as `gate/changes`) was called.
    func calls(to path: String) -> Int { calls.counts.withLock { $0[path, default: 0] } }

    private final class CallCounts: Sendable {
        let counts = Mutex<[String: Int]>([:])
    }

    /// Serves `enroll`, `changes` (given the `after` asked for) and `scans` while `body` runs.
    static func run(
        enroll: @escaping @Sendable () -> Answer = { Answer(body: HostileServer.enrollAnswer()) },
        changes: @escaping @Sendable (_ after: Int64) -> Answer = { after in Answer(body: HostileServer.feedPage(lastSeq: after)) },
        _ body: @Sendable (HostileServer) async throws -> Void
    ) async throws {
        let calls = CallCounts()
        @Sendable func count(_ path: String) { calls.counts.withLock { $0[path, default: 0] += 1 } }
        @Sendable func respond(_ answer: Answer) -> Response {
            Response(
                status: answer.status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let router = Router()
        router.post("api/v1/gate/enroll") { _, _ in
            count("gate/enroll")
            return respond(enroll())
        }
        router.get("api/v1/gate/changes") { request, _ in
            count("gate/changes")
            return respond(changes(request.uri.queryParameters.get("after", as: Int64.self) ?? 0))
        }
        router.post("api/v1/gate/scans") { _, _ in
            count("gate/scans")
            return respond(Answer(body: #"{"received": 0, "stored": 0, "server_time": \#(serverTime)}"#))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(HostileServer(url: URL(string: "http://127.0.0.1:\(port)")!, calls: calls))
        }
    }

    // MARK: Answers a well-behaved server would give

    static let serverTime: Int64 = 1_790_000_000_000
    static let keys = KeyRing.generate().kioskExport

    static func device(name: String = "North-1", eventID: String = "2026") -> String {
        #"{"id": 7, "event_id": \#(eventID), "name": \#(json(name)), "direction": "entry", "classes": null, "status": "active", "#
            + #""created_at": 1789990000, "enrolled_at": 1789990100, "last_seen_at": null, "online": true, "replica_seq": 0, "#
            + #""pending_scans": 0, "clock_offset_ms": null}"#
    }

    static var keysJSON: String {
        "[" + keys.keys.map { key in
            #"{"kid": \#(key.kid), "status": "active", "aes_key": "\#(Hex.encode(key.aesKey))", "ed25519_public_key": "\#(Hex.encode(key.publicKey))"}"#
        }.joined(separator: ",") + "]"
    }

    static func enrollAnswer(device: String = device(), serverTime: String = String(serverTime)) -> String {
        #"{"credential": "fgd_hostile", "device": \#(device), "keys": \#(keysJSON), "server_time": \#(serverTime)}"#
    }

    static func feedPage(
        changes: String = "[]", lastSeq: Int64, more: Bool = false, device: String = device(), serverTime: String = String(serverTime)
    ) -> String {
        #"{"changes": \#(changes), "last_seq": \#(lastSeq), "more": \#(more), "keys": \#(keysJSON), "device": \#(device), "server_time": \#(serverTime)}"#
    }

    /// `text` as a JSON string, escapes and all.
    static func json(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}
