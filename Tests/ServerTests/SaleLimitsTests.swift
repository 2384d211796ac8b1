import Foundation
@testable import Server
import Testing

/// Per-account limits on booking attempts and availability polls, and whose address a throttle
/// counts behind a reverse proxy (issue 22).
@Suite("Limits per account, and the trusted proxy rule")
struct SaleLimitsTests {
    @Test("booking attempts and availability polls are limited per account: 429 with Retry-After; other accounts and anonymous polls go on")
    func perAccountLimits() async throws {
        var policy = ThrottlePolicy.unlimited
        policy.bookingsPerAccount = ThrottleRule(burst: 3, secondsPerTry: 60)
        policy.pollsPerAccount = ThrottleRule(burst: 4, secondsPerTry: 60)
        try await LiveServer.run(.router, throttling: policy) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Floor", "capacity": 100]], perPersonLimit: 2)
            let (loop, person) = (try await server.client.signUp(email: "loop@example.com", name: "L"), try await server.client.signUp(email: "p@example.com", name: "P"))
            func book(_ token: String) async throws -> APIClient.Reply {
                try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": 1])
            }
            // Refused or not, every attempt counts: over_limit does not make a loop free.
            #expect(try await book(loop).status == 201)
            #expect(try await book(loop).status == 201)
            #expect(try await book(loop).errorCode == "over_limit")
            let throttled = try await book(loop)
            #expect(throttled.status == 429 && throttled.header("Retry-After").flatMap(Int.init).map { $0 > 0 } == true, "\(throttled.text)")
            #expect(try await book(person).status == 201, "another account is not slowed down")

            let path = "/api/v1/events/\(eventID)/availability"
            for _ in 0..<4 { #expect(try await server.client.send(.GET, path, token: loop).status == 200) }
            #expect(try await server.client.send(.GET, path, token: loop).status == 429)
            for _ in 0..<10 { #expect(try await server.client.send(.GET, path).status == 200, "anonymous polls come from the cache") }
        }
    }

    @Test("X-Forwarded-For is believed from a trusted proxy only, read from the right past other trusted hops")
    func forwardedClient() throws {
        let trusted = [try #require(IPPrefix("10.0.0.0/8")), try #require(IPPrefix("::1"))]
        func client(_ peer: String, _ header: String...) -> String? {
            ForwardedClientMiddleware.client(peer: peer, forwardedFor: header, trusted: trusted)
        }
        #expect(client("203.0.113.9", "1.2.3.4") == "203.0.113.9", "an untrusted peer's header is ignored")
        #expect(client("10.1.2.3", "1.2.3.4") == "1.2.3.4")
        #expect(client("10.1.2.3", "6.6.6.6, 1.2.3.4, 10.9.9.9") == "1.2.3.4", "a forged left part is not believed")
        #expect(client("10.1.2.3", "6.6.6.6", "1.2.3.4") == "1.2.3.4", "two header lines are one list")
        #expect(client("::1", "2001:db8::7") == "2001:db8::7")
        #expect(client("10.1.2.3", "not-an-address, 1.2.3.4") == "1.2.3.4")
        #expect(client("10.1.2.3", "1.2.3.4, junk") == "10.1.2.3", "a malformed hop stops the walk at the proxy")
        #expect(client("10.1.2.3") == "10.1.2.3")
        for bad in ["10.0.0.0/33", "300.1.1.1", "::1/129", "example.org", ""] { #expect(IPPrefix(bad) == nil, "\(bad)") }
        #expect(IPPrefix("192.168.0.0/16")?.contains("192.168.44.1") == true && IPPrefix("192.168.0.0/17")?.contains("192.168.200.1") == false)
    }

    @Test("behind a trusted proxy the throttles count each forwarded client; without one, X-Forwarded-For changes nothing")
    func throttlesUseTheForwardedAddress() async throws {
        var policy = ThrottlePolicy.unlimited
        policy.signUpsPerAddress = ThrottleRule(burst: 2, secondsPerTry: 600)
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.trustedProxies = [try #require(IPPrefix("127.0.0.1"))]
        @Sendable func signUp(_ server: LiveServer, _ name: String, from address: String) async throws -> Int {
            try await server.client.send(
                .POST, "/api/v1/auth/signup", json: ["email": "\(name)@example.com", "display_name": name, "password": "correct horse battery"],
                headers: [("X-Forwarded-For", address)]
            ).status
        }
        try await LiveServer.run(.live, throttling: policy, options: options) { (server: LiveServer) async throws in
            #expect(try await signUp(server, "a1", from: "198.51.100.1") == 201)
            #expect(try await signUp(server, "a2", from: "198.51.100.1") == 201)
            #expect(try await signUp(server, "a3", from: "198.51.100.1") == 429)
            #expect(try await signUp(server, "b1", from: "198.51.100.2") == 201, "another client behind the same proxy")
        }
        try await LiveServer.run(.live, throttling: policy) { (server: LiveServer) async throws in
            #expect(try await signUp(server, "c1", from: "198.51.100.1") == 201)
            #expect(try await signUp(server, "c2", from: "198.51.100.2") == 201)
            #expect(try await signUp(server, "c3", from: "198.51.100.3") == 429, "a client cannot choose its own address")
        }
    }
}
