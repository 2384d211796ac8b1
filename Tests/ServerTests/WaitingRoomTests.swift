import Foundation
@testable import Server
import Shared
import Testing
import TestSupport

/// The opening minute (issue 22): a waiting room whose draw anyone can check, turns handed out
/// as earlier ones end, and a sale organisers can pause with a notice.
@Suite("Waiting room: the draw, turns and the pause")
struct WaitingRoomTests {
    /// An event whose room opens in 10 minutes and whose sale opens in an hour: one
    /// general-admission class of `capacity`, two tickets a person, `activeBuyers` turns at once.
    struct Scene {
        let server: LiveServer
        let organiser: String
        let eventID: UInt32
        let start: Int64

        static func make(_ server: LiveServer, capacity: Int = 100, activeBuyers: Int = 2) async throws -> Scene {
            let organiser = try await server.organiser()
            let now = server.clock.now()
            let created = try await server.client.send(
                .POST, "/api/v1/events", token: organiser,
                json: [
                    "name": "Opening Minute", "venue": "Hall", "starts_at": now + 30 * 86_400, "ends_at": now + 30 * 86_400 + 3600,
                    "gates_open_at": now + 30 * 86_400 - 3600, "sale_opens_at": now + 3600, "sale_closes_at": now + 30 * 86_400,
                    "per_person_limit": 2, "classes": [["ticket_class": 1, "name": "Floor", "capacity": capacity]],
                    "waiting_room": ["opens_at": now + 600, "active_buyers": activeBuyers, "turn_seconds": 600],
                ])
            try #require(created.status == 201, "\(created.text)")
            let room = try created.field("waiting_room", as: [String: Any].self)
            #expect(room["active_buyers"] as? Int == activeBuyers && room["turn_seconds"] as? Int == 600)
            return Scene(
                server: server, organiser: organiser, eventID: try #require(UInt32(exactly: try created.field("id", as: Int.self))), start: now)
        }

        func join(_ token: String) async throws -> APIClient.Reply {
            try await server.client.send(.POST, "/api/v1/events/\(eventID)/queue", token: token)
        }

        func mine(_ token: String) async throws -> [String: Any] {
            let reply = try await server.client.send(.GET, "/api/v1/events/\(eventID)/queue/me", token: token)
            try #require(reply.status == 200, "\(reply.text)")
            return try reply.field("entry", as: [String: Any].self)
        }

        func book(_ token: String, count: Int = 1) async throws -> APIClient.Reply {
            try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["ticket_class": 1, "count": count])
        }

        func overview() async throws -> APIClient.Reply {
            try await server.client.send(.GET, "/api/v1/events/\(eventID)/queue")
        }

        /// `count` people who join while the room is open, and the draw at the sale's opening:
        /// the people, and their (1-based) numbers in drawn order.
        func lineUp(_ count: Int) async throws -> (people: [String], drawn: [Int]) {
            let people = try await server.attendees(count)
            at(600)
            for person in people { _ = try await join(person) }
            at(3600)
            return (people, try await overview().field("drawn", as: [Int].self))
        }

        /// Moves the server's clock to `seconds` after the scene began.
        func at(_ seconds: Int64) {
            server.clock.advance(by: start + seconds - server.clock.now())
        }
    }

    /// `scripts/check-draw`, run as docs/FAIRNESS.md tells a student to, on `json`.
    static func checkDraw(_ json: String) throws -> ProductRunner.Outcome {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/check-draw").standardized.path
        return try ProductRunner(executable: "/usr/bin/env").run(["python3", script], input: json)
    }

    @Test("everyone who joins before the opening is drawn into the order the published seed gives; later ones follow in join order")
    func theDraw() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let people = try await server.attendees(9)
            let early = try await scene.join(people[0])
            #expect(early.status == 409 && early.errorCode == "waiting_room_not_open", "\(early.text)")

