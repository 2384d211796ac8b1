import Shared

/// The draw, as docs/FAIRNESS.md states it for anyone to check: the entries that joined before
/// the opening, sorted ascending by HMAC-SHA256(key: the seed's 32 bytes, message: the entry's
/// number as ASCII decimal), the codes compared as bytes.
enum WaitingRoomDraw {
    static func order(_ numbers: [Int64], seed: [UInt8]) -> [Int64] {
        numbers
            .map { (number: $0, code: HMACSHA256.authenticationCode(for: Array(String($0).utf8), key: seed)) }
            // Two equal 32-byte codes would take a break of HMAC; the number settles it anyway.
            .sorted { $0.code.lexicographicallyPrecedes($1.code) || ($0.code == $1.code && $0.number < $1.number) }
            .map(\.number)
    }
}
