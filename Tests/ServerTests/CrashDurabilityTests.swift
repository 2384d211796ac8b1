import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Shared
import Synchronization
import Testing
import TestSupport

/// A real `ticket-server` process killed with SIGKILL in the middle of the on-sale rush.
@Suite("Crash durability", .serialized)
struct CrashDurabilityTests {
    static let runner = ProductRunner(product: "ticket-server")

    @Test("kill -9 during a booking burst: every acknowledged booking survives; retried with its key, every seat is booked exactly once")
    func killDuringBookingBurst() async throws {
        let directory = TemporaryDirectory("festivalgate-crash")
        // Requests cut off by the kill retry a refused connection until the connect timeout: a
        // short one, with no more requests at once than connections, so none waits in a queue.
        try await LiveServer.withHTTPClient(connections: 64, connectTimeout: .seconds(10)) { http in

            // The demo festival: 240 numbered seats, six per person.
            let first = try await Self.start(["demo", "--data", directory.path, "--port", "0", "--signups-per-address", "100"])
            var client = APIClient(http: http, base: first.base)
            let events = try await client.send(.GET, "/api/v1/events")
            let eventID = try #require((events.object["events"] as? [[String: Any]])?.first?["id"] as? Int)
            let availability = try await client.send(.GET, "/api/v1/events/\(eventID)/availability")
            let seatIDs = try availability.fields("seats", "id", as: Int.self)
            #expect(seatIDs.count == 240)
            let people = try await LiveServer.all(40, inFlight: 64) { [client] index in
                let token = try await client.signUp(email: "fan\(index)@example.com", name: "Fan \(index)")
                // The demo sells through its waiting room; long after its draw, joining gives a turn.
                let joined = try await client.send(.POST, "/api/v1/events/\(eventID)/queue", token: token)
                #expect(try joined.field("entry", as: [String: Any].self)["status"] as? String == "turn", "\(joined.text)")
                return token
            }

            // Every seat booked by one of 40 people, each request with its own key; the server is
            // killed at an acknowledgement from the 30th on, once at least 8 others are in flight
            // (at the 200th whatever the count, so a slow client cannot keep it alive).
            @Sendable func book(_ index: Int, with client: APIClient) async throws -> APIClient.Reply {
                try await client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: people[index % people.count],
                    json: ["seats": [seatIDs[index]]], headers: [("Idempotency-Key", "seat-\(seatIDs[index])")])
            }
            let acknowledgements = Atomic<Int>(0)
            let inFlight = Atomic<Int>(0)
            let killed = Atomic<Bool>(false)
            let inFlightAtKill = Atomic<Int>(0)
            let cutOff = Atomic<Int>(0)
            let burst = try await LiveServer.all(seatIDs.count, inFlight: 64) { [client] index -> (Int, APIClient.Reply?) in
                // Once the server is dead, the rest of the crowd would only knock on a closed port.
                guard !killed.load(ordering: .relaxed) else { return (index, nil) }
                inFlight.add(1, ordering: .relaxed)
                let reply = try? await book(index, with: client)
                let othersInFlight = inFlight.subtract(1, ordering: .relaxed).newValue
                guard let reply else {
                    cutOff.add(1, ordering: .relaxed)
                    return (index, nil)
                }
                if reply.status == 201 {
                    let count = acknowledgements.add(1, ordering: .relaxed).newValue
                    if (count >= 30 && othersInFlight >= 8) || count >= 200, !killed.exchange(true, ordering: .relaxed) {
                        inFlightAtKill.store(othersInFlight, ordering: .relaxed)
                        kill(first.process.processIdentifier, SIGKILL)
                    }
                }
                return (index, reply)
            }
            await first.process.killHard()
            let acknowledged = burst.compactMap { index, reply in reply?.status == 201 ? (index, reply!) : nil }
            #expect(acknowledged.count >= 30)
            #expect(acknowledged.count < seatIDs.count, "the kill came after every booking: it proved nothing")
            // Requests in flight at the kill may still be answered: a reply the server wrote
            // before it died is in the socket's buffer. What shows the kill landed mid-burst is
            // bookings left unanswered, cut off or never sent after it.
            #expect(
                burst.contains { $0.1 == nil },
                "every booking was answered (\(inFlightAtKill.load(ordering: .relaxed)) in flight at the kill, \(cutOff.load(ordering: .relaxed)) cut off)")
            #expect(burst.allSatisfy { $0.1 == nil || $0.1!.status == 201 }, "before the kill, nothing may fail but by the kill")