            scene.at(600)
            for (index, person) in people.prefix(8).enumerated() {
                let joined = try await scene.join(person)
                #expect(joined.status == 201, "\(joined.text)")
                let entry = try joined.field("entry", as: [String: Any].self)
                #expect(entry["number"] as? Int == index + 1 && entry["status"] as? String == "waiting" && entry["position"] is NSNull)
            }
            let again = try await scene.join(people[3])
            let againNumber = try again.field("entry", as: [String: Any].self)["number"] as? Int
            #expect(again.status == 200 && againNumber == 4)
            let before = try await scene.overview()
            let commitment = try before.field("commitment", as: String.self)
            #expect(before.object["seed"] is NSNull && before.object["drawn"] is NSNull && before.object["waiting"] as? Int == 8)
            #expect(try await scene.book(people[0]).errorCode == "sale_not_open")

            // Arriving at the last second gains nothing; arriving after the opening queues behind.
            scene.at(3599)
            scene.at(3600)
            let late = try await scene.join(people[8])
            #expect(try late.field("entry", as: [String: Any].self)["number"] as? Int == 9)
            let after = try await scene.overview()
            let seed = try #require(Hex.decode(try after.field("seed", as: String.self)))
            #expect(Hex.encode(SHA256.hash(seed)) == commitment, "the seed is the one committed to")
            let drawn = try after.field("drawn", as: [Int].self)
            // The rule, recomputed here as docs/FAIRNESS.md tells anyone to.
            let expected = (1...8).sorted {
                HMACSHA256.authenticationCode(for: Array(String($0).utf8), key: seed)
                    .lexicographicallyPrecedes(HMACSHA256.authenticationCode(for: Array(String($1).utf8), key: seed))
            }
            #expect(drawn == expected && drawn != Array(1...8), "\(drawn)")
            // docs/FAIRNESS.md's script agrees, and notices a tampered order.
            let checked = try Self.checkDraw(after.text)
            #expect(checked.status == 0 && checked.standardOutput.contains("the draw checks out: 8 entries"), "\(checked.standardError)")
            let swapped = after.text.replacingOccurrences(of: "\"drawn\":[\(drawn[0]),\(drawn[1])", with: "\"drawn\":[\(drawn[1]),\(drawn[0])")
            #expect(swapped != after.text)
            #expect(try Self.checkDraw(swapped).standardError.contains("does not follow from the seed"))
            #expect(after.object["admitted"] as? Int == 2 && after.object["waiting"] as? Int == 7)

