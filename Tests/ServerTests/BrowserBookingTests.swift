import Foundation
@testable import Server
import Shared
import TestSupport
import Testing

/// A booking in a real browser, from sign-up to the ticket page, at a phone's size (in Korean)
/// and a laptop's (in English): screenshots of each step are kept, and the QR code on the
/// screenshot must decode, by zbarimg, to the ticket's exact token.
@Suite("Booking in a real browser", .serialized)
struct BrowserBookingTests {
    /// Where the screenshots go: `$FESTIVALGATE_SCREENSHOTS`, else `.build/screenshots`.
    static let screenshots: URL = {
        if let folder = ProcessInfo.processInfo.environment["FESTIVALGATE_SCREENSHOTS"] { return URL(fileURLWithPath: folder) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/screenshots").standardized
    }()

    @Test("on a phone, 390×844, in Korean", arguments: [Viewport(width: 390, height: 844, language: "ko-KR", name: "phone", seats: ["A-7", "A-8"])])
    func phone(_ viewport: Viewport) async throws { try await book(viewport) }

    @Test("on a laptop, 1280×800, in English", arguments: [Viewport(width: 1280, height: 800, language: "en-GB", name: "laptop", seats: ["E-10", "E-11"])])
    func laptop(_ viewport: Viewport) async throws { try await book(viewport) }

    struct Viewport: Sendable, CustomTestStringConvertible {
        let width: Int
        let height: Int
        let language: String
        let name: String
        let seats: [String]
        var testDescription: String { "\(width)×\(height) \(language)" }
    }

    func book(_ viewport: Viewport) async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try await LiveServer.run(.live) { server in
            let seeded = try await DemoSeeder.seed(server.environment)
            let base = "http://127.0.0.1:\(try #require(server.port))"
            let seatIDs: [String: Int64] = try server.environment.readers.read { database in
                Dictionary(uniqueKeysWithValues: try database.rows("SELECT id, label FROM seat").map { (try $0["label"], try $0["id"]) })
            }
            let browser = try await WebDriver(width: viewport.width, height: viewport.height, language: viewport.language)
            do {
                // Every page on the way is audited by axe-core as well as photographed.
                var violations: [String] = []
                func save(_ step: String) async throws {
                    let png = try await browser.screenshot(mobileWidth: viewport.width < 500 ? viewport.width : nil)
                    try Data(png).write(to: Self.screenshots.appendingPathComponent("\(viewport.name)-\(step).png"))
                    let found = try await browser.accessibilityViolations()
                    #expect(found != nil, "axe-core's script is missing: run scripts/install-packages test")
                    violations += (found ?? []).map { "\(step): \($0)" }
                }
                try await browser.open("\(base)/events/\(seeded.eventID)")
                try await save("1-event")
                try await browser.open("\(base)/signup?next=/events/\(seeded.eventID)")
                try await browser.type("#name", viewport.name == "phone" ? "김민지" : "Alex Smith")
                try await browser.type("#email", "\(viewport.name)@example.com")
                try await browser.type("#password", "a long pass phrase")
                try await save("2-signup")
                try await browser.click("form.stack button[type=submit]")
                #expect(try await browser.url(containing: "/events/\(seeded.eventID)").hasSuffix("/events/\(seeded.eventID)"))
                // The demo sells through its waiting room: join the line, and a free turn brings
                // the booking form back at once.
                try await browser.click(".waiting-room form button[type=submit]")
                #expect(try await browser.url(containing: "#book").hasSuffix("/events/\(seeded.eventID)#book"))

                // Seats chosen on the drawing (the script ticks the form's boxes).
                for label in viewport.seats { try await browser.click("#m\(try #require(seatIDs[label]))") }
                for label in viewport.seats {
                    let ticked = try await browser.script("return document.getElementById(arguments[0]).checked", ["s\(seatIDs[label]!)"]) as? Bool
                    #expect(ticked == true, "seat \(label) is not chosen after a tap")
                }
                let summary = try await browser.script("return document.getElementById('selection').textContent") as? String ?? ""
                #expect(summary.contains(viewport.seats[0]) && summary.contains("₩"), "the selection says \(summary)")
                try await save("3-seats-chosen")

                try await browser.click("#seat-form button[type=submit]")
                #expect(try await browser.url(containing: "/tickets?booked=").contains("/tickets?booked="))
                try await save("4-tickets")

                // The QR code as the screen shows it decodes to the ticket's token, exactly.
                let ticketElement = try await browser.script("return document.querySelector('.ticket').id") as? String ?? ""
                let ticketID = try #require(UInt64(ticketElement.replacingOccurrences(of: "ticket-", with: "")))
                let token = try #require(try server.environment.readers.read { try TicketRepository.ticket(id: ticketID, in: $0) }?.token)
                let qr = Self.screenshots.appendingPathComponent("\(viewport.name)-5-qr.png")
                try Data(try await browser.screenshot(of: ".ticket-qr svg")).write(to: qr)
                #expect(try Self.zbarimg(qr) == token)

                try await browser.open("\(base)/tickets/print?size=a6")
                try await save("6-print")
                #expect(violations.isEmpty, "serious or critical accessibility violations:\n\(violations.joined(separator: "\n"))")
                // The audit finds what it should: an image without a text alternative is critical.
                _ = try await browser.script("document.body.appendChild(document.createElement('img'))")
                #expect(try await browser.accessibilityViolations()?.contains { $0.contains("image-alt") } == true)
                await browser.quit()
            } catch {
                await browser.quit()
                throw error
            }
        }
    }

