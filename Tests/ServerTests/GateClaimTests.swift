import Foundation
@testable import Server
import Shared
import Testing

/// A gate's credential says which device calls, not that what it reports is true: the server
/// holds a gate to its own class list, direction, event and a believable clock (issue 21, 1–4).
@Suite("Gates: what the server believes of a gate")
struct GateClaimTests {
    /// Two classes of one event, one ticket of each; and a second event with a ticket of its own.
    struct Scene {
        let server: LiveServer
        let organiser: String
        let eventID: UInt32
        let otherEventID: UInt32
        /// The first event's tickets by class.
        let meadow: String
        let stage: String
        let otherEventTicket: String

        static func make(_ server: LiveServer) async throws -> Scene {
            let organiser = try await server.organiser()
            let classes: [[String: Any]] = [
                ["ticket_class": 1, "name": "Meadow", "capacity": 100], ["ticket_class": 2, "name": "Stage", "capacity": 100],
            ]
            let eventID = try await server.event(organiser: organiser, classes: classes)
            let otherEventID = try await server.event(organiser: organiser, classes: classes)
            let fan = try await server.client.signUp(email: "fan@example.com", name: "Ada")
            func book(_ event: UInt32, _ ticketClass: Int) async throws -> String {
                let booked = try await server.client.send(
                    .POST, "/api/v1/events/\(event)/bookings", token: fan, json: ["ticket_class": ticketClass, "count": 1])
                try #require(booked.status == 201, "\(booked.text)")
                return try booked.firstTicketID()
            }
            return Scene(
                server: server, organiser: organiser, eventID: eventID, otherEventID: otherEventID, meadow: try await book(eventID, 1),
                stage: try await book(eventID, 2), otherEventTicket: try await book(otherEventID, 1))
        }

        /// Creates a device (of the first event unless told) and enrolls it; its credential.
        func gate(_ name: String, direction: String = "entry", classes: [Int]? = nil, event: UInt32? = nil) async throws -> String {
            var device: [String: Any] = ["name": name, "direction": direction]
            if let classes { device["classes"] = classes }
            let created = try await server.client.send(.POST, "/api/v1/events/\(event ?? eventID)/devices", token: organiser, json: device)
            try #require(created.status == 201, "\(created.text)")
            let enrolled = try await server.client.send(
                .POST, "/api/v1/gate/enroll", json: ["code": try created.field("enrollment_code", as: String.self)])
            try #require(enrolled.status == 200, "\(enrolled.text)")
            return try enrolled.field("credential", as: String.self)
        }

        var nowMilliseconds: Int64 { server.clock.now() * 1_000 }

        func redeem(_ ticketID: String, at gate: String, time: Int64? = nil) async throws -> APIClient.Reply {
            try await server.client.send(
                .POST, "/api/v1/gate/redeem", token: gate,
                json: ["ticket_id": ticketID, "at": time ?? nowMilliseconds, "redeem_id": UUID().uuidString])
        }

        func push(_ scans: [[String: Any]], from gate: String) async throws -> APIClient.Reply {
            try await server.client.send(.POST, "/api/v1/gate/scans", token: gate, json: ["scans": scans])
        }

        func scan(
            _ number: Int, _ ticketID: String, at time: Int64? = nil, direction: String = "entry", verdict: String = "admit",
            reason: String = "ok"
        ) -> [String: Any] {
            ["scan_number": number, "ticket_id": ticketID, "at": time ?? nowMilliseconds, "verdict": verdict, "reason": reason,
             "direction": direction, "source": "camera", "mode": "offline"]
        }

        func attendance(_ event: UInt32? = nil) async throws -> APIClient.Reply {
            try await server.client.send(.GET, "/api/v1/events/\(event ?? eventID)/attendance", token: organiser)
        }
    }

    @Test("1. a gate's class list is enforced by the server: a redeem is wrong_class, a pushed admission a conflict that moves nothing")
    func gateClassListEnforcedByServer() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let meadowGate = try await scene.gate("Meadow-1", classes: [1])
            let refused = try await scene.redeem(scene.stage, at: meadowGate)
            #expect(refused.status == 200 && refused.object["admitted"] as? Bool == false && refused.object["reason"] as? String == "wrong_class")
            #expect(try await scene.redeem(scene.meadow, at: meadowGate).object["admitted"] as? Bool == true)

