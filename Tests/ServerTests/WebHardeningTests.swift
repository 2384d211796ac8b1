import Foundation
@testable import Server
import Shared
import NIOHTTP1
import Testing
import TestSupport

/// The web's holes a hostile probe found (issue 21, 9–17): redirects that leave the site, a
/// log-in another port could force, private answers a cache could keep, dead tickets' codes,
/// emails that differ only in how they were typed, formulas in CSV, a reflected Host, an origin
/// with its default port, and methods.
@Suite("Web: redirects, form tokens, caches, emails, hosts and methods")
struct WebHardeningTests {
    /// An attendee with one ticket of a general-admission event; the API token and the ticket.
    static func fanWithTicket(_ server: LiveServer) async throws -> (organiser: String, fan: String, eventID: UInt32, ticketID: String) {
        let organiser = try await server.organiser()
        let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
        let fan = try await server.client.signUp(email: "fan@example.com", name: "Ada")
        let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 1])
        try #require(booked.status == 201, "\(booked.text)")
        return (organiser, fan, eventID, try booked.firstTicketID())
    }

    @Test("9. open redirect with a tab: next= that a browser would take off the site goes home instead")
    func openRedirectWithATab() async throws {
        try await LiveServer.run(.router) { server in
            let browser = PageBrowser(server.client)
            for hostile in ["/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example", "//evil.example", "/%5Cevil.example", "/%5C%09evil.example", "%09//evil.example", "/%20/evil.example"] {
                let reply = try await browser.get("/language/ko?next=\(hostile)")
                #expect(reply.status == 303 && reply.header("Location") == "/", "\(hostile): \(reply.header("Location") ?? "none")")
            }
            #expect(try await browser.get("/language/en?next=/events/1%3Fq%3Da").header("Location") == "/events/1?q=a", "a real path is kept")

            _ = try await server.client.signUp(email: "ada@example.com", name: "Ada")
            try await browser.get("/login")
            let loggedIn = try await browser.post("/login", [("email", "ada@example.com"), ("password", "correct horse battery"), ("next", "/\t/evil.example")])
            #expect(loggedIn.status == 303 && loggedIn.header("Location") == "/", "\(loggedIn.header("Location") ?? "none")")
        }
    }

    @Test("10. login CSRF: the form token is keyed by the server, the form cookie is __Host- over https, and a log-in from another origin is refused")
    func loginCSRF() async throws {
        // On a socket: the Host a browser sends is what the server compares with.
        try await LiveServer.run(.live) { server in
            _ = try await server.client.signUp(email: "attacker@example.com", name: "Mallory")
            // The old token was SHA-256 of a fixed text and the cookie: anyone could compute it.
            let plantedCookie = "chosen-by-the-attacker"
            let computed = Base64URL.encode(SHA256.hash(Array("festivalgate-form-token\u{0}form:\(plantedCookie)".utf8)))
            let victim = PageBrowser(server.client)
            victim.cookies["fg_form"] = plantedCookie
            let forged = try await victim.post(
                "/login", [("email", "attacker@example.com"), ("password", "correct horse battery"), ("next", "/")], csrf: computed)
            #expect(forged.status == 403 && victim.cookies[SessionStore.cookieName] == nil, "\(forged.status)")

            // A real pair the attacker fetched, planted and posted from a page on another port.
            let attacker = PageBrowser(server.client)
            try await attacker.get("/login")
            let harvested = try #require(attacker.formToken)
            victim.cookies["fg_form"] = attacker.cookies["fg_form"]
            for header in [("Origin", "http://127.0.0.1:9999"), ("Sec-Fetch-Site", "same-site"), ("Referer", "http://127.0.0.1:9999/trap")] {
                let crossOrigin = try await victim.post(
                    "/login", [("email", "attacker@example.com"), ("password", "correct horse battery"), ("next", "/")], csrf: harvested,
                    headers: [header])
                #expect(crossOrigin.status == 403 && victim.cookies[SessionStore.cookieName] == nil, "\(header): \(crossOrigin.status)")
            }
            // From the site itself it works.
            let own = try await victim.post(
                "/login", [("email", "attacker@example.com"), ("password", "correct horse battery"), ("next", "/")], csrf: harvested,
                headers: [("Origin", "http://127.0.0.1:\(try #require(server.port))"), ("Sec-Fetch-Site", "same-origin")])
            // Accepted: the client on this socket follows the 303 to the home page (a refused
            // log-in is 401 or 403 on the spot).
            #expect(own.status == 200 && own.text.contains("Upcoming events"), "\(own.status)")
        }
        try await LiveServer.run(.router, options: ServerOptions(host: "127.0.0.1", port: 0, publicURL: "https://tickets.example.org")) { server in
            let reply = try await server.client.send(.GET, "/login")
            let cookie = try #require(reply.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("__Host-fg_form=") }?.1, "\(reply.headers)")
            #expect(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.lowercased().contains("domain="))
            // A plain fg_form cookie (planted by a neighbour over http) is not the form cookie here.
            let browser = PageBrowser(server.client)
            try await browser.get("/login")
            let token = try #require(browser.formToken)
            let value = try #require(browser.cookies["__Host-fg_form"])
            browser.cookies = ["fg_form": value]
            _ = try await server.client.signUp(email: "ada@example.com", name: "Ada")
            let planted = try await browser.post("/login", [("email", "ada@example.com"), ("password", "correct horse battery")], csrf: token)
            #expect(planted.status == 403)
        }
    }

    @Test("11. private API answers can be cached no more: tickets, tokens, QR codes, the CSV export and refusals say no-store")
    func privateAPIAnswersCanBeCached() async throws {
        try await LiveServer.run(.router) { server in
            let (organiser, fan, eventID, ticketID) = try await Self.fanWithTicket(server)
            for (path, token) in [
                ("/api/v1/tickets", fan), ("/api/v1/tickets/\(ticketID)/token", fan), ("/api/v1/tickets/\(ticketID)/qr.png", fan),
                ("/api/v1/tickets/\(ticketID)/qr.svg", fan), ("/api/v1/events/\(eventID)/tickets.csv", organiser), ("/api/v1/tickets/1", fan),
                ("/api/v1/me", fan),
            ] {
                let reply = try await server.client.send(.GET, path, token: token)
                #expect(reply.header("Cache-Control") == "no-store", "\(path) \(reply.status): \(reply.header("Cache-Control") ?? "none")")
                #expect(reply.header("Vary")?.contains("Authorization") == true, "\(path)")
            }
            // Public answers stay cacheable as they were.
            #expect(try await server.client.send(.GET, "/api/v1/events/\(eventID)").header("Cache-Control") != "no-store")
        }
    }

    @Test("12. a dead ticket's token and QR code are 409 ticket_not_valid, as on the pages")
    func deadTicketsTokenAndQR() async throws {
        try await LiveServer.run(.router) { server in
            let (_, fan, _, ticketID) = try await Self.fanWithTicket(server)
            #expect(try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: fan).status == 200)
            let cancelled = try await server.client.send(.POST, "/api/v1/tickets/\(ticketID)/cancel", token: fan)
            #expect(cancelled.status == 200, "\(cancelled.text)")
            for suffix in ["token", "qr.png", "qr.svg"] {
                let reply = try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)/\(suffix)", token: fan)
                #expect(reply.status == 409 && reply.errorCode == "ticket_not_valid", "\(suffix): \(reply.status) \(reply.text.prefix(200))")
            }
            #expect(try await server.client.send(.GET, "/api/v1/tickets/\(ticketID)", token: fan).status == 200, "the ticket itself still shows")
        }
    }

    @Test("13. emails are compared as people mean them: NFC and full case folding, invisible characters refused, old collisions reported")
    func emailsComparedByASCIICaseOnly() async throws {
        try await LiveServer.run(.router) { server in
            let composed = "Ren\u{E9}@x.co", decomposed = "Rene\u{301}@x.co"
            _ = try await server.client.signUp(email: composed, name: "René")
            let twin = try await server.client.send(
                .POST, "/api/v1/auth/signup", json: ["email": decomposed, "display_name": "René", "password": "correct horse battery"])
            #expect(twin.status == 409 && twin.errorCode == "email_taken", "\(twin.status) \(twin.text)")
            #expect(try await server.client.logIn(email: "RENE\u{301}@X.CO", password: "correct horse battery").isEmpty == false)

            _ = try await server.client.signUp(email: "kim@x.co", name: "Kim")
            let kelvin = try await server.client.send(
                .POST, "/api/v1/auth/signup", json: ["email": "\u{212A}im@x.co", "display_name": "Kim", "password": "correct horse battery"])
            #expect(kelvin.status == 409, "the Kelvin sign is a K: \(kelvin.text)")
            _ = try await server.client.signUp(email: "Zo\u{EB}@x.co", name: "Zoë")
            #expect(try await server.client.logIn(email: "ZO\u{CB}@x.co", password: "correct horse battery").isEmpty == false)

            for invisible in ["zero\u{200B}width@x.co", "joiner\u{200D}@x.co", "bom\u{FEFF}@x.co", "rtl\u{202E}@x.co", "soft\u{AD}hyphen@x.co"] {
                let refused = try await server.client.send(
                    .POST, "/api/v1/auth/signup", json: ["email": invisible, "display_name": "X", "password": "correct horse battery"])
                #expect(refused.status == 422 && refused.errorCode == "invalid_email", "\(invisible.unicodeScalars.map { $0.value }): \(refused.status)")
            }
        }

        // Accounts from before keys existed: a collision is reported, and both stay reachable.
        let directory = TemporaryDirectory("festivalgate-emails")
        let database = try SQLiteDatabase(path: directory.file("server.sqlite"))
        try SQLiteMigrator(Array(ServerSchema.migrator.migrations.dropLast())).migrate(database)
        for (email, name) in [("zo\u{EB}@x.co", "first"), ("ZOE\u{308}@x.co", "second"), ("solo@x.co", "third")] {
            try database.run(
                "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES (?, ?, 'x', 'attendee', 0)", email, name)
        }
        let collisions = try ServerSchema.migrate(database)
        #expect(collisions.map(\.otherEmail) == ["ZOE\u{308}@x.co"] && collisions.first?.description.contains("by hand") == true)
        #expect(try AccountRepository.credentials(email: "ZO\u{CB}@X.CO", in: database)?.0.displayName == "first")
        #expect(try AccountRepository.credentials(email: "ZOE\u{308}@x.co", in: database)?.0.displayName == "first", "the key's holder answers first")
        #expect(try database.scalar("SELECT COUNT(*) FROM account WHERE email_key IS NULL", as: Int.self) == 1, "the second is kept, unmerged")
        #expect(try AccountRepository.credentials(email: "SOLO@x.co", in: database)?.0.displayName == "third")
    }

    @Test("14. CSV formula guard bypass: = followed by a combining accent, a joiner or a variation selector still gets its apostrophe")
    func csvFormulaGuardBypass() {
        for hostile in ["=\u{301}HYPERLINK(1)", "=\u{200D}1+1", "=\u{FE0F}cmd", "+\u{301}1", "@\u{301}SUM(A1)", "-\u{301}2"] {
            #expect(CSV.field(hostile).hasPrefix("'") || CSV.field(hostile).hasPrefix("\"'"), "\(hostile.unicodeScalars.map { $0.value })")
        }
        #expect(CSV.field("a\nb") == "\"a\nb\"" && CSV.field("a\rb") == "\"a\rb\"", "a lone line break is quoted too")
        #expect(CSV.field("René") == "René" && CSV.field("=x") == "'=x")
    }

    @Test("15. the Host header is never reflected: a malformed Host is 400, URLs come from --public-url when set")
    func hostHeaderIsReflected() async throws {
        try await LiveServer.run(.live) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
            let path = "/api/v1/events/\(eventID)/devices"
            for (index, host) in ["evil.example:1/x?", "evil.example@good", "a b", "evil.example:99999", "x:1:2"].enumerated() {
                let refused = try await server.client.send(.POST, path, token: organiser, json: ["name": "G\(index)", "direction": "entry"], headers: [("Host", host)])
                #expect(refused.status == 400 && refused.errorCode == "invalid_host", "\(host): \(refused.status) \(refused.text)")
            }
            let fine = try await server.client.send(.POST, path, token: organiser, json: ["name": "North-1", "direction": "entry"], headers: [("Host", "Gate.Local:8080")])
            #expect(try fine.field("enrollment_url", as: String.self).hasPrefix("http://gate.local:8080/gate/enroll?code="))
        }
        try await LiveServer.run(.router, options: ServerOptions(host: "127.0.0.1", port: 0, publicURL: "https://tickets.example.org/")) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(organiser: organiser, classes: [["ticket_class": 1, "name": "Meadow", "capacity": 10]])
            let created = try await server.client.send(
                .POST, "/api/v1/events/\(eventID)/devices", token: organiser, json: ["name": "North-1", "direction": "entry"],
                headers: [("Host", "other.example")])
            #expect(try created.field("enrollment_url", as: String.self).hasPrefix("https://tickets.example.org/gate/enroll?code="))
        }
    }

    @Test("16. --public-url with an explicit default port: a browser's Origin without it is the same site")
    func publicURLWithAnExplicitDefaultPort() async throws {
        try await LiveServer.run(.router, options: ServerOptions(host: "127.0.0.1", port: 0, publicURL: "https://Tickets.Example.org:443/")) { server in
            _ = try await server.client.signUp(email: "ada@example.com", name: "Ada")
            let fields = [("email", "ada@example.com"), ("password", "correct horse battery"), ("next", "/")]
            let other = PageBrowser(server.client)
            try await other.get("/login")
            #expect(try await other.post("/login", fields, headers: [("Origin", "https://tickets.example.org:8443")]).status == 403)
            let browser = PageBrowser(server.client)
            try await browser.get("/login")
            let reply = try await browser.post("/login", fields, headers: [("Origin", "https://tickets.example.org")])
            #expect(reply.status == 303, "\(reply.status) \(reply.text.prefix(300))")
        }
    }

    @Test("17. methods: 405 with Allow on paths with parameters, and HEAD wherever GET works")
    func methods() async throws {
        try await LiveServer.run(.router) { server in
            let (_, fan, eventID, ticketID) = try await Self.fanWithTicket(server)
            for (method, path, allow) in [
                (HTTPMethod.PUT, "/api/v1/tickets/\(ticketID)/token", "GET"), (.DELETE, "/api/v1/events/\(eventID)/bookings", "POST"),
                (.PATCH, "/api/v1/tickets/\(ticketID)", "GET"),
            ] {
                let reply = try await server.client.send(method, path, token: fan)
                #expect(reply.status == 405 && reply.header("Allow") == allow, "\(method) \(path): \(reply.status) \(reply.header("Allow") ?? "none")")
            }
            for path in ["/api/v1/events/\(eventID)", "/api/v1/tickets/\(ticketID)/qr.png", "/healthz", "/events/\(eventID)"] {
                let get = try await server.client.send(.GET, path, token: fan)
                let head = try await server.client.send(.HEAD, path, token: fan)
                #expect(head.status == get.status && head.status == 200 && head.body.isEmpty, "\(path): \(head.status)")
                #expect(head.header("Content-Type") == get.header("Content-Type"), "\(path)")
            }
        }
    }
}