    /// What zbarimg reads in a PNG: the QR code's text, nothing else.
    static func zbarimg(_ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension BrowserBookingTests {
    /// Each page in `paths` opened in the browser, photographed and audited; the violations.
    private static func audit(_ paths: [(name: String, path: String)], base: String, browser: WebDriver) async throws -> [String] {
        var violations: [String] = []
        for (name, path) in paths {
            try await browser.open(base + path)
            let png = try await browser.screenshot()
            try Data(png).write(to: screenshots.appendingPathComponent("audit-\(name).png"))
            let found = try await browser.accessibilityViolations()
            #expect(found != nil, "axe-core's script is missing: run scripts/install-packages test")
            violations += (found ?? []).map { "\(name) (\(path)): \($0)" }
        }
        return violations
    }

    @Test("every page an organiser and a person in the waiting room see passes axe-core with no serious or critical violation")
    func accessibilityOfTheOtherPages() async throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try await LiveServer.run(.live) { server in
            let seeded = try await DemoSeeder.seed(server.environment)
            let base = "http://127.0.0.1:\(try #require(server.port))"
            // An event whose room is open and whose draw is still ahead: its waiting page.
            let organiser = try await server.client.logIn(email: seeded.organiserEmail, password: seeded.organiserPassword)
            let now = server.clock.now()
            let created = try await server.client.send(
                .POST, "/api/v1/events", token: organiser,
                json: [
                    "name": "Spring Concert", "venue": "Hall", "starts_at": now + 30 * 86_400, "ends_at": now + 30 * 86_400 + 3600,
                    "gates_open_at": now + 30 * 86_400 - 3600, "sale_opens_at": now + 3600, "sale_closes_at": now + 30 * 86_400,
                    "per_person_limit": 2, "classes": [["ticket_class": 1, "name": "Floor", "capacity": 50]],
                    "waiting_room": ["opens_at": now - 60],
                ])
            let concert = try created.field("id", as: Int.self)
            let browser = try await WebDriver(width: 1280, height: 800, language: "en-GB")
            do {
                var violations = try await Self.audit([("home", "/"), ("login", "/login")], base: base, browser: browser)
                try await browser.type("#email", seeded.organiserEmail)
                try await browser.type("#password", seeded.organiserPassword)
                try await browser.click("form.stack button[type=submit]")
                _ = try await browser.url(containing: "/manage")
                violations += try await Self.audit(
                    [
                        ("manage", "/manage"), ("manage-event", "/manage/events/\(seeded.eventID)"),
                        ("manage-new", "/manage/events/new"), ("manage-tickets", "/manage/events/\(seeded.eventID)/tickets?q=A"),
                        ("manage-gates", "/manage/events/\(seeded.eventID)/gates"), ("dashboard", "/manage/events/\(seeded.eventID)/dashboard"),
                        ("event-room", "/events/\(concert)"),
                    ], base: base, browser: browser)
                try await browser.click(".waiting-room form button[type=submit]")
                _ = try await browser.url(containing: "/queue")
                violations += try await Self.audit([("waiting", "/events/\(concert)/queue"), ("my-tickets", "/tickets")], base: base, browser: browser)
                #expect(violations.isEmpty, "serious or critical accessibility violations:\n\(violations.joined(separator: "\n"))")
                await browser.quit()
            } catch {
                await browser.quit()
                throw error
            }
        }
    }
}