            let pushed = try await scene.push([scene.scan(1, scene.stage)], from: meadowGate)
            #expect(pushed.status == 200 && pushed.object["stored"] as? Int == 1, "\(pushed.text)")
            let attendance = try await scene.attendance()
            #expect(attendance.object["admitted"] as? Int == 1, "only the Meadow ticket is in: \(attendance.text)")
            let conflicts = try attendance.field("conflicts", as: [[String: Any]].self)
            #expect(conflicts.map { $0["kind"] as? String } == ["admitted_wrong_class"])
            #expect(conflicts.first?["ticket_id"] as? String == scene.stage)
            // The Stage ticket was never let in anywhere, so its own gate still admits it.
            let anyGate = try await scene.gate("Any-1")
            #expect(try await scene.redeem(scene.stage, at: anyGate).object["admitted"] as? Bool == true)
        }
    }

    @Test("2. scan times are bounded: a redeem in 2106 or 1970 is 422 invalid_time; such a pushed scan is stored flagged and moves nothing")
    func scanTimesAreBounded() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let north = try await scene.gate("North-1")
            let exit = try await scene.gate("Exit-1", direction: "exit")
            for time: Int64 in [4_294_967_295_000, 0, scene.nowMilliseconds + 10 * 60_000, scene.nowMilliseconds - 2 * 86_400_000] {
                let refused = try await scene.redeem(scene.meadow, at: north, time: time)
                #expect(refused.status == 422 && refused.errorCode == "invalid_time", "\(time): \(refused.text)")
            }
            // A little clock drift is allowed for.
            #expect(try await scene.redeem(scene.stage, at: north, time: scene.nowMilliseconds + 60_000).object["admitted"] as? Bool == true)

            let pushed = try await scene.push([scene.scan(1, scene.meadow, at: 4_294_967_295_000), scene.scan(2, scene.meadow, at: 0)], from: north)
            #expect(pushed.status == 200 && pushed.object["stored"] as? Int == 2, "kept as the gate sent them: \(pushed.text)")
            var attendance = try await scene.attendance()
            #expect(attendance.object["admitted"] as? Int == 1, "only the Stage ticket: \(attendance.text)")
            let gates = try attendance.field("gates", as: [[String: Any]].self)
            // The gate's counts are of pushed scans (its redeem comes later as an online scan).
            #expect(gates.first?["flagged_scans"] as? Int == 2 && gates.first?["admitted"] as? Int == 0)

            // The real visit afterwards goes as if the flagged scans had never come.
            #expect(try await scene.redeem(scene.meadow, at: north).object["admitted"] as? Bool == true)
            #expect(try await scene.redeem(scene.meadow, at: exit).object["reason"] as? String == "ok")
            attendance = try await scene.attendance()
            let noConflicts = try attendance.field("conflicts", as: [Any].self).isEmpty
            #expect(attendance.object["inside"] as? Int == 1 && noConflicts)
            let csv = try await server.client.send(.GET, "/api/v1/events/\(scene.eventID)/tickets.csv", token: scene.organiser)
            let meadowLine = try #require(csv.text.split(separator: "\r\n").first { $0.hasPrefix("\(scene.meadow),") })
            let firstAdmittedAt = meadowLine.split(separator: ",", omittingEmptySubsequences: false)[7]
            #expect(firstAdmittedAt == "\(server.clock.now())", "first admitted now, not at 0 or in 2106: \(meadowLine)")
        }
    }

    @Test("3. the direction is the device's: an exit claimed by an entry gate is stored flagged and counts nowhere")
    func directionIsTheDevices() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let north = try await scene.gate("North-1")
            let pushed = try await scene.push([scene.scan(1, scene.meadow, direction: "exit")], from: north)
            #expect(pushed.status == 200 && pushed.object["stored"] as? Int == 1, "\(pushed.text)")
            let attendance = try await scene.attendance()
            #expect(attendance.object["admitted"] as? Int == 0 && attendance.object["inside"] as? Int == 0)
            let gate = try #require(try attendance.field("gates", as: [[String: Any]].self).first)
            #expect(gate["exited"] as? Int == 0 && gate["admitted"] as? Int == 0 && gate["flagged_scans"] as? Int == 1)
            // The ticket never came in, so an entry is its first.
            #expect(try await scene.redeem(scene.meadow, at: north).object["admitted"] as? Bool == true)
        }
    }

    @Test("4. scans for another event's tickets: an admission is refused wrong_event, a rejection is kept without the ticket; no figure of the other event moves")
    func scansForAnotherEventsTickets() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let north = try await scene.gate("North-1")
            let elsewhere = try await scene.gate("Elsewhere-1", event: scene.otherEventID)
            // The first event has a real conflict of its own, whose scans must stay its own.
            _ = try await scene.push([scene.scan(1, scene.meadow), scene.scan(2, scene.meadow, at: scene.nowMilliseconds + 1_000)], from: north)

            let refused = try await scene.push([scene.scan(1, scene.meadow, at: scene.nowMilliseconds + 2_000)], from: elsewhere)
            #expect(refused.status == 422 && refused.errorCode == "wrong_event", "\(refused.text)")
            let rejection = scene.scan(2, scene.meadow, verdict: "reject", reason: "wrong_event")
            let kept = try await scene.push([rejection], from: elsewhere)
            #expect(kept.status == 200 && kept.object["stored"] as? Int == 1, "\(kept.text)")

            let attendance = try await scene.attendance()
            let conflicts = try attendance.field("conflicts", as: [[String: Any]].self)
            #expect(conflicts.count == 1)
            let gatesSeen = (conflicts.first?["scans"] as? [[String: Any]])?.compactMap { $0["gate"] as? String }
            #expect(gatesSeen == ["North-1", "North-1"], "only this event's gates: \(attendance.text)")
            let gateNames = try attendance.field("gates", as: [[String: Any]].self).map { $0["name"] as? String }
            #expect(gateNames == ["North-1"])
            let other = try await scene.attendance(scene.otherEventID)
            #expect(other.object["admitted"] as? Int == 0)
            let otherGate = try #require(try other.field("gates", as: [[String: Any]].self).first)
            #expect(otherGate["admitted"] as? Int == 0 && otherGate["rejected"] as? Int == 1)
            // The redeem said so already, and still does.
            #expect(try await scene.redeem(scene.meadow, at: elsewhere).errorCode == "wrong_event")
        }
    }
}