            // Restarted on the same directory: every acknowledged ticket is there and valid.
            let second = try await Self.start(["serve", "--data", directory.path, "--port", "0"])
            client = APIClient(http: http, base: second.base)
            for (index, reply) in acknowledged {
                let ticketID = try #require((reply.object["tickets"] as? [[String: Any]])?.first?["id"] as? String)
                let ticket = try await client.send(.GET, "/api/v1/tickets/\(ticketID)", token: people[index % people.count])
                #expect(ticket.status == 200 && ticket.object["status"] as? String == "valid", "acknowledged ticket \(ticketID) lost")
            }

            // Everyone whose answer was lost retries with the same key: each booking happens once.
            let retries = try await LiveServer.all(seatIDs.count, inFlight: 64) { [client] index in (index, try await book(index, with: client)) }
            #expect(retries.allSatisfy { $0.1.status == 201 }, "a retry failed: \(retries.first { $0.1.status != 201 }?.1.text ?? "")")
            for (index, reply) in acknowledged {
                let retry = retries.first { $0.0 == index }!.1
                #expect(retry.header("Idempotency-Replayed") == "true")
                #expect(retry.text == reply.text, "a replay must return the first answer")
            }
            await second.process.stop()

            let database = try SQLiteDatabase(path: directory.file("festivalgate.sqlite"), readOnly: true)
            let counts = try #require(try database.row(
                """
                SELECT COUNT(*) AS tickets, COUNT(DISTINCT seat_id) AS seats FROM ticket
                WHERE event_id = ? AND status = 'valid' AND seat_id IS NOT NULL
                """, eventID))
            #expect(try counts["tickets"] as Int == 240)
            #expect(try counts["seats"] as Int == 240)
            #expect(try database.scalar("PRAGMA integrity_check", as: String.self) == "ok")
        }
    }

    /// Starts the server on a free port and returns it with its base URL once it listens.
    static func start(_ arguments: [String]) async throws -> (process: ChildProcess, base: String) {
        let process = try ChildProcess(runner, arguments)
        guard let port = await process.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#) else {
            let state = process.state
            await process.stop(SIGKILL)
            throw APIClientError.unexpected("ticket-server did not start (\(state)): \(process.outputSoFar)")
        }
        return (process, "http://127.0.0.1:\(port)")
    }
}

extension CrashDurabilityTests {
    @Test("kill -9 in the middle of a waiting room's sale: every entry, number, place and turn's end are there after the restart")
    func waitingRoomSurvivesKill() async throws {
        let directory = TemporaryDirectory("festivalgate-crash-room")
        try await LiveServer.withHTTPClient(connections: 16, connectTimeout: .seconds(10)) { http in
            // The demo festival sells through a waiting room, long drawn: each joiner gets a turn.
            let first = try await Self.start(["demo", "--data", directory.path, "--port", "0", "--signups-per-address", "100"])
            var client = APIClient(http: http, base: first.base)
            let eventID = try #require((try await client.send(.GET, "/api/v1/events").object["events"] as? [[String: Any]])?.first?["id"] as? Int)
            let people = try await LiveServer.all(12, inFlight: 12) { [client] index in
                try await client.signUp(email: "line\(index)@example.com", name: "Line \(index)")
            }
            var before: [[String: Any]] = []
            for person in people {
                let joined = try await client.send(.POST, "/api/v1/events/\(eventID)/queue", token: person)
                before.append(try joined.field("entry", as: [String: Any].self))
            }
            let room = try await client.send(.GET, "/api/v1/events/\(eventID)/queue")
            await first.process.killHard()

            let second = try await Self.start(["serve", "--data", directory.path, "--port", "0"])
            defer { second.process.stop() }
            client = APIClient(http: http, base: second.base)
            for (person, entry) in zip(people, before) {
                let after = try await client.send(.GET, "/api/v1/events/\(eventID)/queue/me", token: person).field("entry", as: [String: Any].self)
                #expect(after["number"] as? Int == entry["number"] as? Int && after["status"] as? String == entry["status"] as? String)
                #expect(after["turn_ends_at"] as? Int == entry["turn_ends_at"] as? Int, "the turn ends when it did")
            }
            let again = try await client.send(.GET, "/api/v1/events/\(eventID)/queue")
            #expect(try again.field("commitment", as: String.self) == room.field("commitment", as: String.self))
            #expect(try again.field("seed", as: String.self) == room.field("seed", as: String.self))
            #expect(again.object["admitted"] as? Int == room.object["admitted"] as? Int)
        }
    }
}

