import Foundation
import Testing

/// What the on-sale crowd will try by editing requests: each gets a clear 4xx and changes nothing.
@Suite("Booking rejects tampered requests")
struct BookingTamperingTests {
    @Test("seats of another event, missing seats, bad counts, wrong types and closed sales are refused without a change")
    func tamperedBookings() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let seated = LiveServer.seatMap(rows: 1, seatsPerRow: 5, ticketClass: 1)
            let eventA = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"], ["ticket_class": 2, "name": "GA", "capacity": 50]], seatMapCSV: seated)
            let eventB = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]], seatMapCSV: seated)
            let later = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "GA", "capacity": 5]], saleOpensIn: 3600)
            let seatsOfB = try await server.client.send(.GET, "/api/v1/events/\(eventB)/availability")
            let seatOfB = try #require(try seatsOfB.fields("seats", "id", as: Int.self).first)
            let token = try await server.attendees(1)[0]

            let cases: [(UInt32, Any, Int, String)] = [
                (eventA, ["seats": [seatOfB]], 422, "seat_not_in_event"),
                (eventA, ["seats": [987_654]], 422, "seat_not_in_event"),
                (eventA, ["seats": [-1]], 422, "seat_not_in_event"),
                (eventA, ["seats": []], 422, "invalid_count"),
                (eventA, ["ticket_class": 2, "count": -3], 422, "invalid_count"),
                (eventA, ["ticket_class": 2, "count": 0], 422, "invalid_count"),
                (eventA, ["ticket_class": 2, "count": 1_000_000_000], 422, "invalid_count"),
                (eventA, ["ticket_class": 2, "count": "2"], 400, "invalid_json"),
                (eventA, ["ticket_class": 2, "count": 2.5], 400, "invalid_json"),
                (eventA, ["ticket_class": 99, "count": 1], 422, "unknown_class"),
                (eventA, ["ticket_class": 70_000, "count": 1], 422, "unknown_class"),
                (eventA, ["ticket_class": 1, "count": 1], 422, "class_is_seated"),
                (eventA, ["seats": [1], "ticket_class": 2], 422, "class_mismatch"),
                (eventA, ["price_cents": 0], 400, "invalid_request"),
                (later, ["ticket_class": 1, "count": 1], 409, "sale_not_open"),
                (4_000_000, ["ticket_class": 1, "count": 1], 404, "not_found"),
            ]
            for (event, body, status, code) in cases {
                let reply = try await server.client.send(.POST, "/api/v1/events/\(event)/bookings", token: token, json: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
                #expect(reply.errorCode == code, "\(body): \(reply.text)")
            }
            let notJSON = try await server.client.send(
                .POST, "/api/v1/events/\(eventA)/bookings", token: token, body: "{not json", headers: [("Content-Type", "application/json")])
            #expect(notJSON.status == 400)
            #expect(notJSON.errorCode == "invalid_json")
            #expect(notJSON.text.contains("the body is not valid JSON") && !notJSON.text.contains("NSDebugDescription"))
            let plainText = try await server.client.send(.POST, "/api/v1/events/\(eventA)/bookings", token: token, body: #"{"ticket_class": 2, "count": 1}"#)
            #expect(plainText.status == 415)
            #expect(plainText.errorCode == "unsupported_media_type")
            let anonymous = try await server.client.send(.POST, "/api/v1/events/\(eventA)/bookings", json: ["ticket_class": 2, "count": 1])
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "not_signed_in")
            let huge = try await server.client.send(
                .POST, "/api/v1/events/\(eventA)/bookings", token: token, body: String(repeating: "x", count: 1_000_000),
                headers: [("Content-Type", "application/json")])
            #expect(huge.status == 413)
            #expect(huge.errorCode == "body_too_large")

            // A booking of two seats where the second is taken issues neither.
            let other = try await server.attendees(1, prefix: "other")[0]
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventA)/bookings", token: other, json: ["seats": [2]]).status == 201)
            let partial = try await server.client.send(.POST, "/api/v1/events/\(eventA)/bookings", token: token, json: ["seats": [1, 2]])
            #expect(partial.errorCode == "seat_taken")

            let count = try server.environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) }
            #expect(count == 1)
        }
    }

    @Test("someone else's ticket is not found for reading, its token, its QR code or cancelling")
    func otherPeoplesTickets() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "GA", "capacity": 10]])
            let tokens = try await server.attendees(2)
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: tokens[0], json: ["ticket_class": 1, "count": 1])
            let ticketID = try booked.firstTicketID()
            for path in ["", "/token", "/qr.svg", "/qr.png"] {
                let reply = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)\(path)", token: tokens[1])
                #expect(reply.status == 404, "\(path)")
                #expect(reply.errorCode == "not_found", "\(path)")
            }
            let cancel = try await server.client.send(.POST, "/api/v1/tickets/\(ticketID)/cancel", token: tokens[1])
            #expect(cancel.status == 404)
            let revoke = try await server.client.send(.POST, "/api/v1/tickets/\(ticketID)/revoke", token: tokens[1])
            #expect(revoke.status == 403)
            #expect(try await server.client.send(.GET, "/api/v1/tickets/not-a-number", token: tokens[0]).status == 404)
            let mine = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)", token: tokens[0])
            #expect(mine.object["status"] as? String == "valid")
        }
    }
}