            // The first two drawn hold turns; everyone else has a place, the late joiner last.
            for (place, number) in drawn.enumerated() {
                let entry = try await scene.mine(people[number - 1])
                if place < 2 {
                    #expect(entry["status"] as? String == "turn" && entry["turn_ends_at"] as? Int == Int(scene.start + 3600 + 600))
                } else {
                    #expect(entry["status"] as? String == "waiting" && entry["position"] as? Int == place - 1, "\(number): \(entry)")
                    #expect(entry["ahead"] as? Int == place - 2 && (entry["estimated_wait_seconds"] as? Int ?? 0) > 0)
                }
            }
            #expect(try await scene.mine(people[8])["position"] as? Int == 7)
        }
    }

    @Test("a booking without a turn is 403 not_your_turn with the place; turns pass on when one books its limit or runs out")
    func turns() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let (people, drawn) = try await scene.lineUp(5)
            let (first, second, third, fourth) = (people[drawn[0] - 1], people[drawn[1] - 1], people[drawn[2] - 1], people[drawn[3] - 1])

            let refused = try await scene.book(third)
            #expect(refused.status == 403 && refused.errorCode == "not_your_turn", "\(refused.text)")
            #expect((refused.object["error"] as? [String: Any])?["position"] as? Int == 1, "\(refused.text)")
            let stranger = try await server.client.signUp(email: "stranger@example.com", name: "S")
            let outside = try await scene.book(stranger)
            #expect(outside.status == 403 && outside.errorCode == "not_your_turn")

            // The first books the limit: done, and the third's turn begins at once.
            #expect(try await scene.book(first, count: 2).status == 201)
            #expect(try await scene.mine(first)["status"] as? String == "done")
            #expect(try await scene.mine(third)["status"] as? String == "turn")
            #expect(try await scene.book(third).status == 201, "one of two: the turn goes on")
            #expect(try await scene.mine(third)["status"] as? String == "turn")

            // The second's turn runs out unused; the fourth's begins.
            scene.at(3600 + 600)
            #expect(try await scene.mine(second)["status"] as? String == "expired")
            #expect(try await scene.mine(fourth)["status"] as? String == "turn")
            #expect(try await scene.book(second).errorCode == "not_your_turn")
        }
    }

    @Test("leaving: a turn ended early passes at once to the next in line, a waiting person steps out, and leaving again changes nothing")
    func leaving() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, activeBuyers: 1)
            let (people, drawn) = try await scene.lineUp(4)
            let (first, second, third, fourth) = (people[drawn[0] - 1], people[drawn[1] - 1], people[drawn[2] - 1], people[drawn[3] - 1])
            let leave = { (token: String) in
                try await server.client.send(.DELETE, "/api/v1/events/\(scene.eventID)/queue/me", token: token)
            }

            // One ticket of two is all the first wanted: they end the turn, the second's begins.
            #expect(try await scene.book(first).status == 201)
            let left = try await leave(first)
            let leftEntry = try left.field("entry", as: [String: Any].self)
            #expect(left.status == 200 && leftEntry["status"] as? String == "done", "\(left.text)")
            #expect(try await scene.mine(second)["status"] as? String == "turn")
            let after = try await scene.book(first)
            #expect(after.errorCode == "not_your_turn", "a turn ended is over")

            // The third steps out while waiting: the fourth is next after the second.
            #expect(try await scene.mine(fourth)["position"] as? Int == 2)
            #expect((try await leave(third)).status == 200)
            #expect(try await scene.mine(third)["status"] as? String == "done")
            #expect(try await scene.mine(fourth)["position"] as? Int == 1)

            let again = try await leave(first)
            let againEntry = try again.field("entry", as: [String: Any].self)
            #expect(again.status == 200 && againEntry["status"] as? String == "done")
            let stranger = try await server.client.signUp(email: "never@example.com", name: "N")
            let never = try await leave(stranger)
            #expect(never.status == 404 && never.errorCode == "not_in_line")
        }
    }

    @Test("sold out: everyone still waiting is told at once")
    func soldOutTellsEveryone() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, capacity: 2, activeBuyers: 1)
            let (people, drawn) = try await scene.lineUp(4)
            #expect(try await scene.book(people[drawn[0] - 1], count: 2).status == 201)
            for number in drawn.dropFirst() {
                #expect(try await scene.mine(people[number - 1])["status"] as? String == "sold_out")
            }
        }
    }

    @Test("a pause refuses every booking with its notice in both languages, keeps places and gives turns their time back; resume continues in order")
    func pauseAndResume() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, activeBuyers: 1)
            let (people, drawn) = try await scene.lineUp(3)
            let (holder, next) = (people[drawn[0] - 1], people[drawn[1] - 1])

            let fan = try await server.client.signUp(email: "not-organiser@example.com", name: "F")
            #expect(try await server.client.send(.POST, "/api/v1/events/\(scene.eventID)/pause", token: fan, json: ["notice": ["en": "x"]]).status == 403)
            let paused = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/pause", token: scene.organiser,
                json: ["notice": ["ko": "잠시 판매를 멈춥니다.", "en": "The sale is paused for a moment."]])
            #expect(paused.status == 200, "\(paused.text)")
            #expect((paused.object["paused"] as? [String: Any])?["since"] as? Int == Int(scene.start + 3600))

            scene.at(3600 + 300)
            let refused = try await scene.book(holder)
            #expect(refused.status == 409 && refused.errorCode == "sales_paused", "\(refused.text)")
            let notice = (refused.object["error"] as? [String: Any])?["notice"] as? [String: Any]
            #expect(notice?["ko"] as? String == "잠시 판매를 멈춥니다." && notice?["en"] as? String == "The sale is paused for a moment.")

            // Past the turn's end while paused: nothing runs out.
            scene.at(3600 + 900)
            #expect(try await scene.mine(holder)["status"] as? String == "turn")
            #expect(try await scene.mine(next)["position"] as? Int == 1)
            let resumed = try await server.client.send(.POST, "/api/v1/events/\(scene.eventID)/resume", token: scene.organiser)
            #expect(resumed.status == 200 && resumed.object["paused"] is NSNull, "\(resumed.text)")
            // The turn had 600 s, 0 used before the pause of 900 s: it ends 600 s after resuming... less what ran before.
            let holderEntry = try await scene.mine(holder)
            #expect(holderEntry["status"] as? String == "turn" && holderEntry["turn_ends_at"] as? Int == Int(scene.start + 3600 + 600 + 900))
            #expect(try await scene.book(holder).status == 201)
            #expect(try await server.client.send(.POST, "/api/v1/events/\(scene.eventID)/resume", token: scene.organiser).errorCode == "not_paused")

            let changes = try await server.client.send(.GET, "/api/v1/changes?event_id=\(scene.eventID)", token: scene.organiser)
            let kinds = try changes.field("changes", as: [[String: Any]].self).compactMap { $0["kind"] as? String }
            #expect(kinds.contains("sale_paused") && kinds.contains("sale_resumed"), "\(kinds)")
        }
    }

    @Test("a sale paused without a waiting room refuses bookings too, and resumes by itself at the time given")
    func pauseWithoutRoom() async throws {
        try await LiveServer.run(.router) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Floor", "capacity": 10]])
            let fan = try await server.client.signUp(email: "fan@example.com", name: "Ada")
            _ = try await server.client.send(.POST, "/api/v1/events/\(eventID)/pause", token: organiser, json: ["notice": ["en": "Back at noon."]])
            let refused = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1])
            #expect(refused.errorCode == "sales_paused" && refused.text.contains("Back at noon."), "the one notice stands for both languages")
            let later = server.clock.now() + 120
            let scheduled = try await server.client.send(.POST, "/api/v1/events/\(eventID)/resume", token: organiser, json: ["at": later])
            #expect((scheduled.object["paused"] as? [String: Any])?["resumes_at"] as? Int == Int(later))
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1]).status == 409)
            server.clock.advance(by: 120)
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1]).status == 201)
            #expect(try await server.client.send(.GET, "/api/v1/events/\(eventID)/queue").errorCode == "waiting_room_not_open")
        }
    }

    @Test("the waiting room field: validated, left as it is when absent, removed with null")
    func waitingRoomField() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server)
            let path = "/api/v1/events/\(scene.eventID)"
            let event = try await server.client.send(.GET, path).object
            var body: [String: Any] = [:]
            for key in ["name", "venue", "starts_at", "ends_at", "gates_open_at", "sale_opens_at", "sale_closes_at", "per_person_limit"] {
                body[key] = event[key]
            }
            let unchanged = try await server.client.send(.PUT, path, token: scene.organiser, json: body)
            #expect(unchanged.status == 200 && unchanged.object["waiting_room"] is [String: Any], "\(unchanged.text)")
            for bad: [String: Any] in [["opens_at": scene.start + 3600], ["opens_at": scene.start, "active_buyers": 0], ["opens_at": scene.start, "turn_seconds": 5]] {
                body["waiting_room"] = bad
                let refused = try await server.client.send(.PUT, path, token: scene.organiser, json: body)
                #expect(refused.status == 422 && refused.errorCode == "invalid_waiting_room", "\(bad): \(refused.text)")
            }
            body["waiting_room"] = NSNull()
            let removed = try await server.client.send(.PUT, path, token: scene.organiser, json: body)
            #expect(removed.status == 200 && removed.object["waiting_room"] is NSNull, "\(removed.text)")
        }
    }
}

