import Foundation
import Kiosk
@testable import Server
import Shared
import Testing
import TestSupport

@Suite("Cross-site requests, hostile text, accounts and consistency")
struct RequestHardeningTests {
    @Test("a cookie-signed state change from another site is refused; from our own pages, by a program, or by bearer it goes through")
    func crossSiteRequests() async throws {
        try await LiveServer.run { server in
            let port = try #require(server.port)
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 2, "name": "Field", "capacity": 100]])
            let token = try await server.client.signUp(email: "fan@example.com", name: "Fan")
            let cookie = ("Cookie", "fg_session=\(token)")
            let path = "/api/v1/events/\(eventID)/bookings"
            let order = #"{"ticket_class": 2, "count": 1}"#
            let json = ("Content-Type", "application/json")

            let formPost = try await server.client.send(
                .POST, path, body: order, headers: [cookie, ("Content-Type", "text/plain"), ("Origin", "https://evil.example")])
            #expect(formPost.status == 403)
            #expect(formPost.errorCode == "cross_site_request")
            let foreign = try await server.client.send(.POST, path, body: order, headers: [cookie, json, ("Origin", "https://evil.example")])
            #expect(foreign.status == 403)
            let nullOrigin = try await server.client.send(.POST, path, body: order, headers: [cookie, json, ("Origin", "null")])
            #expect(nullOrigin.status == 403)
            let foreignReferer = try await server.client.send(
                .POST, path, body: order, headers: [cookie, json, ("Referer", "https://evil.example/page")])
            #expect(foreignReferer.status == 403)
            let held = try await server.client.send(.GET, "/api/v1/tickets", token: token)
            #expect((held.object["tickets"] as? [Any])?.isEmpty == true, "nothing was booked by the refused requests")

            let own = try await server.client.send(
                .POST, path, body: order, headers: [cookie, json, ("Origin", "http://127.0.0.1:\(port)")])
            #expect(own.status == 201, "\(own.text)")
            let ownPage = try await server.client.send(
                .POST, path, body: order, headers: [cookie, json, ("Referer", "http://127.0.0.1:\(port)/events/1")])
            #expect(ownPage.status == 201, "\(ownPage.text)")
            let program = try await server.client.send(.POST, path, body: order, headers: [cookie, json])
            #expect(program.status == 201, "curl sends neither Origin nor Referer: \(program.text)")
            let bearer = try await server.client.send(.POST, path, token: token, body: order, headers: [json, ("Origin", "https://evil.example")])
            #expect(bearer.status == 201, "a bearer token is never sent by a browser on its own: \(bearer.text)")
            let plainBearer = try await server.client.send(.POST, path, token: token, body: order, headers: [("Content-Type", "text/plain")])
            #expect(plainBearer.status == 415)
        }
    }

    @Test("with an https public URL the cookie is Secure and only that origin may change state with it")
    func publicURL() async throws {
        let options = ServerOptions(host: "127.0.0.1", port: 0, publicURL: "https://Tickets.Example.org/")
        try await LiveServer.run(options: options) { server in
            let port = try #require(server.port)
            let signUp = try await server.client.send(
                .POST, "/api/v1/auth/signup", json: ["email": "fan@example.com", "display_name": "Fan", "password": "correct horse battery"])
            let setCookie = try #require(signUp.header("Set-Cookie"))
            #expect(setCookie.contains("Secure") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            #expect(signUp.header("Cache-Control") == "no-store")
            let token = try #require(signUp.object["session_token"] as? String)
            let logout = { (origin: String) in
                try await server.client.send(.POST, "/api/v1/auth/logout", headers: [("Cookie", "fg_session=\(token)"), ("Origin", origin)])
            }
            #expect(try await logout("http://127.0.0.1:\(port)").status == 403)
            #expect(try await logout("https://tickets.example.org").status == 204)
        }
    }

    @Test("text fields refuse control characters, NUL and bidi overrides, and long values; a NUL never cuts an email short")
    func hostileText() async throws {
        try await LiveServer.run(.router) { server in
            for name in ["Eve\u{0}", "\u{1B}[2JEve", "Eve\r\nSet-Cookie: x", "\u{202E}eve", String(repeating: "x", count: 49)] {
                let reply = try await server.client.send(
                    .POST, "/api/v1/auth/signup", json: ["email": "eve@example.com", "display_name": name, "password": "correct horse battery"])
                #expect(reply.errorCode == "invalid_display_name", "\(name.debugDescription): \(reply.text)")
            }
            _ = try await server.client.signUp(email: "alice@example.com", name: "Alice")
            let truncated = try await server.client.send(
                .POST, "/api/v1/auth/login", json: ["email": "alice@example.com\u{0}junk", "password": "correct horse battery"])
            #expect(truncated.status == 401, "alice@example.com\\0junk must not sign in as alice")

            let organiser = try await server.organiser()
            let now = server.clock.now()
            var event: [String: Any] = [
                "name": "Night\u{7}", "venue": "Hall", "starts_at": now + 86_400, "ends_at": now + 90_000, "gates_open_at": now + 80_000,
                "sale_opens_at": now, "sale_closes_at": now + 80_000, "per_person_limit": 4,
            ]
            #expect(try await server.client.send(.POST, "/api/v1/events", token: organiser, json: event).errorCode == "invalid_name")
            event["name"] = "Night"
            event["classes"] = [["ticket_class": 1, "name": String(repeating: "C", count: 41)]]
            #expect(try await server.client.send(.POST, "/api/v1/events", token: organiser, json: event).errorCode == "invalid_class_name")
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]])
            let seatMap = try await server.client.send(
                .PUT, "/api/v1/events/\(eventID)/seatmap", token: organiser, body: "A,1,A-1\u{1B}[31m,1", headers: [("Content-Type", "text/csv")])
            #expect(seatMap.errorCode == "invalid_seat_map")
            #expect(seatMap.text.contains("printable"))
        }
    }

    @Test("passwords: 10 characters to 128 bytes, not the email, not one of the most common")
    func passwordRules() async throws {
        try await LiveServer.run(.router) { server in
            for password in ["nine char", String(repeating: "é", count: 65), "fan@example.com", "FAN", "1234567890", "QwertyUiop", "password123"] {
                let reply = try await server.client.send(
                    .POST, "/api/v1/auth/signup", json: ["email": "fan@example.com", "display_name": "Fan", "password": password])
                #expect(reply.errorCode == "weak_password", "\(password): \(reply.text)")
            }
            _ = try await server.client.signUp(email: "fan@example.com", name: "Fan", password: "ten chars!")
        }
    }

    @Test("the last organiser cannot step down; ticket-server accounts makes an organiser and resets a password beside the running server")
    func organiserRecovery() async throws {
        try await LiveServer.run(.router) { server in
            let boss = try await server.organiser()
            let me = try await server.client.send(.GET, "/api/v1/me", token: boss)
            #expect(me.header("Cache-Control") == "no-store")
            let bossID = try #require(me.object["id"] as? Int)
            let stepDown = try await server.client.send(.PUT, "/api/v1/accounts/\(bossID)/role", token: boss, json: ["role": "staff"])
            #expect(stepDown.status == 409)
            #expect(stepDown.errorCode == "last_organiser")

            let runner = ProductRunner(product: "ticket-server")
            let data = server.environment.dataDirectory.path
            let created = try await runner.run(
                ["accounts", "create-organiser", "--data", data, "--email", "deputy@example.com", "--name", "Deputy"] + server.databaseArguments)
            #expect(created.status == 0, "\(created.standardError)")
            let password = try #require(created.standardOutput.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
            let deputy = try await server.client.logIn(email: "deputy@example.com", password: password)
            #expect(try await server.client.send(.GET, "/api/v1/me", token: deputy).object["role"] as? String == "organiser")
            #expect(try await server.client.send(.PUT, "/api/v1/accounts/\(bossID)/role", token: boss, json: ["role": "staff"]).status == 200)

            let reset = try await runner.run(["accounts", "reset-password", "--data", data, "--email", "deputy@example.com"] + server.databaseArguments)
            #expect(reset.status == 0, "\(reset.standardError)")
            server.clock.advance(by: SessionStore.cacheLifetime + 1)
            #expect(try await server.client.send(.GET, "/api/v1/me", token: deputy).status == 401, "a reset closes every session")
            #expect(try await runner.run(["accounts", "reset-password", "--data", data, "--email", "nobody@example.com"]).status != 0)
        }
    }

    @Test("Bearer in any case, 405 with Allow for a known path; an idempotency key is bound to its event")
    func protocolDetails() async throws {
        try await LiveServer.run(.router) { server in
            let token = try await server.client.signUp(email: "fan@example.com", name: "Fan")
            let lower = try await server.client.send(.GET, "/api/v1/me", headers: [("Authorization", "bearer \(token)")])
            #expect(lower.status == 200)
            let wrongMethod = try await server.client.send(.DELETE, "/api/v1/events")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET, POST")
            #expect(wrongMethod.errorCode == "method_not_allowed")
            #expect(try await server.client.send(.DELETE, "/api/v1/nothing-here").status == 404)

            let organiser = try await server.organiser()
            let first = try await server.event(organiser: organiser, classes: [["ticket_class": 2, "name": "Field", "capacity": 10]])
            let second = try await server.event(organiser: organiser, classes: [["ticket_class": 2, "name": "Field", "capacity": 10]])
            let order: [String: Any] = ["ticket_class": 2, "count": 1]
            let key = [("Idempotency-Key", "my-one-click")]
            #expect(try await server.client.send(.POST, "/api/v1/events/\(first)/bookings", token: token, json: order, headers: key).status == 201)
            let reused = try await server.client.send(.POST, "/api/v1/events/\(second)/bookings", token: token, json: order, headers: key)
            #expect(reused.status == 422)
            #expect(reused.errorCode == "idempotency_key_reused")
        }
    }

    @Test("moving an event re-signs its live tickets in the same transaction: ids kept, the gate admits on the new date")
    func movingAnEventResignsTickets() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 2, "name": "Field", "capacity": 10]])
            let fan = try await server.client.signUp(email: "fan@example.com", name: "Fan")
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 2, "count": 2])
            let ids = try #require((booked.object["tickets"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            let oldToken = try await token(of: ids[0], holder: fan, server: server)

            let event = try await server.client.send(.GET, "/api/v1/events/\(eventID)")
            let week = 7 * 86_400
            let (startsAt, endsAt, gatesOpenAt) = (try event.field("starts_at", as: Int.self) + week, try event.field("ends_at", as: Int.self) + week,
                                                   try event.field("gates_open_at", as: Int.self) + week)
            let moved: [String: Any] = [
                "name": "Test Festival", "venue": "Hall", "starts_at": startsAt, "ends_at": endsAt, "gates_open_at": gatesOpenAt,
                "sale_opens_at": try event.field("sale_opens_at", as: Int.self), "sale_closes_at": try event.field("sale_closes_at", as: Int.self),
                "per_person_limit": 10,
            ]
            let updated = try await server.client.send(.PUT, "/api/v1/events/\(eventID)", token: organiser, json: moved)
            #expect(updated.status == 200, "\(updated.text)")
            #expect(updated.header("Tickets-Resigned") == "2")

            let newToken = try await token(of: ids[0], holder: fan, server: server)
            #expect(newToken != oldToken)
            let decoded = try TokenDecoder(keyRing: server.environment.keyRing.kioskExport).decode(newToken).ticket
            #expect(String(decoded.ticketID) == ids[0])
            #expect(Int(decoded.notBefore) == gatesOpenAt)
            #expect(Int(decoded.notAfter) == endsAt)
            let changes = try await server.client.send(.GET, "/api/v1/changes?event_id=\(eventID)", token: organiser)
            let kinds = (changes.object["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(kinds.filter { $0 == "ticket_resigned" }.count == 2)

            // At the gate, an hour after the new gates-open: the new token in, the old one out.
            let directory = TemporaryDirectory("festivalgate-moved")
            let replica = try KioskReplica.initialise(
                directory: directory.path, eventID: eventID, gate: "North-1", keys: server.environment.keyRing.kioskExport, now: 0)
            let gate = try Gatekeeper(replica: replica, rules: GateRules())
            let at = Int64(gatesOpenAt + 3_600) * 1_000
            #expect(try gate.scan(Array(newToken.utf8), at: at).verdict.admitted)
            #expect(try gate.scan(Array(oldToken.utf8), at: at + 1).verdict.reason == .expired)
        }
    }

    private func token(of ticketID: String, holder: String, server: LiveServer) async throws -> String {
        let reply = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: holder)
        return try #require(reply.object["token"] as? String)
    }
}
