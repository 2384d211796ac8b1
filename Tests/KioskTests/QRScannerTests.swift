import Kiosk
import GateScenes
import QRCodes
import Shared
import Testing

@Suite("zbar QR scanning")
struct QRScannerTests {
    @Test("a token drawn by libqrencode into a 640x480 frame reads back exactly")
    func readsTokenBack() throws {
        let ring = KeyRing.generate()
        let token = try TokenEncoder(activeKeyOf: ring).encode(
            TicketToken(ticketID: 77, eventID: 2026, ticketClass: 1, seat: "A-12", holder: "김민수"))
        let frame = try FrameDrawing.frame(with: QRCode(encoding: token), width: 640, height: 480, scale: 4, x: 100, y: 60)
        let payloads = try QRScanner().scan(frame)
        #expect(payloads == [Array(token.utf8)])
        let decoded = try TokenDecoder(keyRing: ring.kioskExport).decode(String(decoding: payloads[0], as: UTF8.self))
        #expect(decoded.ticket.holder == "김민수")
    }

    @Test("a frame without a code yields nothing")
    func emptyFrame() throws {
        let scanner = try QRScanner()
        #expect(try scanner.scan(GreyFrame(width: 640, height: 480, fill: 200)).isEmpty)
        var noise = SystemRandomNumberGenerator()
        let pixels = (0..<(320 * 240)).map { _ in UInt8.random(in: 0...255, using: &noise) }
        #expect(try scanner.scan(GreyFrame(width: 320, height: 240, pixels: pixels)).isEmpty)
    }

    @Test("one scanner reads frame after frame, half density included")
    func reusesScanner() throws {
        for density in [Int32(1), 2] {
            let scanner = try QRScanner(density: density)
            for index in 0..<5 {
                let text = "FT1:FRAME\(index)"
                let frame = try FrameDrawing.frame(with: QRCode(encoding: text), width: 320, height: 240, scale: 5, x: 20 * index, y: 10)
                #expect(try scanner.scan(frame) == [Array(text.utf8)], "density \(density), frame \(index)")
            }
        }
    }
}