extension WaitingRoomTests {
    @Test("the pages: join from the event page, a waiting page that refreshes itself, the booking form when the turn comes, the pause's notice in the reader's language")
    func pages() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, activeBuyers: 1)
            let browser = PageBrowser(server.client, language: "ko")
            try await browser.signUp(name: "민수", email: "minsu@example.com")
            let other = try await server.client.signUp(email: "other@example.com", name: "Other")
            scene.at(600)
            var page = try await browser.get("/events/\(scene.eventID)")
            #expect(page.text.contains("대기실 들어가기") && !page.text.contains("action=\"/events/\(scene.eventID)/book\""), "no booking form before a turn")
            let joined = try await browser.post("/events/\(scene.eventID)/queue", [])
            #expect(joined.status == 303 && joined.header("Location") == "/events/\(scene.eventID)/queue", "\(joined.status)")
            page = try await browser.get("/events/\(scene.eventID)/queue")
            #expect(page.status == 200 && page.text.contains("내 입장 번호") && page.text.contains("추첨합니다"))
            let refresh = try #require(page.header("Refresh").flatMap(Int.init), "refreshes without a script")
            #expect((10...20).contains(refresh))

            // The other person joins too; after the draw one of the two holds the only turn.
            _ = try await scene.join(other)
            scene.at(3600)
            page = try await browser.get("/events/\(scene.eventID)/queue")
            let mine = try await scene.server.client.send(.GET, "/api/v1/events/\(scene.eventID)/queue/me", token: other)
            let otherHasTurn = try mine.field("entry", as: [String: Any].self)["status"] as? String == "turn"
            if otherHasTurn {
                #expect(page.status == 200 && page.text.contains("대기 순서"), "waiting, with a place")
                #expect(try await scene.book(other, count: 2).status == 201)
                page = try await browser.get("/events/\(scene.eventID)/queue")
            }
            #expect(page.status == 303 && page.header("Location") == "/events/\(scene.eventID)#book", "sent to the booking form: \(page.status)")
            page = try await browser.get("/events/\(scene.eventID)")
            #expect(page.text.contains("내 차례입니다") && page.text.contains("action=\"/events/\(scene.eventID)/book\""))

            _ = try await server.client.send(
                .POST, "/api/v1/events/\(scene.eventID)/pause", token: scene.organiser,
                json: ["notice": ["ko": "잠시 멈춥니다.", "en": "Paused for a moment."]])
            page = try await browser.get("/events/\(scene.eventID)")
            #expect(page.text.contains("잠시 멈춥니다.") && !page.text.contains("Paused for a moment."))
            #expect(!page.text.contains("action=\"/events/\(scene.eventID)/book\""), "no booking while paused")
            browser.language = "en"
            browser.cookies["fg_lang"] = "en"
            #expect(try await browser.get("/events/\(scene.eventID)").text.contains("Paused for a moment."))

            // Done early: the turn's button ends it, and the waiting page says so.
            _ = try await server.client.send(.POST, "/api/v1/events/\(scene.eventID)/resume", token: scene.organiser)
            page = try await browser.get("/events/\(scene.eventID)")
            #expect(page.text.contains("action=\"/events/\(scene.eventID)/queue/leave\"") && page.text.contains("end my turn"))
            let left = try await browser.post("/events/\(scene.eventID)/queue/leave", [])
            #expect(left.status == 303 && left.header("Location") == "/events/\(scene.eventID)/queue", "\(left.status)")
            page = try await browser.get("/events/\(scene.eventID)/queue")
            #expect(page.status == 200 && page.text.contains("Your turn is over"))
            #expect(!(try await browser.get("/events/\(scene.eventID)")).text.contains("action=\"/events/\(scene.eventID)/book\""))
        }
    }
}

