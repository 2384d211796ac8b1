import Foundation
@testable import Server
import Shared
import Testing
import TestSupport

/// The waitlist of a sold-out class (issue 23): its line, first come first served.
@Suite("Waitlist: the line of a sold-out class")
struct WaitlistTests {
    @Test("joining: only a sold-out class, once per account, within the per-person limit; places in join order; leaving and joining again")
    func line() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser,
                classes: [["ticket_class": 1, "name": "Meadow", "capacity": 2], ["ticket_class": 2, "name": "Terrace", "capacity": 50]],
                perPersonLimit: 4)
            let people = try await server.attendees(5)
            let join = { (token: String, body: [String: Any]) in
                try await server.client.send(.POST, "/api/v1/events/\(eventID)/waitlist", token: token, json: body)
            }

            let early = try await join(people[0], ["ticket_class": 1])
            #expect(early.status == 409 && early.errorCode == "not_sold_out", "tickets are on sale: \(early.text)")
            for person in people.prefix(2) {
                let booked = try await server.client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: person, json: ["ticket_class": 1, "count": 1])
                try #require(booked.status == 201, "\(booked.text)")
            }

            let first = try await join(people[2], ["ticket_class": 1])
            #expect(first.status == 201, "\(first.text)")
            #expect(first.object["position"] as? Int == 1 && first.object["status"] as? String == "waiting" && first.object["count"] as? Int == 1)
            let again = try await join(people[2], ["ticket_class": 1, "count": 3])
            #expect(again.status == 200 && again.object["id"] as? Int == first.object["id"] as? Int, "the same entry: \(again.text)")
            let second = try await join(people[3], ["ticket_class": 1, "count": 2, "accept_fewer": true])
            #expect(second.status == 201 && second.object["position"] as? Int == 2 && second.object["accept_fewer"] as? Bool == true)

            let tooMany = try await join(people[4], ["ticket_class": 1, "count": 5])
            #expect(tooMany.status == 409 && tooMany.errorCode == "over_limit", "\(tooMany.text)")
            let none = try await join(people[4], ["ticket_class": 1, "count": 0])
            #expect(none.status == 422 && none.errorCode == "invalid_count")
            let unknown = try await join(people[4], ["ticket_class": 9])
            #expect(unknown.status == 422 && unknown.errorCode == "unknown_class")
            let onSale = try await join(people[4], ["ticket_class": 2])
            #expect(onSale.status == 409 && onSale.errorCode == "not_sold_out")

            let mine = try await server.client.send(.GET, "/api/v1/waitlist", token: people[3])
            let entries = try mine.field("entries", as: [[String: Any]].self)
            #expect(mine.status == 200 && entries.count == 1 && entries.first?["position"] as? Int == 2)
            #expect(try mine.field("offers", as: [Any].self).isEmpty)

            // The first leaves: the second moves up. Someone else's entry is not theirs to end.
            let firstID = try #require(first.object["id"] as? Int)
            #expect(try await server.client.send(.DELETE, "/api/v1/waitlist/\(firstID)", token: people[3]).status == 404)
            #expect(try await server.client.send(.DELETE, "/api/v1/waitlist/\(firstID)", token: people[2]).status == 204)
            #expect(try await server.client.send(.DELETE, "/api/v1/waitlist/\(firstID)", token: people[2]).status == 204, "leaving again changes nothing")
            let moved = try await server.client.send(.GET, "/api/v1/waitlist", token: people[3]).field("entries", as: [[String: Any]].self)
            #expect(moved.first?["position"] as? Int == 1)
            #expect(try await server.client.send(.GET, "/api/v1/waitlist", token: people[2]).field("entries", as: [Any].self).isEmpty)
            let back = try await join(people[2], ["ticket_class": 1])
            #expect(back.status == 201 && back.object["position"] as? Int == 2, "joining again goes to the back: \(back.text)")
        }
    }

    @Test("the schema holds a seat for one offer at most, and never a seat with a live ticket beside a hold")
    func heldSeatsInTheSchema() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]], seatMapCSV: LiveServer.seatMap(rows: 1, seatsPerRow: 2, ticketClass: 1))
            let fan = try await server.client.signUp(email: "fan@example.com", name: "Fan")
            let seats = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").field("seats", as: [[String: Any]].self)
            let (sold, held) = (try #require(seats.first?["id"] as? Int), try #require(seats.last?["id"] as? Int))
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["seats": [sold]]).status == 201)
            let now = server.clock.now()
            try await server.environment.writer.write { transaction in
                try transaction.run(
                    "INSERT INTO waitlist_entry (event_id, ticket_class, account_id, count, joined_at, changed_at) VALUES (?, 1, 1, 1, ?, ?)",
                    eventID, now, now)
                let entryID = transaction.lastInsertRowID
                try transaction.run(
                    "INSERT INTO waitlist_offer (entry_id, count, created_at, expires_at, changed_at) VALUES (?, 1, ?, ?, ?)",
                    entryID, now, now + 1800, now)
                let offerID = transaction.lastInsertRowID
                try transaction.run("INSERT INTO offer_seat (seat_id, offer_id) VALUES (?, ?)", held, offerID)
                #expect(throws: SQLiteError.self, "a sold seat cannot be held") {
                    try transaction.run("INSERT INTO offer_seat (seat_id, offer_id) VALUES (?, ?)", sold, offerID)
                }
            }
            let taken = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["seats": [held]])
            #expect(taken.status >= 400 && taken.status < 500, "a held seat cannot be sold: \(taken.status) \(taken.text)")
        }
    }
}
