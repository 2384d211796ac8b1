/// Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet, so every QR reader returns
/// the token exactly as it was printed.
public enum Base45 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// Character code → value, 0xFF for a character outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes every two bytes as three characters (least significant first) and a last lone
    /// byte as two.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var text = [UInt8]()
        text.reserveCapacity((bytes.count + 1) / 2 * 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            if let second = iterator.next() {
                var n = Int(first) << 8 | Int(second)
                for _ in 0..<3 {
                    text.append(alphabet[n % 45])
                    n /= 45
                }
            } else {
                let n = Int(first)
                text.append(alphabet[n % 45])
                text.append(alphabet[n / 45])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes base45 text given as its UTF-8 bytes, or returns nil when it is not valid base45:
    /// a character outside the alphabet, a length of 1 mod 3, or a group above its maximum value.
    public static func decode(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        var bytes = [UInt8]()
        return decode(text, appendingTo: &bytes) ? bytes : nil
    }

    /// Decodes `text` onto the end of `bytes`, so a caller can keep room in front of the result
    /// (the token decoder keeps the signature context there). Returns false, with `bytes` in an
    /// unspecified state, when `text` is not valid base45.
    public static func decode(_ text: UnsafeRawBufferPointer, appendingTo bytes: inout [UInt8]) -> Bool {
        let count = text.count
        guard count % 3 != 1 else { return false }
        bytes.reserveCapacity(bytes.count + count / 3 * 2 + 1)
        var index = 0
        while index < count {
            let groupLength = min(3, count - index)
            var n = 0
            var weight = 1
            for offset in 0..<groupLength {
                let value = values[Int(text[index + offset])]
                guard value != 0xFF else { return false }
                n += Int(value) * weight
                weight *= 45
            }
            if groupLength == 3 {
                guard n <= 0xFFFF else { return false }
                bytes.append(UInt8(n >> 8))
                bytes.append(UInt8(n & 0xFF))
            } else {
                guard n <= 0xFF else { return false }
                bytes.append(UInt8(n))
            }
            index += groupLength
        }
        return true
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }
}
