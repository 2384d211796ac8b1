import Foundation
import CZlib

/// gzip bodies made of pieces deflated apart: a page's large part that stays the same for many
/// requests (the seat map) is deflated once, and each request deflates only its own small
/// parts. Each piece but the last ends on a byte boundary with a sync flush and refers to no
/// byte before itself, so the pieces joined are one valid deflate stream; the CRC-32 of the whole
/// is combined from the pieces' (zlib's `crc32_combine`). The corresponding C calls are
/// `deflateInit2`, `deflate`, `deflateEnd`, `crc32` and `crc32_combine`.
enum Gzip {
    struct Piece: Sendable {
        let deflated: [UInt8]
        let crc: UInt
        let length: Int
        let isFinal: Bool
    }

    /// `bytes` deflated on their own; `final` for the last piece of a body.
    static func piece(_ bytes: [UInt8], level: Int32 = 6, final: Bool) -> Piece {
        var stream = z_stream()
        // Only out of memory fails here; a body that cannot be compressed goes out as it is.
        guard festivalgate_deflate_init_raw(&stream, level) == Z_OK else {
            return Piece(deflated: [], crc: 0, length: -1, isFinal: final)
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                let result = deflate(&stream, final ? Z_FINISH : Z_SYNC_FLUSH)
                return result == Z_STREAM_END || result == Z_OK ? outputBuffer.count - Int(stream.avail_out) : -1
            }
        }
        guard produced >= 0 else { return Piece(deflated: [], crc: 0, length: -1, isFinal: final) }
        let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return Piece(deflated: Array(output[..<produced]), crc: crc, length: bytes.count, isFinal: final)
    }

    /// One gzip member of the pieces, in order; nil if a piece could not be made (send it plain).
    static func body(_ pieces: [Piece]) -> [UInt8]? {
        guard let last = pieces.last, last.isFinal, pieces.allSatisfy({ $0.length >= 0 }) else { return nil }
        var body: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var crc: uLong = 0
        var length = 0
        for piece in pieces {
            body += piece.deflated
            crc = crc32_combine(crc, piece.crc, Int(piece.length))
            length += piece.length
        }
        for shift in stride(from: 0, to: 32, by: 8) { body.append(UInt8(truncatingIfNeeded: crc >> uLong(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { body.append(UInt8(truncatingIfNeeded: length >> shift)) }
        return body
    }

    /// Whether the client takes gzip (`Accept-Encoding: gzip, br`; not `gzip;q=0`).
    static func isAccepted(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        return acceptEncoding.lowercased().split(separator: ",").contains { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return pieces.first == "gzip" && !pieces.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }
}
