import Foundation
@testable import Server
import Shared
import Testing

/// The web pages through the application's router: what a browser is answered, in both
/// languages; that forms need their token; that values are escaped; who may see what.
@Suite("Web pages")
struct PageTests {
    /// An organiser's event with two rows of four seats (class 1) and 50 general-admission places.
    static func seededEvent(_ server: LiveServer) async throws -> (eventID: UInt32, seats: [Int]) {
        let organiser = try await server.organiser()
        let eventID = try await server.event(
            organiser: organiser,
            classes: [
                ["ticket_class": 1, "name": "Stalls", "price_cents": 4_500],
                ["ticket_class": 2, "name": "Lawn", "price_cents": 2_000, "capacity": 50],
            ],
            seatMapCSV: LiveServer.seatMap(rows: 2, seatsPerRow: 4, ticketClass: 1), perPersonLimit: 4)
        let availability = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability")
        return (eventID, try availability.fields("seats", "id", as: Int.self))
    }

    @Test("the event page shows the event, its classes and every seat, in English and in Korean")
    func eventPageInBothLanguages() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let english = PageBrowser(server.client, language: "en-GB,en;q=0.9")
            let page = try await english.get("/events/\(eventID)")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.text.contains(#"<html lang="en">"#))
            #expect(page.text.contains("Test Festival") && page.text.contains("Stalls") && page.text.contains("€45.00"))
            #expect(page.text.contains("Pick your seats"))
            for seat in seats { #expect(page.text.contains(#"name="seat" value="\#(seat)""#), "seat \(seat) has no checkbox") }

            let korean = PageBrowser(server.client, language: "ko-KR,ko;q=0.9,en;q=0.5")
            let 한국어 = try await korean.get("/events/\(eventID)")
            #expect(한국어.text.contains(#"<html lang="ko">"#))
            #expect(한국어.text.contains("좌석 선택") && 한국어.text.contains("무대"))

            // Choosing a language is remembered over what the browser asks for.
            let switched = try await korean.get("/language/en?next=/events/\(eventID)")
            #expect(switched.status == 303 && switched.header("Location") == "/events/\(eventID)")
            #expect(try await korean.get("/events/\(eventID)").text.contains(#"<html lang="en">"#))
            // And it only ever sends people back to this site.
            #expect(try await korean.get("/language/ko?next=//evil.example/x").header("Location") == "/")
        }
    }

    @Test("sign up, book two seats and see the tickets: 'booked' comes only from the committed booking")
    func bookingThroughForms() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let browser = PageBrowser(server.client)
            try await browser.signUp(name: "Kim Minji", email: "minji@example.com")
            #expect(browser.cookies[SessionStore.cookieName] != nil)
            try await browser.get("/events/\(eventID)")
            let booked = try await browser.post(
                "/events/\(eventID)/book", [("idempotency_key", "page-test-1"), ("seat", String(seats[0])), ("seat", String(seats[1]))])
            #expect(booked.status == 303)
            let location = try #require(booked.header("Location"))
            #expect(location.hasPrefix("/tickets?booked="))
            let stored = try server.environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM ticket WHERE status = 'valid'", as: Int.self) }
            #expect(stored == 2)

            let tickets = try await browser.get(location)
            #expect(tickets.status == 200)
            #expect(tickets.header("Cache-Control") == "no-store")
            #expect(tickets.text.contains("Booked! Your 2 tickets are below."))
            #expect(tickets.text.components(separatedBy: "<svg xmlns").count - 1 == 2, "one QR code per ticket")
            #expect(tickets.text.contains("R0-1") && tickets.text.contains("R0-2") && tickets.text.contains("Kim Minji"))

