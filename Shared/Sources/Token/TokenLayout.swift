/// The byte layout of FT1 (docs/TOKEN.md): constants, and the plaintext's
/// serialisation and parsing. Integers are big-endian.
public enum TokenLayout {
    public static let textPrefix = Array("FT1:".utf8)
    public static let version: UInt8 = 1
    /// Signed before the token bytes, so an FT1 signature can never pass for another message.
    public static let signatureContext = Array("festival-ticket/v1".utf8)

    public static let nonceSize = 8
    /// version, kid, nonce.
    public static let headerSize = 2 + nonceSize
    public static let signatureSize = 64
    public static let maxSeatBytes = 32
    public static let maxHolderBytes = 48
    /// The fixed part of the plaintext, up to and including the seat length byte.
    static let fixedPlaintextSize = 24
    /// Fixed part, empty seat, holder length byte.
    public static let minPlaintextSize = fixedPlaintextSize + 1
    public static let minTokenSize = headerSize + minPlaintextSize + signatureSize

    /// Writes the plaintext of `ticket` after checking it fits the layout.
    static func plaintext(of ticket: TicketToken) throws(TokenEncodingError) -> [UInt8] {
        let seat = Array(ticket.seat.utf8)
        let holder = Array(ticket.holder.utf8)
        guard seat.count <= maxSeatBytes else { throw .seatTooLong(bytes: seat.count) }
        guard holder.count <= maxHolderBytes else { throw .holderTooLong(bytes: holder.count) }
        guard ticket.flags.isSubset(of: .defined) else { throw .reservedFlagsSet(ticket.flags.rawValue) }

        var bytes = [UInt8]()
        bytes.reserveCapacity(minPlaintextSize + seat.count + holder.count)
        bytes.appendBigEndian(ticket.ticketID)
        bytes.appendBigEndian(ticket.eventID)
        bytes.appendBigEndian(ticket.notBefore)
        bytes.appendBigEndian(ticket.notAfter)
        bytes.appendBigEndian(ticket.ticketClass)
        bytes.append(ticket.flags.rawValue)
        bytes.append(UInt8(seat.count))
        bytes.append(contentsOf: seat)
        bytes.append(UInt8(holder.count))
        bytes.append(contentsOf: holder)
        return bytes
    }

    /// Reads a decrypted plaintext, or returns nil when it breaks the layout: reserved flag bits,
    /// a length past its bound or past the end, bytes left over, or invalid UTF-8.
    static func ticket(fromPlaintext bytes: UnsafeRawBufferPointer) -> TicketToken? {
        guard bytes.count >= minPlaintextSize else { return nil }
        let flags = TicketFlags(rawValue: bytes[22])
        guard flags.isSubset(of: .defined) else { return nil }

        let seatLength = Int(bytes[23])
        let seatStart = fixedPlaintextSize
        guard seatLength <= maxSeatBytes, seatStart + seatLength < bytes.count else { return nil }
        let holderLength = Int(bytes[seatStart + seatLength])
        let holderStart = seatStart + seatLength + 1
        guard holderLength <= maxHolderBytes, holderStart + holderLength == bytes.count else { return nil }

        guard
            let seat = String(validating: bytes[seatStart..<seatStart + seatLength], as: UTF8.self),
            let holder = String(validating: bytes[holderStart..<holderStart + holderLength], as: UTF8.self)
        else { return nil }

        return TicketToken(
            ticketID: bytes.loadBigEndian(at: 0), eventID: bytes.loadBigEndian(at: 8),
            notBefore: bytes.loadBigEndian(at: 12), notAfter: bytes.loadBigEndian(at: 16),
            ticketClass: bytes.loadBigEndian(at: 20), flags: flags, seat: seat, holder: holder)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in network byte order, as FT1 and PNG both write integers.
    public mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    func loadBigEndian<T: FixedWidthInteger>(at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
