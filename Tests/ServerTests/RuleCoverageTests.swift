import Foundation
@testable import Server
import Shared
import Testing

/// The rules no other suite reached: sales that closed, events that started, classes twice,
/// an event moved, a role changed under a cached session, and a write batch with a failing job.
@Suite("Rules at their edges")
struct RuleCoverageTests {
    @Test("after the sale closes a booking is sale_closed; after the event starts a cancel is event_started")
    func closedSaleAndStartedEvent() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
            var fan = try await server.attendees(1)[0]
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1])
            #expect(booked.status == 201)
            let ticketID = try #require((booked.object["tickets"] as? [[String: Any]])?.first?["id"] as? String)

            server.clock.advance(by: 30 * 86_400 + 1)  // past sale_closes_at, which is the start
            fan = try await server.client.logIn(email: "fan0@example.com", password: "correct horse battery")  // a month on
            let late = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1])
            #expect(late.status == 409 && late.errorCode == "sale_closed")
            let cancel = try await server.client.send(.POST, "/api/v1/tickets/\(ticketID)/cancel", token: fan)
            #expect(cancel.status == 409 && cancel.errorCode == "event_started")
            let ticket = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)", token: fan)
            #expect(ticket.object["status"] as? String == "valid")
        }
    }

    @Test("a class added twice is class_exists; adding one is in the change log and in the availability at once")
    func duplicateClassAndLoggedClass() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
            _ = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability")  // cached now
            let added = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/classes", token: organiser, json: ["ticket_class": 2, "name": "Balcony", "capacity": 5])
            #expect(added.status == 201)
            let again = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/classes", token: organiser, json: ["ticket_class": 2, "name": "Balcony", "capacity": 5])
            #expect(again.status == 409 && again.errorCode == "class_exists")
            let availability = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability")
            #expect((availability.object["classes"] as? [[String: Any]])?.map { $0["ticket_class"] as? Int } == [1, 2])
            let changes = try await server.client.send(.GET, "/api/v1/changes?event_id=\(eventID)", token: organiser)
            let kinds = (changes.object["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(kinds.filter { $0 == "class_added" }.count == 2, "\(kinds)")
        }
    }

    @Test("moving an event answers how many tickets were re-signed; changing only its name re-signs none")
    func eventUpdate() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
            let fans = try await server.attendees(3)
            for fan in fans {
                _ = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1])
            }
            var event = try await server.client.send(.GET, "/api/v1/events/\(eventID)").object
            event["classes"] = nil
            event["id"] = nil
            event["name"] = "Renamed Festival"
            let renamed = try await server.client.send(.PUT, "/api/v1/events/\(eventID)", token: organiser, json: event)
            #expect(renamed.status == 200 && renamed.header("Tickets-Resigned") == "0")
            #expect(renamed.object["name"] as? String == "Renamed Festival")
            event["ends_at"] = try #require(event["ends_at"] as? Int) + 3_600
            let moved = try await server.client.send(.PUT, "/api/v1/events/\(eventID)", token: organiser, json: event)
            #expect(moved.status == 200 && moved.header("Tickets-Resigned") == "3")
            let missing = try await server.client.send(.PUT, "/api/v1/events/999", token: organiser, json: event)
            #expect(missing.status == 404)
        }
    }

    @Test("a role change takes effect on the next request of a session already cached")
    func roleChangeUnderCachedSession() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let staff = try await server.attendees(1, prefix: "staff")[0]
            let me = try await server.client.send(.GET, "/api/v1/me", token: staff)
            let accountID = try #require(me.object["id"] as? Int)
            #expect(try await server.client.send(.GET, "/api/v1/changes", token: staff).status == 403)  // cached as attendee
            let promoted = try await server.client.send(.PUT, "/api/v1/accounts/\(accountID)/role", token: organiser, json: ["role": "staff"])
            #expect(promoted.status == 200 && promoted.object["role"] as? String == "staff")
            #expect(try await server.client.send(.GET, "/api/v1/changes", token: staff).status == 200)
            _ = try await server.client.send(.PUT, "/api/v1/accounts/\(accountID)/role", token: organiser, json: ["role": "attendee"])
            #expect(try await server.client.send(.GET, "/api/v1/changes", token: staff).status == 403)
        }
    }

    @Test("in one write batch a failing job undoes only its own writes, and no job can end the batch's transaction")
    func writerBatchWithFailingJob() async throws {
        try await LiveServer.run(.router) { server in
            let writer = server.environment.writer
            _ = try await writer.write { try $0.run("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)") }
            struct Refused: Error {}
            // Enough jobs at once that many share a batch with the failing ones.
            let results = try await LiveServer.all(60) { index -> Bool in
                do {
                    try await writer.write { transaction in
                        try transaction.run("INSERT INTO probe (id, note) VALUES (?, 'kept')", index)
                        if index % 3 == 0 { throw Refused() }
                        if index % 3 == 1 { try transaction.run("COMMIT") }
                    }
                    return true
                } catch {
                    return false
                }
            }
            #expect(results.filter { $0 }.count == 20)
            let kept = try server.environment.readers.read { try $0.rows("SELECT id FROM probe ORDER BY id").map { try $0["id"] as Int } }
            #expect(kept == Array(0..<60).filter { $0 % 3 == 2 })
            // A nested savepoint that fails is undone; the job goes on and commits the rest.
            try await writer.write { transaction in
                try transaction.run("INSERT INTO probe (id, note) VALUES (100, 'outer')")
                _ = try? transaction.savepoint { nested in
                    try nested.run("INSERT INTO probe (id, note) VALUES (101, 'inner')")
                    throw Refused()
                }
            }
            let after = try server.environment.readers.read { try $0.rows("SELECT id FROM probe WHERE id >= 100").map { try $0["id"] as Int } }
            #expect(after == [100])
        }
    }
}
