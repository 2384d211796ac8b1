import QRCodes
import Shared
import Testing

@Suite("QR codes through libqrencode")
struct QRCodeTests {
    @Test("a typical FT1 token is QR version 7 at ECC M, as the spec expects")
    func tokenFitsVersion7() throws {
        let ring = KeyRing.generate()
        let token = try TokenEncoder(activeKeyOf: ring).encode(
            TicketToken(ticketID: 1234, eventID: 2026, notBefore: 1_790_000_000, notAfter: 1_790_086_400,
                        ticketClass: 2, seat: "R7-14", holder: "Kim Minsu"))
        let code = try QRCode(encoding: token, correction: .medium)
        #expect(code.version == 7)
        #expect(code.size == 45)  // 17 + 4 × version
        #expect(code.modules.count == 45 * 45)
    }

    @Test("higher error correction needs a larger code")
    func correctionLevels() throws {
        let text = String(repeating: "FT1:ABC", count: 20)
        #expect(try QRCode(encoding: text, correction: .high).size > QRCode(encoding: text, correction: .low).size)
    }

    @Test("the finder pattern sits in the top-left corner")
    func finderPattern() throws {
        let code = try QRCode(encoding: "FT1:TEST")
        for i in 0..<7 {
            #expect(code.isDark(x: i, y: 0))
            #expect(code.isDark(x: 0, y: i))
        }
        #expect(!code.isDark(x: 1, y: 1))
        #expect(code.isDark(x: 3, y: 3))
    }

    @Test("empty and oversized texts fail with clear errors")
    func errors() {
        #expect(throws: QRCodeError.emptyText) { try QRCode(encoding: "") }
        let tooLong = String(repeating: "x", count: 8_000)
        #expect(throws: QRCodeError.tooLong(characters: 8_000)) { try QRCode(encoding: tooLong) }
    }
}
