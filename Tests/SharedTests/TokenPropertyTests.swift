import Shared
import Testing

@Suite("FT1 properties")
struct TokenPropertyTests {
    let ring = KeyRing.generate()
    let encoder: TokenEncoder
    let decoder: TokenDecoder

    init() throws {
        encoder = try TokenEncoder(activeKeyOf: ring)
        decoder = try TokenDecoder(keyRing: ring.kioskExport)
    }

    @Test("10,000 random tickets round-trip through encode and decode")
    func randomTicketsRoundTrip() throws {
        var random = SplitMix64(seed: 0x5EED_2026)
        let encoder = encoder
        let decoder = decoder
        for _ in 0..<10_000 {
            let ticket = TicketToken.random(using: &random)
            let decoded = try decoder.decode(encoder.encode(ticket))
            #expect(decoded.ticket == ticket)
            #expect(decoded.kid == ring.activeKey!.kid)
        }
    }

    @Test("every single-bit flip of a valid token's bytes is rejected")
    func bitFlipsAreRejected() throws {
        var random = SplitMix64(seed: 42)
        let decoder = decoder
        for _ in 0..<4 {
            let token = try encoder.encode(TicketToken.random(using: &random))
            let bytes = try #require(Base45.decode(String(token.dropFirst(4))))
            for index in bytes.indices {
                for bit in 0..<8 {
                    var flipped = bytes
                    flipped[index] ^= 1 << bit
                    let text = "FT1:" + Base45.encode(flipped)
                    #expect(throws: TokenRejection.self, "byte \(index) bit \(bit)") { try decoder.decode(text) }
                }
            }
        }
    }

    @Test("every single-bit flip of a valid token's text is rejected")
    func textBitFlipsAreRejected() throws {
        let decoder = decoder
        let token = Array(try encoder.encode(TicketToken(ticketID: 7, eventID: 1, ticketClass: 1, seat: "B-2", holder: "Ana")).utf8)
        for index in token.indices {
            for bit in 0..<8 {
                var flipped = token
                flipped[index] ^= 1 << bit
                #expect(throws: TokenRejection.self) {
                    try flipped.withUnsafeBytes { bytes in
                        Result { () throws(TokenRejection) in try decoder.decode(utf8: bytes) }
                    }.get()
                }
            }
        }
    }

    @Test("random strings and random bytes never crash the decoder and are never accepted")
    func randomInputIsRejected() {
        var random = SplitMix64(seed: 7)
        let decoder = decoder
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        for round in 0..<20_000 {
            let length = Int(random.next() % 260)
            var bytes: [UInt8]
            switch round % 3 {
            case 0: bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: bytes = Array("FT1:".utf8) + (0..<length).map { _ in alphabet[Int(random.next() % 45)] }
            default:
                // Well-formed base45 of random bytes: reaches the version, key and signature checks.
                bytes = Array("FT1:".utf8) + Array(Base45.encode((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }).utf8)
            }
            #expect(throws: TokenRejection.self) {
                try bytes.withUnsafeBytes { raw in Result { () throws(TokenRejection) in try decoder.decode(utf8: raw) } }.get()
            }
        }
    }

    @Test("the encoder refuses what does not fit the layout")
    func encoderLimits() throws {
        let encoder = encoder
        let base = TicketToken(ticketID: 1, eventID: 1, ticketClass: 0)
        var ticket = base
        ticket.seat = String(repeating: "S", count: 33)
        #expect(throws: TokenEncodingError.seatTooLong(bytes: 33)) { try encoder.encode(ticket) }
        ticket = base
        ticket.holder = String(repeating: "가", count: 17)  // 51 bytes of UTF-8
        #expect(throws: TokenEncodingError.holderTooLong(bytes: 51)) { try encoder.encode(ticket) }
        ticket = base
        ticket.flags = TicketFlags(rawValue: 0b10)
        #expect(throws: TokenEncodingError.reservedFlagsSet(2)) { try encoder.encode(ticket) }
        #expect(throws: TokenEncodingError.nonceWrongLength(7)) { try encoder.encode(base, nonce: [0, 1, 2, 3, 4, 5, 6]) }
        #expect(throws: TokenEncodingError.noSigningKey) { try TokenEncoder(activeKeyOf: ring.kioskExport) }
    }

    @Test("two tokens for the same ticket differ: every token has a fresh nonce")
    func noncesAreFresh() throws {
        let ticket = TicketToken(ticketID: 1, eventID: 1, ticketClass: 0)
        #expect(try encoder.encode(ticket) != encoder.encode(ticket))
    }

    @Test("retired keys still decode, revoked keys are key_revoked, missing kids are unknown_key")
    func keyStatuses() throws {
        var ring = ring
        let oldKid = ring.activeKey!.kid
        let oldToken = try encoder.encode(TicketToken(ticketID: 9, eventID: 1, ticketClass: 0))
        try ring.rotate()
        #expect(try TokenDecoder(keyRing: ring.kioskExport).decode(oldToken).ticket.ticketID == 9)
        try ring.setStatus(.revoked, kid: oldKid)
        #expect(throws: TokenRejection.keyRevoked) { try TokenDecoder(keyRing: ring.kioskExport).decode(oldToken) }
        let strangers = KeyRing.generate()  // kid 1 with other keys
        var otherKids = try KeyRing(keys: [TokenKey.generate(kid: 200)])
        try otherKids.setStatus(.retired, kid: 200)
        #expect(throws: TokenRejection.unknownKey) { try TokenDecoder(keyRing: otherKids).decode(oldToken) }
        #expect(throws: TokenRejection.badSignature) { try TokenDecoder(keyRing: strangers).decode(oldToken) }
    }
}

/// A small, seedable generator so a failing property run can be repeated exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension TicketToken {
    /// A ticket with every field random within the format's bounds, including multi-byte UTF-8.
    static func random(using random: inout some RandomNumberGenerator) -> TicketToken {
        let pieces = ["A", "z", "7", " ", "-", "é", "김", "🎪", "ß", "/"]
        func text(maxBytes: Int) -> String {
            var text = ""
            let target = Int.random(in: 0...maxBytes, using: &random)
            while true {
                let piece = pieces[Int.random(in: pieces.indices, using: &random)]
                if text.utf8.count + piece.utf8.count > target { return text }
                text += piece
            }
        }
        return TicketToken(
            ticketID: .random(in: 0...UInt64.max, using: &random), eventID: .random(in: 0...UInt32.max, using: &random),
            notBefore: .random(in: 0...UInt32.max, using: &random), notAfter: .random(in: 0...UInt32.max, using: &random),
            ticketClass: .random(in: 0...UInt16.max, using: &random), flags: Bool.random(using: &random) ? .reEntry : [],
            seat: text(maxBytes: TokenLayout.maxSeatBytes), holder: text(maxBytes: TokenLayout.maxHolderBytes))
    }
}
