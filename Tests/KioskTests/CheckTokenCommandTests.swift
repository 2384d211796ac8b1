import Foundation
import Shared
import TestSupport
import Testing

@Suite("gate-kiosk check-token")
struct CheckTokenCommandTests {
    let kiosk = ProductRunner(product: "gate-kiosk")

    /// A server ring, its kiosk export on disk, and a token issued under it.
    struct Setup {
        let directory = TemporaryDirectory()
        let ring = KeyRing.generate()
        let keysPath: String
        let ticket = TicketToken(
            ticketID: 81_985_529_216_486_895, eventID: 2026, notBefore: 1_790_000_000, notAfter: 1_790_086_400,
            ticketClass: 3, flags: .reEntry, seat: "A-12", holder: "Kim \"Minsu\"")
        let token: String

        init() throws {
            keysPath = directory.file("kiosk.json")
            try KeyFile.write(ring.kioskExport, to: keysPath)
            token = try TokenEncoder(activeKeyOf: ring).encode(ticket)
        }
    }

    @Test("a valid token prints the ticket as one JSON object and exits 0")
    func validToken() throws {
        let setup = try Setup()
        let outcome = try kiosk.run(["check-token", setup.token, "--keys", setup.keysPath])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == """
            {"valid":true,"ticket":{"ticket_id":81985529216486895,"event_id":2026,"not_before":1790000000,\
            "not_after":1790086400,"ticket_class":3,"flags":1,"seat":"A-12","holder":"Kim \\"Minsu\\"","kid":1}}

            """)
    }

    @Test("a rejected token prints the spec's reason and exits 1")
    func rejectedToken() throws {
        let setup = try Setup()
        let cases = [
            ("https://example.com", "not_a_ticket"),
            ("FT1:abc", "malformed"),
            (String(setup.token.dropLast(3)), "bad_signature"),
        ]
        for (token, reason) in cases {
            let outcome = try kiosk.run(["check-token", token, "--keys", setup.keysPath])
            #expect(outcome.status == 1, "\(reason)")
            #expect(outcome.standardOutput == "{\"valid\":false,\"reason\":\"\(reason)\"}\n")
        }
    }

    @Test("a token under a revoked key is key_revoked")
    func revokedKey() throws {
        let setup = try Setup()
        var ring = setup.ring
        try ring.setStatus(.revoked, kid: 1)
        try KeyFile.write(ring.kioskExport, to: setup.keysPath)
        let outcome = try kiosk.run(["check-token", setup.token, "--keys", setup.keysPath])
        #expect(outcome.status == 1)
        #expect(outcome.standardOutput == "{\"valid\":false,\"reason\":\"key_revoked\"}\n")
    }

    @Test("usage errors exit 2 with one line on standard error and nothing on standard output")
    func usageErrors() throws {
        let setup = try Setup()
        let invalidKeys = setup.directory.file("bad.json")
        try Data(#"{"format":"other"}"#.utf8).write(to: URL(fileURLWithPath: invalidKeys))
        for arguments in [
            ["check-token", setup.token, "--keys", setup.directory.file("missing.json")],
            ["check-token", setup.token, "--keys", invalidKeys],
            ["check-token", setup.token],
            ["check-token"],
            ["check-token", setup.token, "--keys", setup.keysPath, "--frobnicate"],
        ] {
            let outcome = try kiosk.run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardOutput.isEmpty, "\(arguments)")
            #expect(outcome.standardError.hasPrefix("gate-kiosk: error: "), "\(arguments)")
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments)")
        }
    }

    @Test("--help describes the command and exits 0")
    func help() throws {
        let outcome = try kiosk.run(["check-token", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("Exit status: 0 valid, 1 rejected"))
    }
}
