import CZBar

/// Finds QR codes in grey frames with zbar, returning each payload's exact bytes.
///
/// Not thread-safe, like the zbar scanner it owns: keep one per capture thread.
public final class QRScanner {
    private let scanner: OpaquePointer
    private let image: OpaquePointer

    /// A scanner for QR codes only, binary-safe. `density` 1 reads every line of the frame;
    /// 2 reads every other line, about half the cost, and still reads codes of normal size.
    /// The corresponding C calls are `zbar_image_scanner_create` and `zbar_image_scanner_set_config`.
    public init(density: Int32 = 1) throws(ZBarError) {
        guard let scanner = zbar_image_scanner_create() else { throw .outOfMemory }
        guard let image = zbar_image_create() else {
            zbar_image_scanner_destroy(scanner)
            throw .outOfMemory
        }
        self.scanner = scanner
        self.image = image
        // Every symbology off, then QR on: faster on busy frames, no false reads of 1-D codes.
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        // Without this, zbar re-encodes payload bytes it guesses are Latin-1 as UTF-8.
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density)
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density)
        zbar_image_set_format(image, czbar_format_y800)
    }

    deinit {
        zbar_image_destroy(image)
        zbar_image_scanner_destroy(scanner)
    }

    /// The payloads of every QR code in `frame`, as bytes (never assumed to be text).
    /// The corresponding C call is `zbar_scan_image`.
    public func scan(_ frame: GreyFrame) throws(ZBarError) -> [[UInt8]] {
        try frame.pixels.withUnsafeBytes { pixels in
            Result { () throws(ZBarError) in try scan(pixels: pixels, width: frame.width, height: frame.height) }
        }.get()
    }

    /// Scans grey pixels in place, without copying them (the camera's mmapped buffer, say).
    public func scan(pixels: UnsafeRawBufferPointer, width: Int, height: Int) throws(ZBarError) -> [[UInt8]] {
        precondition(pixels.count >= width * height, "fewer pixels than width × height")
        zbar_image_set_size(image, UInt32(width), UInt32(height))
        // No cleanup handler: the pixels belong to the caller and outlive this call.
        zbar_image_set_data(image, pixels.baseAddress, UInt(width * height), nil)
        defer { zbar_image_set_data(image, nil, 0, nil) }
        guard zbar_scan_image(scanner, image) >= 0 else { throw .scanFailed }
        var payloads: [[UInt8]] = []
        var symbol = zbar_image_first_symbol(image)
        while let current = symbol {
            let length = Int(zbar_symbol_get_data_length(current))
            if let data = zbar_symbol_get_data(current) {
                payloads.append(Array(UnsafeRawBufferPointer(start: data, count: length)))
            }
            symbol = zbar_symbol_next(current)
        }
        return payloads
    }
}

public enum ZBarError: Error, Equatable, Sendable, CustomStringConvertible {
    case outOfMemory
    case scanFailed

    public var description: String {
        switch self {
        case .outOfMemory: "zbar could not allocate a scanner"
        case .scanFailed: "zbar could not scan the frame"
        }
    }
}
