import CQRencode
import Foundation

/// A QR code's module matrix, drawn by libqrencode.
public struct QRCode: Sendable, Equatable {
    /// How much of the code may be damaged and still read.
    public enum ErrorCorrection: Sendable {
        case low, medium, quartile, high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// Modules per side, without the quiet zone.
    public let size: Int
    /// The QR version (1–40) libqrencode chose for the text.
    public let version: Int
    /// Row-major, `true` for a dark module.
    public let modules: [Bool]

    /// Encodes `text` in the smallest version that fits. Base45 text (an FT1 token) goes in
    /// alphanumeric mode, which libqrencode picks by itself when told the text is case-sensitive.
    /// The corresponding C call is `QRcode_encodeString`.
    public init(encoding text: String, correction: ErrorCorrection = .medium) throws(QRCodeError) {
        guard !text.isEmpty else { throw .emptyText }
        guard let code = QRcode_encodeString(text, 0, correction.level, QR_MODE_8, 1) else {
            throw errno == ERANGE ? .tooLong(characters: text.utf8.count) : .failed(errno: errno)
        }
        defer { QRcode_free(code) }
        let size = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe what it is part of.
        modules = UnsafeBufferPointer(start: code.pointee.data, count: size * size).map { $0 & 1 == 1 }
        self.size = size
        version = Int(code.pointee.version)
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }
}

public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyText
    case tooLong(characters: Int)
    case failed(errno: Int32)

    public var description: String {
        switch self {
        case .emptyText: "nothing to encode"
        case .tooLong(let characters): "\(characters) characters do not fit in a QR code at this error correction"
        case .failed(let code): "libqrencode failed: \(String(cString: strerror(code)))"
        }
    }
}
