import Foundation
@testable import Server
import Shared
import Testing

/// The server's side of the gates: enrollment, the change feed with long-poll, the online
/// redeem that admits a ticket once across gates, pushed scans stored once, and conflicts.
@Suite("Gates: enrollment, change feed, redeem, pushed scans")
struct GateSyncTests {
    /// An event with a general-admission class, an organiser, and `tickets` tickets booked by a fan.
    struct Scene {
        let server: LiveServer
        let organiser: String
        let eventID: UInt32
        let ticketIDs: [String]

        static func make(_ server: LiveServer, tickets: Int = 2) async throws -> Scene {
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 100]])
            let fan = try await server.client.signUp(email: "fan@example.com", name: "Ada")
            let booked = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": tickets])
            try #require(booked.status == 201, "\(booked.text)")
            return Scene(server: server, organiser: organiser, eventID: eventID, ticketIDs: try booked.fields("tickets", "id", as: String.self))
        }

        /// Creates a device and enrolls it; its credential.
        func gate(_ name: String, direction: String = "entry") async throws -> String {
            let created = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/devices", token: organiser, json: ["name": name, "direction": direction])
            try #require(created.status == 201, "\(created.text)")
            let code = try created.field("enrollment_code", as: String.self)
            let enrolled = try await server.client.send(.POST, "/api/v1/gate/enroll", json: ["code": code])
            try #require(enrolled.status == 200, "\(enrolled.text)")
            return try enrolled.field("credential", as: String.self)
        }

        func redeem(_ ticketID: String, at gate: String, id: String = UUID().uuidString, reEntry: Bool = false) async throws -> APIClient.Reply {
            try await server.client.send(
                .POST, "/api/v1/gate/redeem", token: gate,
                json: ["ticket_id": ticketID, "at": server.clock.now() * 1_000, "redeem_id": id, "re_entry": reEntry])
        }
    }

    @Test("a code enrolls once: typed loosely it works, then it is used; wrong and expired codes are refused; a revoked device gets 401")
    func enrollment() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let created = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/devices", token: scene.organiser, json: ["name": "North-1", "direction": "entry", "classes": [1]])
            #expect(created.status == 201)
            let code = try created.field("enrollment_code", as: String.self)
            #expect(code.count == 9 && code.contains("-"))
            #expect(try created.field("enrollment_url", as: String.self).hasSuffix("/gate/enroll?code=\(code)"))

            let wrong = try await server.client.send(.POST, "/api/v1/gate/enroll", json: ["code": "2222-2222"])
            #expect(wrong.status == 404 && wrong.errorCode == "enrollment_code_unknown")
            let loose = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let enrolled = try await server.client.send(.POST, "/api/v1/gate/enroll", json: ["code": loose])
            #expect(enrolled.status == 200, "\(enrolled.text)")
            let credential = try enrolled.field("credential", as: String.self)
            let keys = try enrolled.field("keys", as: [[String: Any]].self)
            #expect(!keys.isEmpty && keys.allSatisfy { $0["ed25519_seed"] == nil && $0["aes_key"] != nil })
            let again = try await server.client.send(.POST, "/api/v1/gate/enroll", json: ["code": code])
            #expect(again.status == 410 && again.errorCode == "enrollment_code_used")

            let late = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/devices", token: scene.organiser, json: ["name": "South-1", "direction": "exit"])
            server.clock.advance(by: 16 * 60)
            let expired = try await server.client.send(.POST, "/api/v1/gate/enroll", json: ["code": try late.field("enrollment_code", as: String.self)])
            #expect(expired.status == 410 && expired.errorCode == "enrollment_code_expired")

            let listed = try await server.client.send(.GET, "/api/v1/events/\(scene.eventID)/devices", token: scene.organiser)
            let devices = try listed.field("devices", as: [[String: Any]].self)
            #expect(devices.map { $0["status"] as? String } == ["active", "pending"])
            #expect(devices.first?["classes"] as? [Int] == [1])

            let deviceID = try #require(devices.first?["id"] as? Int)
            #expect(try await server.client.send(.GET, "/api/v1/gate/changes", token: credential).status == 200)
            let revoked = try await server.client.send(.POST, "/api/v1/devices/\(deviceID)/revoke", token: scene.organiser)
            #expect(revoked.status == 200 && revoked.object["status"] as? String == "revoked")
            let refused = try await server.client.send(.GET, "/api/v1/gate/changes", token: credential)
            #expect(refused.status == 401 && refused.errorCode == "device_revoked")
            #expect(try await server.client.send(.GET, "/api/v1/gate/changes", token: "fgd_made-up").errorCode == "device_unknown")

            let fan = try await server.client.logIn(email: "fan@example.com", password: "correct horse battery")
            let forbidden = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/devices", token: fan, json: ["name": "Mine", "direction": "entry"])
            #expect(forbidden.status == 403)
            let duplicate = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/devices", token: scene.organiser, json: ["name": "North-1", "direction": "entry"])
            #expect(duplicate.status == 409 && duplicate.errorCode == "device_name_taken")
        }
    }

    @Test("the feed gives a gate its event's tickets as they stand, paged, and later only what changed; keys and server time come along")
    func feed() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, tickets: 3)
            let gate = try await scene.gate("North-1")
            let first = try await server.client.send(.GET, "/api/v1/gate/changes?after=0&limit=2", token: gate)
            #expect(first.status == 200 && first.object["more"] as? Bool == true)
            let issued = try first.field("changes", as: [[String: Any]].self).filter { $0["kind"] as? String == "ticket_issued" }
            #expect(issued.allSatisfy { $0["holder"] as? String == "Ada" && $0["status"] as? String == "valid" && $0["ticket_class"] as? Int == 1 })
            #expect(try first.field("server_time", as: Int.self) == Int(server.clock.now()) * 1_000)
            #expect(!(try first.field("keys", as: [Any].self)).isEmpty)

            var after = try first.field("last_seq", as: Int.self)
            var seen = issued.compactMap { $0["ticket_id"] as? String }
            while true {
                let page = try await server.client.send(.GET, "/api/v1/gate/changes?after=\(after)&limit=2", token: gate)
                seen += try page.field("changes", as: [[String: Any]].self).compactMap { $0["ticket_id"] as? String }
                after = try page.field("last_seq", as: Int.self)
                if page.object["more"] as? Bool != true { break }
            }
            #expect(Set(seen) == Set(scene.ticketIDs))

            let revoked = try await server.client.send(.POST, "/api/v1/tickets/\(scene.ticketIDs[0])/revoke", token: scene.organiser)
            #expect(revoked.status == 200)
            let delta = try await server.client.send(.GET, "/api/v1/gate/changes?after=\(after)", token: gate)
            let changes = try delta.field("changes", as: [[String: Any]].self)
            #expect(changes.count == 1 && changes[0]["kind"] as? String == "ticket_revoked" && changes[0]["status"] as? String == "revoked")

            for bad in ["after=-1", "limit=0", "limit=5001", "wait=26", "after=x"] {
                let refused = try await server.client.send(.GET, "/api/v1/gate/changes?\(bad)", token: gate)
                #expect(refused.status == 400, "\(bad): \(refused.text)")
            }
        }
    }

    @Test("a long-poll waits for its event's next change and returns with it, well before its wait runs out")
    func longPoll() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let gate = try await scene.gate("North-1")
            let now = try await server.client.send(.GET, "/api/v1/gate/changes?after=0&limit=5000", token: gate)
            let after = try now.field("last_seq", as: Int.self)
            async let waited = server.client.send(.GET, "/api/v1/gate/changes?after=\(after)&wait=25", token: gate)
            // Only once the poll is waiting does the change come, so this tests the wake-up.
            let deadline = ContinuousClock.now + .seconds(20)
            while server.environment.changeBell.waiting == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(server.environment.changeBell.waiting == 1)
            let changed = ContinuousClock.now
            _ = try await server.client.send(.POST, "/api/v1/tickets/\(scene.ticketIDs[1])/revoke", token: scene.organiser)
            let reply = try await waited
            #expect(try reply.field("changes", as: [[String: Any]].self).map { $0["kind"] as? String } == ["ticket_revoked"])
            #expect(ContinuousClock.now - changed < .seconds(20), "woken by the change, not by the 25 s wait running out")
            #expect(server.environment.changeBell.waiting == 0)
        }
    }

    @Test("the same ticket at two gates at once is admitted once; the other gate hears where; exit and re-entry follow the token")
    func redeemOnce() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let (north, south) = (try await scene.gate("North-1"), try await scene.gate("South-1"))
            let exit = try await scene.gate("Exit-1", direction: "exit")
            async let a = scene.redeem(scene.ticketIDs[0], at: north)
            async let b = scene.redeem(scene.ticketIDs[0], at: south)
            let replies = try await [a, b]
            #expect(replies.allSatisfy { $0.status == 200 })
            let admitted = replies.filter { $0.object["admitted"] as? Bool == true }
            let refused = replies.filter { $0.object["reason"] as? String == "already_used" }
            #expect(admitted.count == 1 && refused.count == 1, "\(replies.map(\.text))")
            #expect(["North-1", "South-1"].contains(refused.first?.object["used_gate"] as? String ?? ""))

            let retried = try await scene.redeem(scene.ticketIDs[1], at: north, id: "same-attempt")
            let retriedAgain = try await scene.redeem(scene.ticketIDs[1], at: north, id: "same-attempt")
            #expect(retried.object["admitted"] as? Bool == true && retriedAgain.object["admitted"] as? Bool == true, "a retry of one attempt")

            #expect(try await scene.redeem(scene.ticketIDs[0], at: exit).object["reason"] as? String == "ok")
            #expect(try await scene.redeem(scene.ticketIDs[0], at: north).object["reason"] as? String == "already_used", "no re-entry on this token")
            #expect(try await scene.redeem(scene.ticketIDs[0], at: north, reEntry: true).object["reason"] as? String == "ok")

            _ = try await server.client.send(.POST, "/api/v1/tickets/\(scene.ticketIDs[1])/revoke", token: scene.organiser)
            #expect(try await scene.redeem(scene.ticketIDs[1], at: south).object["reason"] as? String == "revoked")
            #expect(try await scene.redeem("999", at: south).object["reason"] as? String == "not_issued")
            let bad = try await server.client.send(.POST, "/api/v1/gate/redeem", token: north, json: ["ticket_id": "1", "at": -5, "redeem_id": "x"])
            #expect(bad.status == 422)

            let attendance = try await server.client.send(.GET, "/api/v1/events/\(scene.eventID)/attendance", token: scene.organiser)
            #expect(attendance.object["admitted"] as? Int == 2 && attendance.object["inside"] as? Int == 2)
        }
    }

    @Test("pushed scans are stored once however often they come; offline admissions twice or after a revoke are conflicts")
    func pushedScans() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let (north, south) = (try await scene.gate("North-1"), try await scene.gate("South-1"))
            let at = server.clock.now() * 1_000
            func scan(_ number: Int, _ ticket: String, at time: Int64, verdict: String = "admit") -> [String: Any] {
                ["scan_number": number, "ticket_id": ticket, "at": time, "verdict": verdict, "reason": verdict == "admit" ? "ok" : "already_used",
                 "direction": "entry", "source": "camera", "mode": "offline"]
            }
            let batch = [scan(1, scene.ticketIDs[0], at: at), scan(2, scene.ticketIDs[0], at: at + 1_000, verdict: "reject")]
            let pushed = try await server.client.send(.POST, "/api/v1/gate/scans", token: north, json: ["scans": batch, "pending": 0])
            #expect(pushed.status == 200 && pushed.object["stored"] as? Int == 2, "\(pushed.text)")
            let repeated = try await server.client.send(.POST, "/api/v1/gate/scans", token: north, json: ["scans": batch])
            #expect(repeated.object["received"] as? Int == 2 && repeated.object["stored"] as? Int == 0)

            // South was offline too and let the same ticket in a minute later.
            _ = try await server.client.send(.POST, "/api/v1/gate/scans", token: south, json: ["scans": [scan(1, scene.ticketIDs[0], at: at + 60_000)]])
            // A ticket revoked before an offline gate let it in.
            _ = try await server.client.send(.POST, "/api/v1/tickets/\(scene.ticketIDs[1])/revoke", token: scene.organiser)
            _ = try await server.client.send(.POST, "/api/v1/gate/scans", token: south, json: ["scans": [scan(2, scene.ticketIDs[1], at: at + 120_000)]])

            let attendance = try await server.client.send(.GET, "/api/v1/events/\(scene.eventID)/attendance", token: scene.organiser)
            let conflicts = try attendance.field("conflicts", as: [[String: Any]].self)
            #expect(conflicts.map { $0["kind"] as? String } == ["admitted_twice", "admitted_when_not_valid"])
            #expect((conflicts.first?["scans"] as? [[String: Any]])?.map { $0["gate"] as? String } == ["North-1", "South-1"])
            let gates = try attendance.field("gates", as: [[String: Any]].self)
            #expect(gates.map { $0["admitted"] as? Int } == [1, 2] && gates.map { $0["rejected"] as? Int } == [1, 0])

            let invalid = try await server.client.send(
                .POST, "/api/v1/gate/scans", token: north, json: ["scans": [scan(0, scene.ticketIDs[0], at: at)]])
            #expect(invalid.status == 422 && invalid.errorCode == "invalid_scan")
            // Fields are named as the client wrote them, acronyms included.
            var numeric = scan(3, scene.ticketIDs[0], at: at)
            numeric["ticket_id"] = 42
            let mistyped = try await server.client.send(.POST, "/api/v1/gate/scans", token: north, json: ["scans": [numeric]])
            #expect(mistyped.status == 400 && mistyped.text.contains("scans[0].ticket_id"), "\(mistyped.text)")
            let missing = try await server.client.send(.POST, "/api/v1/gate/redeem", token: north, json: ["at": at, "redeem_id": "r"])
            #expect(missing.status == 400 && missing.text.contains("missing field \\\"ticket_id\\\""), "\(missing.text)")
        }
    }
}