extension CrashDurabilityTests {
    @Test("kill -9 with waitlist offers open: they and their deadlines are there after the restart; one that ran out while the server was down passes on at start")
    func waitlistOffersSurviveKill() async throws {
        let directory = TemporaryDirectory("festivalgate-crash-waitlist")
        try await LiveServer.withHTTPClient(connections: 8, connectTimeout: .seconds(10)) { http in
            let first = try await Self.start(["serve", "--data", directory.path, "--port", "0", "--signups-per-address", "100"])
            let created = try await Self.runner.run(["accounts", "create-organiser", "--data", directory.path, "--email", "boss@example.com"])
            try #require(created.status == 0, "\(created.standardError)")
            let password = try #require(created.standardOutput.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
            var client = APIClient(http: http, base: first.base)
            let organiser = try await client.logIn(email: "boss@example.com", password: password)
            let now = Int64(Date().timeIntervalSince1970)
            let event = try await client.send(
                .POST, "/api/v1/events", token: organiser,
                json: [
                    "name": "Sold Out Festival", "venue": "Hall", "starts_at": now + 86_400, "ends_at": now + 90_000,
                    "gates_open_at": now + 80_000, "sale_opens_at": now - 60, "sale_closes_at": now + 80_000, "per_person_limit": 2,
                    "offer_minutes": 10, "classes": [["ticket_class": 1, "name": "Meadow", "capacity": 2]],
                ])
            let eventID = try event.field("id", as: Int.self)
            var people: [String] = []
            for index in 0..<5 { people.append(try await client.signUp(email: "person\(index)@example.com", name: "Person \(index)")) }
            var tickets: [String] = []
            for holder in people.prefix(2) {
                let booked = try await client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: holder, json: ["ticket_class": 1, "count": 1])
                tickets.append(try #require(try booked.field("tickets", as: [[String: Any]].self).first?["id"] as? String))
            }
            let waiting = Array(people.suffix(3))
            for person in waiting {
                let joined = try await client.send(.POST, "/api/v1/events/\(eventID)/waitlist", token: person, json: ["ticket_class": 1])
                try #require(joined.status == 201, "\(joined.text)")
            }
            // Both tickets are given back: the first two in line hold offers.
            for (holder, ticket) in zip(people, tickets) {
                try #require(try await client.send(.POST, "/api/v1/tickets/\(ticket)/cancel", token: holder).status == 200)
            }
            let before = try await client.send(.GET, "/api/v1/waitlist", token: waiting[0]).field("offers", as: [[String: Any]].self)
            let kept = try await client.send(.GET, "/api/v1/waitlist", token: waiting[1]).field("offers", as: [[String: Any]].self)
            try #require(before.count == 1 && kept.count == 1, "\(before) \(kept)")
            await first.process.killHard()

            // While the server is down, the first offer's time runs out (moved back here, rather
            // than waiting its ten minutes).
            let expiredID = try #require(before.first?["id"] as? Int)
            let database = try SQLiteDatabase(path: directory.file("festivalgate.sqlite"))
            try database.run("UPDATE waitlist_offer SET expires_at = ? WHERE id = ?", Int64(Date().timeIntervalSince1970) - 5, expiredID)

            let second = try await Self.start(["serve", "--data", directory.path, "--port", "0"])
            defer { second.process.stop() }
            client = APIClient(http: http, base: second.base)
            let after = try await client.send(.GET, "/api/v1/waitlist", token: waiting[1]).field("offers", as: [[String: Any]].self)
            #expect(after.first?["id"] as? Int == kept.first?["id"] as? Int, "the open offer is kept: \(after)")
            #expect(after.first?["expires_at"] as? Int == kept.first?["expires_at"] as? Int, "with its deadline")
            // The expiry pass runs as the server starts: the third in line holds the ticket at once.
            var passedOn: [[String: Any]] = []
            for _ in 0..<50 where passedOn.isEmpty {
                passedOn = try await client.send(.GET, "/api/v1/waitlist", token: waiting[2]).field("offers", as: [[String: Any]].self)
                if passedOn.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(passedOn.count == 1, "the offer that ran out while the server was down passed on")
            let late = try await client.send(.POST, "/api/v1/offers/\(expiredID)/accept", token: waiting[0])
            #expect(late.status == 410 && late.errorCode == "offer_expired", "\(late.text)")
            let keptID = try #require(kept.first?["id"] as? Int)
            let accepted = try await client.send(.POST, "/api/v1/offers/\(keptID)/accept", token: waiting[1])
            #expect(accepted.status == 201, "\(accepted.text)")
            let expiries = try database.scalar(
                "SELECT COUNT(*) FROM change_log WHERE kind = 'offer_expired' AND event_id = ?", eventID, as: Int.self)
            #expect(expiries == 1, "the expiry is in the change log, once")
        }
    }
}