            // The same form sent twice (a double tap) books once.
            let again = try await browser.post(
                "/events/\(eventID)/book", [("idempotency_key", "page-test-1"), ("seat", String(seats[0])), ("seat", String(seats[1]))])
            #expect(again.status == 303)
            #expect(try server.environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) } == 2)
        }
    }

    @Test("a refused booking says why beside the seats and keeps the other choices")
    func refusalKeepsChoices() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let first = PageBrowser(server.client)
            try await first.signUp(name: "First", email: "first@example.com")
            try await first.get("/events/\(eventID)")
            #expect(try await first.post("/events/\(eventID)/book", [("seat", String(seats[2]))]).status == 303)

            let second = PageBrowser(server.client, language: "ko")
            try await second.signUp(name: "Second", email: "second@example.com")
            try await second.get("/events/\(eventID)")
            let refused = try await second.post("/events/\(eventID)/book", [("seat", String(seats[3])), ("seat", String(seats[2]))])
            #expect(refused.status == 409)
            #expect(refused.text.contains(#"id="seat-error""#))
            #expect(refused.text.contains("R0-3 좌석을 방금 다른 사람이 예매해서"))
            #expect(refused.text.contains(#"value="\#(seats[3])" id="s\#(seats[3])" checked"#), "the free seat stays chosen")
            #expect(!refused.text.contains(#"value="\#(seats[2])" id="s\#(seats[2])" checked"#), "the taken one is not")

            let overLimit = try await second.post("/events/\(eventID)/book", [("ticket_class", "2"), ("count", "5")])
            #expect(overLimit.status == 409)
            #expect(overLimit.text.contains("1인당 최대 4매"))
            #expect(overLimit.text.contains(#"value="5""#), "the count typed is kept")
        }
    }

    @Test("a form without its token, or posted from another site, changes nothing")
    func formsNeedTheirToken() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let victim = PageBrowser(server.client)
            try await victim.signUp(name: "Victim", email: "victim@example.com")
            // An attacker's page makes the victim's browser post, with the victim's cookies, but
            // it cannot read the token.
            let noToken = try await victim.post("/events/\(eventID)/book", [("seat", String(seats[0]))], csrf: .some(nil))
            #expect(noToken.status == 403)
            #expect(noToken.header("Content-Type") == "text/html; charset=utf-8")
            let forged = try await victim.post("/events/\(eventID)/book", [("seat", String(seats[0]))], csrf: "forged")
            #expect(forged.status == 403)
            let crossSite = try await victim.post(
                "/events/\(eventID)/book", [("seat", String(seats[0]))], headers: [("Origin", "https://evil.example")])
            #expect(crossSite.status == 403)
            #expect(try server.environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) } == 0)
            // Logging out is a form too: a cross-site link cannot end the session.
            #expect(try await victim.post("/logout", [], csrf: .some(nil)).status == 403)
            #expect(try await victim.get("/tickets").status == 200)
        }
    }

    @Test("names are shown as text, never as markup, on every page that shows them")
    func valuesAreEscaped() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let browser = PageBrowser(server.client)
            try await browser.signUp(name: "<script>alert(1)</script>", email: "xss@example.com")
            try await browser.get("/events/\(eventID)")
            #expect(try await browser.post("/events/\(eventID)/book", [("seat", String(seats[0]))]).status == 303)
            let tickets = try await browser.get("/tickets")
            #expect(tickets.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!tickets.text.contains("<script>alert"))

            let organiser = PageBrowser(server.client)
            try await organiser.get("/login")
            #expect(try await organiser.post("/login", [("email", "boss@example.com"), ("password", "organiser password")]).status == 303)
            let search = try await organiser.get("/manage/events/\(eventID)/tickets?q=%3Cscript")
            #expect(search.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!search.text.contains("<script>alert"))
            // A search for markup is echoed as text too.
            #expect(search.text.contains(#"value="&lt;script""#))
        }
    }

    @Test("attendees get a 403 page for organisers' pages, staff see the dashboard but not event editing, strangers are sent to log in")
    func rolesAndRefusals() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, _) = try await Self.seededEvent(server)
            let stranger = PageBrowser(server.client)
            let login = try await stranger.get("/tickets")
            #expect(login.status == 303 && login.header("Location") == "/login?next=%2Ftickets")

            let attendee = PageBrowser(server.client, language: "ko")
            try await attendee.signUp(name: "Fan", email: "fan@example.com")
            let refused = try await attendee.get("/manage")
            #expect(refused.status == 403)
            #expect(refused.header("Content-Type") == "text/html; charset=utf-8")
            #expect(refused.text.contains("행사 주최 측이나 스태프만"))
            #expect(try await attendee.get("/manage/events/\(eventID)/dashboard").status == 403)

            let staffAccount = try await server.client.signUp(email: "staff@example.com", name: "Staff")
            let staffID = try await server.client.send(.GET, "/api/v1/me", token: staffAccount).field("id", as: Int.self)
            let organiser = try await server.client.logIn(email: "boss@example.com", password: "organiser password")
            #expect(try await server.client.send(.PUT, "/api/v1/accounts/\(staffID)/role", token: organiser, json: ["role": "staff"]).status == 200)
            let staff = PageBrowser(server.client)
            try await staff.get("/login")
            #expect(try await staff.post("/login", [("email", "staff@example.com"), ("password", "correct horse battery")]).status == 303)
            #expect(try await staff.get("/manage/events/\(eventID)/dashboard").status == 200)
            #expect(try await staff.get("/manage/events/\(eventID)/tickets").status == 200)
            #expect(try await staff.get("/manage/events/\(eventID)").status == 403)
            #expect(try await staff.get("/manage/events/\(eventID)/gates").status == 403)
            let edit = try await staff.post("/manage/events/\(eventID)/sale", [("action", "close")])
            #expect(edit.status == 403)
        }
    }

    @Test("every page carries the security headers, errors are pages in the person's language, static files revalidate")
    func headersErrorsAndStaticFiles() async throws {
        try await LiveServer.run(.router) { server in
            let browser = PageBrowser(server.client, language: "ko")
            let home = try await browser.get("/")
            let policy = try #require(home.header("Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
            #expect(home.header("X-Content-Type-Options") == "nosniff")
            #expect(home.header("Referrer-Policy") == "same-origin")
            let cookie = try #require(home.headers.first { $0.0.lowercased() == "set-cookie" }?.1)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))

            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "text/html; charset=utf-8")
            #expect(missing.text.contains("그런 페이지가 없거나"))
            #expect(missing.header("Content-Security-Policy") != nil)
            #expect(try await browser.get("/events/999").status == 404)
            // The API keeps answering JSON.
            #expect(try await server.client.send(.GET, "/api/v1/nothing").errorCode == "not_found")

            let css = try await browser.get(StaticFiles.url("app.css"))
            #expect(css.status == 200 && css.header("Content-Type") == "text/css; charset=utf-8")
            let etag = try #require(css.header("ETag"))
            #expect(try await browser.get("/static/app.css", headers: [("If-None-Match", etag)]).status == 304)
            #expect(try await browser.get("/static/../Package.swift").status == 404)
        }
    }

    @Test("the seat poll is answered 304 until a booking changes the seats")
    func seatPollRevalidates() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, seats) = try await Self.seededEvent(server)
            let first = try await server.client.send(.GET, "/events/\(eventID)/seats")
            #expect(first.status == 200)
            #expect(first.text.contains(#""taken":[]"#))
            let etag = try #require(first.header("ETag"))
            #expect(try await server.client.send(.GET, "/events/\(eventID)/seats", headers: [("If-None-Match", etag)]).status == 304)
            let token = try await server.client.signUp(email: "fan@example.com", name: "Fan")
            #expect(try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: token, json: ["seats": [seats[0]]]).status == 201)
            let after = try await server.client.send(.GET, "/events/\(eventID)/seats", headers: [("If-None-Match", etag)])
            #expect(after.status == 200)
            #expect(after.text.contains(#""taken":[\#(seats[0])]"#))
        }
    }

    @Test("organisers create an event in its own time zone; a bad seat map lists its bad lines and imports nothing")
    func organiserForms() async throws {
        try await LiveServer.run(.router) { server in
            _ = try await server.organiser()
            let organiser = PageBrowser(server.client)
            try await organiser.get("/login")
            #expect(try await organiser.post("/login", [("email", "boss@example.com"), ("password", "organiser password")]).status == 303)
            try await organiser.get("/manage/events/new")
            let fields = [
                ("name", "Spring Concert"), ("venue", "School Hall"), ("time_zone", "Asia/Seoul"), ("currency", "KRW"),
                ("starts_at", "2027-03-20T18:00"), ("ends_at", "2027-03-20T21:00"), ("gates_open_at", "2027-03-20T17:00"),
                ("sale_opens_at", "2026-09-01T12:00"), ("sale_closes_at", "2027-03-20T18:00"), ("per_person_limit", "4"),
            ]
            let created = try await organiser.post("/manage/events", fields)
            #expect(created.status == 303)
            let event = try #require(try server.environment.readers.read { try EventRepository.events(in: $0) }.first)
            #expect(event.timeZone == "Asia/Seoul" && event.currency == "KRW")
            #expect(event.startsAt == 1_805_533_200, "18:00 in Seoul is 09:00 UTC")

            let badTimes = try await organiser.post("/manage/events/\(event.id)", fields.map { $0.0 == "ends_at" ? ($0.0, "2027-03-20T17:30") : $0 })
            #expect(badTimes.status == 422)
            #expect(badTimes.text.contains("Check the times"))
            let longOffers = try await organiser.post("/manage/events/\(event.id)", fields + [("offer_minutes", "90")])
            #expect(longOffers.status == 303)
            #expect(try server.environment.readers.read { try EventRepository.existing(id: event.id, in: $0) }.offerMinutes == 90)
            let tooLong = try await organiser.post("/manage/events/\(event.id)", fields + [("offer_minutes", "10081")])
            #expect(tooLong.status == 422 && tooLong.text.contains("1 to 10080 minutes") && tooLong.text.contains(#"value="10081""#))

            try await organiser.get("/manage/events/\(event.id)")
            #expect(try await organiser.post("/manage/events/\(event.id)/classes", [("ticket_class", "1"), ("class_name", "Seats"), ("price", "15,000"), ("kind", "seated")]).status == 303)
            #expect(try server.environment.readers.read { try EventRepository.existing(id: event.id, in: $0) }.classes.first?.priceCents == 15_000)

            let boundary = "----festivalgate-test"
            let csv = "row,seat,label,ticket_class\nA,1,A-1,1\nA,2,A-1,1\nA,3,A-3,9\n"
            let body = [
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(organiser.formToken ?? "")\r\n",
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"seatmap\"; filename=\"hall.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n",
                "--\(boundary)--\r\n",
            ].joined()
            let upload = try await server.client.send(
                .POST, "/manage/events/\(event.id)/seatmap", body: body,
                headers: organiser.baseHeaders + [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
            #expect(upload.status == 422)
            #expect(upload.text.contains("line 3") && upload.text.contains("line 4"), "\(upload.text.prefix(3000))")
            #expect(try server.environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM seat", as: Int.self) } == 0)
        }
    }

    @Test("the catalogues have the same sentences, and every one a template asks for")
    func cataloguesAreComplete() throws {
        let english = Set(Messages.catalogues[.en]!.texts.keys)
        let korean = Set(Messages.catalogues[.ko]!.texts.keys)
        #expect(english == korean, "only English: \(english.subtracting(korean)), only Korean: \(korean.subtracting(english))")
        let pattern = try NSRegularExpression(pattern: #"\{\{[#^/]?t\.(\w+)\}\}"#)
        for (name, bytes) in PageResources.templates {
            let text = String(decoding: bytes, as: UTF8.self)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                #expect(english.contains(key), "template \(name) asks for \(key)")
            }
        }
    }

    @Test("every file in the pages' folders is embedded, and every embedded file exists")
    func resourcesAreEmbedded() throws {
        let pages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Server/Sources/Pages").standardized
        func names(_ folder: String) throws -> Set<String> {
            Set(try FileManager.default.contentsOfDirectory(atPath: pages.appendingPathComponent(folder).path))
        }
        #expect(try names("Templates") == Set(PageResources.templates.keys.map { "\($0).mustache" }))
        #expect(try names("Messages") == Set(PageResources.catalogues.keys.map { "\($0).json" }))
        #expect(try names("Static") == Set(PageResources.staticFiles.keys))
    }
}

extension PageTests {
    @Test("a gzipped event page, spliced from the seat map deflated once, unzips to the same page as the plain one")
    func gzippedPagesAreWhole() async throws {
        try await LiveServer.run(.router) { server in
            let (eventID, _) = try await Self.seededEvent(server)
            let browser = PageBrowser(server.client)
            try await browser.signUp(name: "Fan", email: "fan@example.com")
            let plain = try await browser.get("/events/\(eventID)")
            let zipped = try await browser.get("/events/\(eventID)", headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(zipped.header("Content-Encoding") == "gzip")
            #expect(zipped.body.count * 2 < plain.body.count)
            let unzipped = try await Self.gunzip(zipped.body)
            // Each rendering has its own booking keys; everything else is the same.
            func withoutKeys(_ text: String) -> String {
                text.replacingOccurrences(of: #"name="idempotency_key" value="[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(withoutKeys(unzipped) == withoutKeys(plain.text))
            let css = try await browser.get("/static/app.css", headers: [("Accept-Encoding", "gzip")])
            #expect(try await Self.gunzip(css.body) == String(decoding: PageResources.staticFiles["app.css"]!.bytes, as: UTF8.self))
        }
    }

    /// What `gzip -d` makes of a body: an independent check of the gzip stream.
    static func gunzip(_ bytes: [UInt8]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = await reader.value
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -d refused the body")
        return String(decoding: data, as: UTF8.self)
    }
}
