import Foundation
import Testing

/// The on-sale rush: far more people than places, all at once, over a live socket.
@Suite("Booking under contention", .serialized)
struct BookingRaceTests {
    @Test("500 seats, 2,000 people booking at once: exactly 500 tickets, no seat twice, every loser told seat_taken")
    func seatRace() async throws {
        try await LiveServer.run { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]],
                seatMapCSV: LiveServer.seatMap(rows: 25, seatsPerRow: 20, ticketClass: 1))
            let availability = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability")
            let seatIDs = try availability.fields("seats", "id", as: Int.self)
            #expect(seatIDs.count == 500)
            let people = try await server.attendees(2_000)

            // Four people want each seat.
            let replies = try await LiveServer.all(people.count) { index in
                try await server.client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: people[index], json: ["seats": [seatIDs[index % 500]]])
            }
            let won = replies.filter { $0.status == 201 }
            let lost = replies.filter { $0.status != 201 }
            #expect(won.count == 500)
            #expect(lost.allSatisfy { $0.status == 409 && $0.errorCode == "seat_taken" })
            let soldSeats = try won.flatMap { try $0.fields("tickets", "seat", as: String.self) }
            #expect(Set(soldSeats).count == 500)

            // The database agrees: 500 live tickets, each seat once.
            let (tickets, distinctSeats) = try server.environment.readers.read { database in
                let row = try #require(try database.row(
                    "SELECT COUNT(*) AS tickets, COUNT(DISTINCT seat_id) AS seats FROM ticket WHERE event_id = ? AND status = 'valid'", eventID))
                return (try row["tickets"] as Int, try row["seats"] as Int)
            }
            #expect(tickets == 500)
            #expect(distinctSeats == 500)
            let after = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability")
            #expect((try after.field("seats", as: [[String: Any]].self)).allSatisfy { $0["free"] as? Bool == false })
        }
    }

    @Test("general admission of 500, 2,000 people booking one each at once: exactly 500 tickets, losers told sold_out")
    func generalAdmissionRace() async throws {
        try await LiveServer.run { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 7, "name": "Meadow", "capacity": 500]])
            let people = try await server.attendees(2_000)
            let replies = try await LiveServer.all(people.count) { index in
                try await server.client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: people[index], json: ["ticket_class": 7, "count": 1])
            }
            #expect(replies.filter { $0.status == 201 }.count == 500)
            #expect(replies.filter { $0.status != 201 }.allSatisfy { $0.status == 409 && $0.errorCode == "sold_out" })
            let (live, sold) = try server.environment.readers.read { database in
                (try database.scalar("SELECT COUNT(*) FROM ticket WHERE event_id = ? AND status = 'valid'", eventID, as: Int.self),
                 try database.scalar("SELECT sold FROM ticket_class WHERE event_id = ? AND ticket_class = 7", eventID, as: Int.self))
            }
            #expect(live == 500)
            #expect(sold == 500)
        }
    }

    @Test("one person firing 20 bookings in parallel gets no more than the per-person limit")
    func limitUnderParallelRequests() async throws {
        try await LiveServer.run { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 1000]], perPersonLimit: 4)
            let token = try await server.attendees(1)[0]
            let replies = try await LiveServer.all(20) { _ in
                try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": 1])
            }
            #expect(replies.filter { $0.status == 201 }.count == 4)
            #expect(replies.filter { $0.status != 201 }.allSatisfy { $0.errorCode == "over_limit" })
        }
    }

    @Test("a double-clicked booking with one Idempotency-Key books once and answers both clicks alike")
    func idempotentDoubleClick() async throws {
        try await LiveServer.run { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 100]])
            let token = try await server.attendees(1)[0]
            let replies = try await LiveServer.all(5) { _ in
                try await server.client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": 2],
                    headers: [("Idempotency-Key", "click-1")])
            }
            #expect(replies.allSatisfy { $0.status == 201 })
            #expect(Set(replies.map(\.text)).count == 1)
            #expect(replies.filter { $0.header("Idempotency-Replayed") == "true" }.count == 4)
            let mine = try await server.client.send(.GET, "/api/v1/tickets", token: token)
            #expect((try mine.field("tickets", as: [Any].self)).count == 2)
            let reused = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": 1],
                headers: [("Idempotency-Key", "click-1")])
            #expect(reused.status == 422)
            #expect(reused.errorCode == "idempotency_key_reused")
        }
    }
}
