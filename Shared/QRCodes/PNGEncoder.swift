import CZlib
import Shared

/// Writes greyscale PNG images; zlib does the deflate and the CRC-32.
enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A black-and-white image at one bit a pixel, from rows of bits already packed as PNG
    /// wants them (most significant bit first, 1 for white, each row padded to a byte).
    /// A QR code needs no more, and deflating an eighth of the bytes is what makes serving PNG
    /// tickets cheap.
    static func bilevel(width: Int, height: Int, packedRows: [UInt8]) throws -> [UInt8] {
        let rowBytes = (width + 7) / 8
        precondition(packedRows.count == rowBytes * height)
        var scanlines = [UInt8]()
        scanlines.reserveCapacity((rowBytes + 1) * height)
        for row in 0..<height {
            scanlines.append(0)  // filter type none
            scanlines += packedRows[row * rowBytes..<(row + 1) * rowBytes]
        }
        return try image(width: width, height: height, bitDepth: 1, scanlines: scanlines)
    }

    private static func image(width: Int, height: Int, bitDepth: UInt8, scanlines: [UInt8]) throws -> [UInt8] {
        var header = [UInt8]()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [bitDepth, 0, 0, 0, 0]  // greyscale, deflate, adaptive filtering, no interlace

        var png = signature
        png += chunk("IHDR", header)
        png += chunk("IDAT", try deflate(scanlines))
        png += chunk("IEND", [])
        return png
    }

    /// The corresponding C call is `compress2`.
    private static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let result = compress2(&output, &length, bytes, uLong(bytes.count), Z_DEFAULT_COMPRESSION)
        guard result == Z_OK else { throw PNGError.compressionFailed(code: result) }
        return Array(output.prefix(Int(length)))
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var bytes = [UInt8]()
        bytes.appendBigEndian(UInt32(data.count))
        bytes += typeBytes
        bytes += data
        // The CRC covers the type and the data. The corresponding C call is `crc32`.
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt(data.count)) }
        bytes.appendBigEndian(UInt32(crc))
        return bytes
    }
}

enum PNGError: Error, CustomStringConvertible {
    case compressionFailed(code: Int32)

    var description: String {
        switch self {
        case .compressionFailed(let code): "zlib could not compress the image (code \(code))"
        }
    }
}
