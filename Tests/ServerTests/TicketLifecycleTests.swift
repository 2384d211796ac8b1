import Foundation
import Shared
import TestSupport
import Testing

@Suite("Tickets: tokens, QR codes, cancel, revoke, reissue, change log")
struct TicketLifecycleTests {
    @Test("a booked ticket's token decodes with the kiosk key export to the booking's facts")
    func tokenDecodesWithKioskExport() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 4, "name": "Stalls"]], seatMapCSV: LiveServer.seatMap(rows: 1, seatsPerRow: 3, ticketClass: 4))
            let token = try await server.client.signUp(email: "kim@example.com", name: "김민수")
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["seats": [2]])
            let ticketID = try booked.firstTicketID()
            let reply = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: token)
            let text = try reply.field("token", as: String.self)

            let decoder = try TokenDecoder(keyRing: server.environment.keyRing.kioskExport)
            let decoded = try decoder.decode(text)
            let event = try await server.client.send(.GET, "/api/v1/events/\(eventID)")
            #expect(decoded.ticket.ticketID == UInt64(ticketID))
            #expect(decoded.ticket.eventID == eventID)
            #expect(decoded.ticket.seat == "R0-2")
            #expect(decoded.ticket.holder == "김민수")
            #expect(decoded.ticket.ticketClass == 4)
            #expect(Int(decoded.ticket.notBefore) == event.object["gates_open_at"] as? Int)
            #expect(Int(decoded.ticket.notAfter) == event.object["ends_at"] as? Int)
        }
    }

    @Test("the QR PNG is a real PNG that zbarimg reads back to exactly the token; the SVG is an SVG")
    func qrImages() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "GA", "capacity": 5]])
            let token = try await server.attendees(1)[0]
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": 1])
            let ticketID = try booked.firstTicketID()
            let expected = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: token).field("token", as: String.self)

            let png = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/qr.png", token: token)
            #expect(png.header("Content-Type") == "image/png")
            let directory = TemporaryDirectory()
            let path = directory.file("ticket.png")
            try Data(png.body).write(to: URL(fileURLWithPath: path))
            let zbarimg = Process()
            zbarimg.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
            zbarimg.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
            let output = Pipe()
            zbarimg.standardOutput = output
            try zbarimg.run()
            let read = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            zbarimg.waitUntilExit()
            #expect(zbarimg.terminationStatus == 0)
            #expect(read.trimmingCharacters(in: .newlines) == expected)

            let svg = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/qr.svg", token: token)
            #expect(svg.header("Content-Type") == "image/svg+xml")
            #expect(svg.text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 53 53\""))  // version 7 + quiet ticketClass
        }
    }

    @Test("cancelling frees the seat at once; revoking and reissuing are in the change log")
    func cancelRevokeReissue() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]], seatMapCSV: LiveServer.seatMap(rows: 1, seatsPerRow: 2, ticketClass: 1))
            let people = try await server.attendees(2)
            let first = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: people[0], json: ["seats": [1]])
            let firstID = try first.firstTicketID()
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: people[1], json: ["seats": [1]]).errorCode == "seat_taken")

            let cancelled = try await server.client.send(.POST, "/api/v1/tickets/\(firstID)/cancel", token: people[0])
            #expect(cancelled.object["status"] as? String == "cancelled")
            #expect(try await server.client.send(.POST, "/api/v1/tickets/\(firstID)/cancel", token: people[0]).errorCode == "ticket_not_valid")
            let second = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: people[1], json: ["seats": [1]])
            #expect(second.status == 201)
            let secondID = try second.firstTicketID()

            let reissued = try await server.client.send(.POST, "/api/v1/tickets/\(secondID)/reissue", token: organiser)
            #expect(reissued.status == 201)
            let newTicket = try reissued.field("ticket", as: [String: Any].self)
            #expect(newTicket["seat"] as? String == "R0-1")
            #expect(newTicket["id"] as? String != secondID)
            #expect((try reissued.field("revoked", as: [String: Any].self))["status"] as? String == "revoked")
            let newID = try #require(newTicket["id"] as? String)
            let revoked = try await server.client.send(.POST, "/api/v1/tickets/\(newID)/revoke", token: organiser)
            #expect(revoked.object["status"] as? String == "revoked")

            let log = try await server.client.send(.GET, "/api/v1/changes?event_id=\(eventID)", token: organiser)
            let changes = try log.field("changes", as: [[String: Any]].self)
            let kinds = changes.map { "\($0["kind"]!):\($0["ticket_id"] as? String ?? "")" }
            #expect(kinds.contains("ticket_cancelled:\(firstID)"))
            #expect(kinds.contains("ticket_revoked:\(secondID)"))
            #expect(kinds.contains("ticket_issued:\(newID)"))
            #expect(kinds.contains("ticket_revoked:\(newID)"))
            let sequence = try changes.map { try #require($0["seq"] as? Int) }
            #expect(sequence == sequence.sorted() && Set(sequence).count == sequence.count)
            #expect(try await server.client.send(.GET, "/api/v1/changes", token: people[0]).status == 403)

            // The log cannot be rewritten, even from inside the server.
            let direct = try SQLiteDatabase(path: server.environment.dataDirectory.databasePath)
            #expect(throws: SQLiteError.self) { try direct.execute("DELETE FROM change_log") }
            #expect(throws: SQLiteError.self) { try direct.execute("UPDATE change_log SET kind = 'x'") }
        }
    }

    @Test("reissuing a general-admission ticket keeps its place; revoking gives the place back")
    func generalAdmissionReissue() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 3, "name": "Meadow", "capacity": 2]])
            let token = try await server.attendees(1)[0]
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 3, "count": 2])
            let ticketID = try booked.firstTicketID()
            func sold() throws -> Int {
                try #require(try server.environment.readers.read { try $0.scalar("SELECT sold FROM ticket_class WHERE event_id = ? AND ticket_class = 3", eventID, as: Int.self) })
            }
            let reissued = try await server.client.send(.POST, "/api/v1/tickets/\(ticketID)/reissue", token: organiser)
            #expect(reissued.status == 201)
            #expect(try sold() == 2)
            let newID = try #require(try reissued.field("ticket", as: [String: Any].self)["id"] as? String)
            #expect(try await server.client.send(.POST, "/api/v1/tickets/\(newID)/revoke", token: organiser).status == 200)
            #expect(try sold() == 1)
        }
    }

    @Test("a seat map with bad lines is refused with their line numbers and nothing is imported")
    func seatMapErrors() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"], ["ticket_class": 2, "name": "GA", "capacity": 9]])
            let csv = """
                row,seat,label,ticket_class
                A,1,A-1,1
                A,2,A-1,1
                A,3,A-3
                A,4,A-4,2
                A,5,\(String(repeating: "x", count: 40)),1
                """
            let reply = try await server.client.send(.PUT, "/api/v1/events/\(eventID)/seatmap", token: organiser, body: csv, headers: [("Content-Type", "text/csv")])
            #expect(reply.status == 422)
            #expect(reply.errorCode == "invalid_seat_map")
            let message = try #require(try reply.field("error", as: [String: Any].self)["message"] as? String)
            for expected in ["line 3: label \"A-1\" is already used on line 2", "line 4: expected 4 fields", "line 5: ticket class \"2\" is not a seated class", "line 6: label"] {
                #expect(message.contains(expected), "\(message)")
            }
            let seats = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").field("seats", as: [Any].self)
            #expect(seats.isEmpty)
            let attendee = try await server.attendees(1)[0]
            #expect(try await server.client.send(.PUT, "/api/v1/events/\(eventID)/seatmap", token: attendee, body: "A,1,A-1,1", headers: [("Content-Type", "text/csv")]).status == 403)
        }
    }

    @Test("sign-up checks its fields; log-in does not tell which of email and password was wrong")
    func accounts() async throws {
        try await LiveServer.run(.router) { server in
            let cases: [([String: Any], String)] = [
                (["email": "not-an-email", "display_name": "A", "password": "long enough"], "invalid_email"),
                (["email": "a@example.com", "display_name": String(repeating: "김", count: 17), "password": "long enough"], "invalid_display_name"),
                (["email": "a@example.com", "display_name": "  ", "password": "long enough"], "invalid_display_name"),
                (["email": "a@example.com", "display_name": "A", "password": "short"], "weak_password"),
            ]
            for (body, code) in cases {
                #expect(try await server.client.send(.POST, "/api/v1/auth/signup", json: body).errorCode == code)
            }
            _ = try await server.client.signUp(email: "a@example.com", name: "A")
            let again = try await server.client.send(.POST, "/api/v1/auth/signup", json: ["email": "A@Example.com", "display_name": "A", "password": "long enough"])
            #expect(again.errorCode == "email_taken")
            let wrongPassword = try await server.client.send(.POST, "/api/v1/auth/login", json: ["email": "a@example.com", "password": "wrong password"])
            let unknown = try await server.client.send(.POST, "/api/v1/auth/login", json: ["email": "b@example.com", "password": "wrong password"])
            #expect(wrongPassword.status == 401 && unknown.status == 401)
            #expect(wrongPassword.text == unknown.text)
            let token = try await server.client.logIn(email: "a@example.com", password: "correct horse battery")
            #expect(try await server.client.send(.GET, "/api/v1/me", token: token).object["email"] as? String == "a@example.com")
            #expect(try await server.client.send(.POST, "/api/v1/auth/logout", token: token).status == 204)
            #expect(try await server.client.send(.GET, "/api/v1/me", token: token).status == 401)
        }
    }
}