extension WaitingRoomTests {
    @Test("the organisers see the sale live: people waiting, turns held, tickets sold per minute drawn as a chart")
    func saleFigures() async throws {
        try await LiveServer.run(.router) { server in
            let scene = try await Scene.make(server, activeBuyers: 1)
            let (people, drawn) = try await scene.lineUp(3)
            #expect(try await scene.book(people[drawn[0] - 1], count: 2).status == 201)
            let organiser = PageBrowser(server.client)
            organiser.cookies[SessionStore.cookieName] = scene.organiser
            let part = try await organiser.get("/manage/events/\(scene.eventID)/sale")
            #expect(part.status == 200, "\(part.status) \(part.text.prefix(300))")
            let figures = part.text.matches(of: /<b>(\d+)<\/b><span>([^<]+)<\/span>/).map { "\($0.output.2)=\($0.output.1)" }
            #expect(figures == ["Valid tickets=2", "sold in the last minute=2", "waiting in line=1", "holding a turn=1"], "\(figures)")
            #expect(part.text.contains("<svg class=\"chart\"") && part.text.contains("<title>"))
            let page = try await organiser.get("/manage/events/\(scene.eventID)")
            #expect(page.text.contains("data-refresh=\"/manage/events/\(scene.eventID)/sale\"") && page.text.contains("holding a turn"))
            #expect(try await organiser.get("/manage/events/\(scene.eventID)/dashboard").text.contains("waiting in line"))
        }
    }
}
