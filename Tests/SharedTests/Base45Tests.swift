import Shared
import Testing

@Suite("Base45 and hex")
struct EncodingTests {
    @Test("base45 rejects characters outside the alphabet, lengths of 1 mod 3 and groups over range")
    func base45Rejects() {
        #expect(Base45.decode("a") == nil)
        #expect(Base45.decode("BB8a") == nil)
        #expect(Base45.decode("BB8B") == nil)  // 1 mod 3
        #expect(Base45.decode("GGW") == nil)  // 16 + 16·45 + 32·2025 = 65536 > 0xFFFF
        #expect(Base45.decode("::") == nil)  // 44 + 44·45 > 0xFF
        #expect(Base45.decode("") == [])
    }

    @Test("base45 round-trips every length from 0 to 300 bytes")
    func base45RoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base45.decode(Base45.encode(bytes)) == bytes)
        }
        #expect(Base45.decode(Base45.encode([0xFF, 0xFF])) == [0xFF, 0xFF])
    }

    @Test("hex writes lower case and reads either case")
    func hex() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00abFF") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test("ordered JSON keeps field order and escapes strings")
    func orderedJSON() {
        let value = JSONValue.object([("b", .integer(-1)), ("a", .string("quote \" slash \\ tab\t\u{1}")), ("c", .null)])
        #expect(value.description == #"{"b":-1,"a":"quote \" slash \\ tab\t\u0001","c":null}"#)
    }
}