extension GateSyncTests {
    @Test("staff find tickets by name, email, seat or id; organisers export CSV that a spreadsheet cannot take for formulas")
    func ticketSearchAndExport() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let other = try await server.client.signUp(email: "bo@example.com", name: "=HYPERLINK(1)")
            _ = try await server.client.send(.POST, "/api/v1/events/\(scene.eventID)/bookings", token: other, json: ["ticket_class": 1, "count": 1])
            let path = "/api/v1/events/\(scene.eventID)/tickets"
            #expect(try await server.client.send(.GET, "\(path)?q=ADA", token: scene.organiser).fields("tickets", "email", as: String.self)
                == ["fan@example.com", "fan@example.com"])
            #expect(try await server.client.send(.GET, "\(path)?q=bo@", token: scene.organiser).fields("tickets", "email", as: String.self) == ["bo@example.com"])
            let byID = try await server.client.send(.GET, "\(path)?q=\(scene.ticketIDs[1])", token: scene.organiser)
            #expect(try byID.field("tickets", as: [[String: Any]].self).compactMap { ($0["ticket"] as? [String: Any])?["id"] as? String } == [scene.ticketIDs[1]])
            #expect(try await server.client.send(.GET, "\(path)?q=%", token: scene.organiser).field("tickets", as: [Any].self).isEmpty, "% is text")
            #expect(try await server.client.send(.GET, path, token: scene.organiser).field("tickets", as: [Any].self).count == 3)

            let csv = try await server.client.send(.GET, "\(path).csv", token: scene.organiser)
            #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "ticket_id,status,holder,email,seat,ticket_class,created_at,first_admitted_at,inside")
            #expect(lines.count == 4 && lines.contains { $0.contains(",'=HYPERLINK(1),") })

            let fan = try await server.client.logIn(email: "fan@example.com", password: "correct horse battery")
            #expect(try await server.client.send(.GET, path, token: fan).status == 403)
            #expect(try await server.client.send(.GET, "/api/v1/events/999/tickets", token: scene.organiser).status == 404)
        }
    }
}
