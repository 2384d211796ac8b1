import Foundation
import Synchronization
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
                // In a savepoint: on PostgreSQL a failed statement ends its transaction otherwise.
                #expect(throws: SQLiteError.self, "a sold seat cannot be held") {
                    try transaction.savepoint { try $0.run("INSERT INTO offer_seat (seat_id, offer_id) VALUES (?, ?)", sold, offerID) }
                }
            }
            let taken = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["seats": [held]])
            #expect(taken.status >= 400 && taken.status < 500, "a held seat cannot be sold: \(taken.status) \(taken.text)")
        }
    }

    /// A sold-out standing class of `capacity` (four a person) and `people` who hold its tickets
    /// or wait for them: the first `capacity` hold one each.
    struct SoldOut {
        let server: LiveServer
        let eventID: UInt32
        let holders: [String]
        let tickets: [String]

        static func make(_ server: LiveServer, capacity: Int = 3, offerMinutes: Int? = nil) async throws -> SoldOut {
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": capacity]], perPersonLimit: 4)
            let holders = try await server.attendees(capacity, prefix: "holder")
            var tickets: [String] = []
            for holder in holders {
                let booked = try await server.client.send(
                    .POST, "/api/v1/events/\(eventID)/bookings", token: holder, json: ["ticket_class": 1, "count": 1])
                try #require(booked.status == 201, "\(booked.text)")
                tickets.append(try #require((try booked.field("tickets", as: [[String: Any]].self)).first?["id"] as? String))
            }
            return SoldOut(server: server, eventID: eventID, holders: holders, tickets: tickets)
        }

        func join(_ token: String, count: Int = 1, acceptFewer: Bool = false) async throws {
            let joined = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/waitlist", token: token, json: ["ticket_class": 1, "count": count, "accept_fewer": acceptFewer])
            try #require(joined.status == 201, "\(joined.text)")
        }

        func cancel(_ index: Int) async throws {
            let cancelled = try await server.client.send(.POST, "/api/v1/tickets/\(tickets[index])/cancel", token: holders[index])
            try #require(cancelled.status == 200, "\(cancelled.text)")
        }

        func offers(_ token: String) async throws -> [[String: Any]] {
            try await server.client.send(.GET, "/api/v1/waitlist", token: token).field("offers", as: [[String: Any]].self)
        }

        func remaining() async throws -> Int? {
            let classes = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").field("classes", as: [[String: Any]].self)
            return classes.first?["remaining"] as? Int
        }
    }

    @Test("a cancelled ticket goes to the first in line, not back on sale; accept books it, decline and expiry pass it on, a late accept is 410")
    func offersInOrder() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let waiting = try await server.attendees(3, prefix: "waiting")
            let loop = try await server.client.signUp(email: "loop@example.com", name: "Loop")
            for person in waiting { try await sale.join(person) }

            try await sale.cancel(0)
            let offered = try await sale.offers(waiting[0])
            #expect(offered.count == 1 && offered.first?["count"] as? Int == 1 && offered.first?["seats"] is NSNull, "\(offered)")
            #expect(try await sale.offers(waiting[1]).isEmpty, "only the first in line")
            #expect(try await sale.remaining() == 0, "nothing on public sale while people wait")
            let loopTry = try await server.client.send(
                .POST, "/api/v1/events/\(sale.eventID)/bookings", token: loop, json: ["ticket_class": 1, "count": 1])
            #expect(loopTry.status == 409 && loopTry.errorCode == "sold_out", "a loop gets nothing: \(loopTry.text)")
            #expect((loopTry.object["error"] as? [String: Any])?["waitlist"] as? String == "/api/v1/events/\(sale.eventID)/waitlist", "the error says where the line is")

            // The first declines: the second gets it. The second lets it run out: the third.
            let firstOffer = try #require(offered.first?["id"] as? Int)
            let declined = try await server.client.send(.POST, "/api/v1/offers/\(firstOffer)/decline", token: waiting[0])
            #expect(declined.status == 200 && declined.object["status"] as? String == "declined")
            let secondOffer = try #require(try await sale.offers(waiting[1]).first?["id"] as? Int)
            #expect(try await server.client.send(.POST, "/api/v1/offers/\(secondOffer)/accept", token: waiting[0]).status == 404, "not theirs")
            server.clock.advance(by: 30 * 60)
            let thirdOffers = try await sale.offers(waiting[2])
            #expect(thirdOffers.first?["expires_at"] as? Int == Int(server.clock.now()) + 30 * 60, "held for the event's offer_minutes")
            #expect(thirdOffers.count == 1, "expiry passed it on: \(thirdOffers)")
            let late = try await server.client.send(.POST, "/api/v1/offers/\(secondOffer)/accept", token: waiting[1])
            #expect(late.status == 410 && late.errorCode == "offer_expired", "\(late.text)")

            let thirdOffer = try #require(thirdOffers.first?["id"] as? Int)
            let accepted = try await server.client.send(.POST, "/api/v1/offers/\(thirdOffer)/accept", token: waiting[2])
            let issued = try accepted.field("tickets", as: [Any].self)
            #expect(accepted.status == 201 && issued.count == 1, "\(accepted.text)")
            #expect(try await server.client.send(.POST, "/api/v1/offers/\(thirdOffer)/accept", token: waiting[2]).status == 410, "once")
            let waitlist = try await server.client.send(.GET, "/api/v1/waitlist", token: waiting[2])
            let (entriesLeft, offersLeft) = (try waitlist.field("entries", as: [Any].self), try waitlist.field("offers", as: [Any].self))
            #expect(entriesLeft.isEmpty && offersLeft.isEmpty)

            // The line is empty now: a freed ticket goes back on sale.
            try await sale.cancel(1)
            #expect(try await sale.remaining() == 1)
            #expect(try await server.client.send(
                .POST, "/api/v1/events/\(sale.eventID)/bookings", token: loop, json: ["ticket_class": 1, "count": 1]).status == 201)
        }
    }

    @Test("offer_minutes: 30 by default, set on the event (1 minute to a week), kept when an edit leaves it out")
    func offerMinutes() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let organiser = try await server.client.logIn(email: "boss@example.com", password: "organiser password")
            var event = try await server.client.send(.GET, "/api/v1/events/\(sale.eventID)").object
            #expect(event["offer_minutes"] as? Int == 30)
            for key in ["id", "classes", "waiting_room", "paused", "offer_minutes"] { event[key] = nil }
            event["offer_minutes"] = 10
            let changed = try await server.client.send(.PUT, "/api/v1/events/\(sale.eventID)", token: organiser, json: event)
            #expect(changed.status == 200 && changed.object["offer_minutes"] as? Int == 10, "\(changed.text)")
            event["offer_minutes"] = nil
            let kept = try await server.client.send(.PUT, "/api/v1/events/\(sale.eventID)", token: organiser, json: event)
            #expect(kept.object["offer_minutes"] as? Int == 10, "\(kept.text)")
            event["offer_minutes"] = 0
            let refused = try await server.client.send(.PUT, "/api/v1/events/\(sale.eventID)", token: organiser, json: event)
            #expect(refused.status == 422 && refused.errorCode == "invalid_offer_minutes")

            let waiting = try await server.client.signUp(email: "waiting@example.com", name: "W")
            try await sale.join(waiting)
            try await sale.cancel(0)
            #expect(try await sale.offers(waiting).first?["expires_at"] as? Int == Int(server.clock.now()) + 10 * 60)
        }
    }

    @Test("a group entry waits until enough are free, holding back what is freed meanwhile; one that accepts fewer takes what there is")
    func groups() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let (group, behind) = (try await server.client.signUp(email: "group@example.com", name: "Group"),
                                   try await server.client.signUp(email: "behind@example.com", name: "Behind"))
            try await sale.join(group, count: 2)
            try await sale.join(behind)
            try await sale.cancel(0)
            let (groupOffers, behindOffers) = (try await sale.offers(group), try await sale.offers(behind))
            #expect(groupOffers.isEmpty && behindOffers.isEmpty, "held back for the head of the line")
            #expect(try await sale.remaining() == 0)
            try await sale.cancel(1)
            #expect(try await sale.offers(group).first?["count"] as? Int == 2)
            #expect(try await sale.offers(behind).isEmpty)
        }
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let fewer = try await server.client.signUp(email: "fewer@example.com", name: "Fewer")
            try await sale.join(fewer, count: 3, acceptFewer: true)
            try await sale.cancel(2)
            let offer = try #require(try await sale.offers(fewer).first)
            #expect(offer["count"] as? Int == 1, "one of three, as it said it would take: \(offer)")
            let accepted = try await server.client.send(.POST, "/api/v1/offers/\(try #require(offer["id"] as? Int))/accept", token: fewer)
            #expect(accepted.status == 201)
        }
    }

    @Test("organisers raise a standing class's capacity: the new tickets are offered to the line at once; not below what is sold")
    func capacityRaised() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let organiser = try await server.client.logIn(email: "boss@example.com", password: "organiser password")
            let waiting = try await server.attendees(3, prefix: "waiting")
            for person in waiting { try await sale.join(person) }
            let raised = try await server.client.send(
                .PATCH, "/api/v1/events/\(sale.eventID)/classes/1", token: organiser, json: ["capacity": 5])
            #expect(raised.status == 200, "\(raised.text)")
            let (first, second, third) = (try await sale.offers(waiting[0]), try await sale.offers(waiting[1]), try await sale.offers(waiting[2]))
            #expect(first.count == 1 && second.count == 1 && third.isEmpty, "two new tickets, two offers, in order")
            let lower = try await server.client.send(.PATCH, "/api/v1/events/\(sale.eventID)/classes/1", token: organiser, json: ["capacity": 4])
            #expect(lower.status == 409 && lower.errorCode == "capacity_below_sold", "3 sold and 2 held: \(lower.text)")
            let kinds = try server.environment.readers.read { database in
                try database.rows("SELECT kind FROM change_log WHERE event_id = ? ORDER BY seq", sale.eventID).map { try $0["kind"] as String }
            }
            #expect(kinds.filter { $0 == "waitlist_joined" }.count == 3 && kinds.filter { $0 == "offer_made" }.count == 2)
            #expect(kinds.contains("capacity_changed"), "every step is in the change log: \(kinds)")
            // The organisers' event page shows each class's line.
            let sales = try await server.client.send(.GET, "/manage/events/\(sale.eventID)/sale", token: organiser)
            #expect(sales.text.contains("Meadow") && sales.text.contains("1 waiting, 2 offers out, 0 accepted, 0 expired"), "\(sales.text)")
        }
    }

    @Test("--notify-command runs once per offer with the offer as JSON, off every request; a failing command is tried again")
    func notifyCommand() async throws {
        let outbox = TemporaryDirectory("festivalgate-notify")
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.notifyCommand = "cat > \(outbox.path)/offer-$$.json"
        try await LiveServer.run(.live, options: options) { server in
            let sale = try await SoldOut.make(server)
            let waiting = try await server.client.signUp(email: "waiting@example.com", name: "Waiting 대기")
            try await sale.join(waiting)
            try await sale.cancel(0)
            let offerID = try #require(try await sale.offers(waiting).first?["id"] as? Int)
            // The notifier looks every second; wait for its file, boundedly.
            var files: [String] = []
            for _ in 0..<100 where files.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                files = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
            }
            try #require(files.count == 1, "one notice: \(files)")
            let notice = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outbox.file(files[0])))) as? [String: Any])
            #expect(notice["offer_id"] as? Int == offerID && notice["email"] as? String == "waiting@example.com")
            #expect(notice["display_name"] as? String == "Waiting 대기" && notice["count"] as? Int == 1 && notice["seats"] is NSNull)
            #expect(notice["accept"] as? String == "/api/v1/offers/\(offerID)/accept")
            try await Task.sleep(for: .seconds(2))
            #expect((try FileManager.default.contentsOfDirectory(atPath: outbox.path)).count == 1, "once")
        }
        options.notifyCommand = "exit 3"
        try await LiveServer.run(.live, options: options) { server in
            let sale = try await SoldOut.make(server)
            let waiting = try await server.client.signUp(email: "waiting@example.com", name: "Waiting")
            try await sale.join(waiting)
            try await sale.cancel(0)
            var attempts = 0
            for _ in 0..<100 where attempts == 0 {
                try await Task.sleep(for: .milliseconds(100))
                attempts = try server.environment.readers.read { try $0.scalar("SELECT notify_attempts FROM waitlist_offer", as: Int.self) } ?? 0
            }
            let notified = try server.environment.readers.read { try $0.scalar("SELECT notified_at FROM waitlist_offer", as: Int64.self) }
            #expect(attempts >= 1 && notified == nil, "tried, failed, to be tried again")
        }
    }

    @Test("seats: the offer names the seats freed, accepting books exactly those, and nobody else can book them meanwhile")
    func seats() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser, classes: [["ticket_class": 1, "name": "Stalls"]], seatMapCSV: LiveServer.seatMap(rows: 1, seatsPerRow: 3, ticketClass: 1),
                perPersonLimit: 4)
            let seats = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").field("seats", as: [[String: Any]].self)
            let seatIDs = seats.compactMap { $0["id"] as? Int }
            let holder = try await server.client.signUp(email: "holder@example.com", name: "Holder")
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: holder, json: ["seats": seatIDs])
            try #require(booked.status == 201, "\(booked.text)")
            let tickets = try booked.field("tickets", as: [[String: Any]].self)
            let (waiting, loop) = (try await server.client.signUp(email: "w@example.com", name: "W"), try await server.client.signUp(email: "l@example.com", name: "L"))
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/waitlist", token: waiting, json: ["ticket_class": 1]).status == 201)

            let freed = try #require(tickets[1]["id"] as? String)
            #expect(try await server.client.send(.POST, "/api/v1/tickets/\(freed)/cancel", token: holder).status == 200)
            let offer = try #require(try await server.client.send(.GET, "/api/v1/waitlist", token: waiting).field("offers", as: [[String: Any]].self).first)
            let offeredSeats = try #require(offer["seats"] as? [[String: Any]])
            #expect(offeredSeats.count == 1 && offeredSeats.first?["id"] as? Int == seatIDs[1] && offeredSeats.first?["label"] as? String == tickets[1]["seat"] as? String)
            let grab = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: loop, json: ["seats": [seatIDs[1]]])
            #expect(grab.status == 409, "held for the offer: \(grab.text)")
            let free = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").field("seats", as: [[String: Any]].self)
            #expect(free.allSatisfy { $0["free"] as? Bool == false })

            let accepted = try await server.client.send(.POST, "/api/v1/offers/\(try #require(offer["id"] as? Int))/accept", token: waiting)
            #expect(accepted.status == 201, "\(accepted.text)")
            let seatBooked = try accepted.field("tickets", as: [[String: Any]].self).first?["seat"] as? String
            #expect(seatBooked == tickets[1]["seat"] as? String)
        }
    }

    @Test("a loop booking four times a second from three accounts while ten people wait: eight freed tickets go to the people, in their order; the loop gets nothing")
    func loopGetsNothing() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server, capacity: 8)
            let people = try await server.attendees(10, prefix: "person")
            for person in people { try await sale.join(person) }
            let loops = try await server.attendees(3, prefix: "loop")
            let loopBooked = Atomic<Int>(0)
            for freed in 0..<8 {
                try await sale.cancel(freed)
                // A second of the loop: four tries from each of its accounts, as fast as it can.
                _ = try await LiveServer.all(12) { attempt in
                    let reply = try await server.client.send(
                        .POST, "/api/v1/events/\(sale.eventID)/bookings", token: loops[attempt % 3], json: ["ticket_class": 1, "count": 1])
                    if reply.status == 201 { loopBooked.add(1, ordering: .relaxed) }
                }
                let offer = try #require(try await sale.offers(people[freed]).first, "the ticket freed \(freed + 1). goes to person \(freed + 1)")
                #expect(try await server.client.send(.POST, "/api/v1/offers/\(try #require(offer["id"] as? Int))/accept", token: people[freed]).status == 201)
                server.clock.advance(by: 1)
            }
            #expect(loopBooked.load(ordering: .relaxed) == 0)
            for person in people.suffix(2) {
                #expect(try await server.client.send(.GET, "/api/v1/waitlist", token: person).field("entries", as: [[String: Any]].self).first?["status"] as? String == "waiting")
            }
            let holders = try server.environment.readers.read { database in
                try database.rows("SELECT account_id, COUNT(*) AS n FROM ticket WHERE event_id = ? AND status = 'valid' GROUP BY account_id", sale.eventID)
                    .map { (try $0["account_id"] as Int64, try $0["n"] as Int) }
            }
            #expect(holders.count == 8 && holders.allSatisfy { $0.1 == 1 }, "eight people hold one each: \(holders)")
        }
    }

    @Test("cancels, accepts, declines and expiries racing: nobody in line gets more than they asked, never past capacity, holds and sales add up")
    func racing() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server, capacity: 20)
            let people = try await server.attendees(24, prefix: "racer")
            for person in people { try await sale.join(person) }
            let loops = try await server.attendees(2, prefix: "loop")
            _ = try await LiveServer.all(60, inFlight: 30) { index in
                switch index % 3 {
                case 0 where index / 3 < 20:
                    _ = try await server.client.send(.POST, "/api/v1/tickets/\(sale.tickets[index / 3])/cancel", token: sale.holders[index / 3])
                case 1:
                    let person = people[(index / 3) % people.count]
                    for _ in 0..<3 {
                        guard let offer = try await sale.offers(person).first, let id = offer["id"] as? Int else { continue }
                        let verb = index % 4 == 1 ? "decline" : "accept"
                        _ = try await server.client.send(.POST, "/api/v1/offers/\(id)/\(verb)", token: person)
                    }
                default:
                    _ = try await server.client.send(
                        .POST, "/api/v1/events/\(sale.eventID)/bookings", token: loops[index % 2], json: ["ticket_class": 1, "count": 1])
                    if index % 9 == 2 { server.clock.advance(by: 31 * 60) }  // some offers run out meanwhile
                }
            }
            let counts = try #require(try server.environment.readers.read { database in
                try database.row(
                    """
                    SELECT c.sold, c.held, c.capacity,
                           (SELECT COUNT(*) FROM ticket t WHERE t.event_id = c.event_id AND t.status = 'valid') AS live,
                           (SELECT COALESCE(SUM(o.count), 0) FROM waitlist_offer o JOIN waitlist_entry e ON e.id = o.entry_id
                            WHERE e.event_id = c.event_id AND o.status = 'open') AS offered,
                           (SELECT COUNT(*) FROM (SELECT account_id FROM ticket WHERE event_id = c.event_id AND status = 'valid'
                            AND account_id IN (SELECT account_id FROM waitlist_entry) GROUP BY account_id HAVING COUNT(*) > 1) AS many) AS doubled
                    FROM ticket_class c WHERE c.event_id = ? AND c.ticket_class = 1
                    """, sale.eventID)
            })
            let (sold, held, capacity, live, offered, doubled): (Int, Int, Int, Int, Int, Int) =
                (try counts["sold"], try counts["held"], try counts["capacity"], try counts["live"], try counts["offered"], try counts["doubled"])
            #expect(sold + held <= capacity && live == sold && held == offered && doubled == 0, "sold \(sold), held \(held), live \(live), offered \(offered)")
        }
    }

    @Test("the pages: a sold-out class offers its waitlist with how many wait; My tickets shows the place, then the offer with Accept and Decline, in Korean and English")
    func pages() async throws {
        try await LiveServer.run(.router) { server in
            let sale = try await SoldOut.make(server)
            let browser = PageBrowser(server.client, language: "en")
            try await browser.signUp(name: "Minji", email: "minji@example.com")
            let someone = try await server.client.signUp(email: "first@example.com", name: "First")
            try await sale.join(someone)

            var page = try await browser.get("/events/\(sale.eventID)")
            // Booking the sold-out class from its page says the waitlist is the way in.
            let refused = try await browser.post("/events/\(sale.eventID)/book", [("ticket_class", "1"), ("count", "1")])
            #expect(refused.status == 409 && refused.text.contains("Join its waitlist below"), "\(refused.status)")
            #expect(page.text.contains("Join the waitlist") && page.text.contains("1 waiting"), "the sold-out class's line")
            let joined = try await browser.post("/events/\(sale.eventID)/waitlist", [("ticket_class", "1"), ("count", "1")])
            #expect(joined.status == 303 && joined.header("Location") == "/tickets#waitlist", "\(joined.status) \(joined.text)")
            page = try await browser.get("/tickets")
            #expect(page.text.contains("You are number 2 in line."))
            page = try await browser.get("/events/\(sale.eventID)")
            #expect(page.text.contains("You are number 2 in line.") && !page.text.contains("action=\"/events/\(sale.eventID)/waitlist\""))

            // Two tickets come back: the first in line's, then Minji's offer.
            try await sale.cancel(0)
            try await sale.cancel(1)
            browser.language = "ko"
            browser.cookies["fg_lang"] = "ko"
            page = try await browser.get("/tickets")
            #expect(page.text.contains("내 대기 명단") && page.text.contains("수락하고 예매"), "the offer, in Korean")
            // The countdown starts from the server's clock, and counts the event's 30 minutes.
            let expires = Int(server.clock.now()) + 30 * 60
            #expect(page.text.contains("data-expires=\"\(expires)\" data-now=\"\(Int(server.clock.now()))\""), "the countdown's times")
            #expect(page.text.contains("수락까지 30:00 남음"), "the time left, drawn with the page")
            let eventPage = try await browser.get("/events/\(sale.eventID)")
            #expect(eventPage.text.contains("티켓이 잡혀 있습니다") && !eventPage.text.contains("action=\"/events/\(sale.eventID)/waitlist\""),
                    "the event page says a ticket is held, and offers no second place in line")
            let offerID = try #require(PageBrowser.firstMatch(#"action="/offers/(\d+)/accept""#, in: page.text))
            let accepted = try await browser.post("/offers/\(offerID)/accept", [])
            #expect(accepted.status == 303 && accepted.header("Location")?.hasPrefix("/tickets?booked=") == true, "\(accepted.status)")
            page = try await browser.get(try #require(accepted.header("Location")))
            #expect(!page.text.contains("내 대기 명단"), "nothing left to wait for")
            let again = try await browser.post("/offers/\(offerID)/accept", [])
            #expect(again.status == 410)
        }
    }
}

