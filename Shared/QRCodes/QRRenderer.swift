/// Draws a QR code as SVG or PNG, dark modules on white, with the quiet zone readers need.
public enum QRRenderer {
    /// Four modules of white on every side, as the QR standard asks.
    public static let quietZone = 4

    /// A scalable image: one path of unit squares (runs of a row merged) in a viewBox of modules.
    public static func svg(_ code: QRCode) -> String {
        let side = code.size + 2 * quietZone
        var path = ""
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code.isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < code.size && code.isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// A PNG with `scale` pixels a module, its bits packed straight from the modules: each
    /// module row is packed once and repeated `scale` times.
    public static func png(_ code: QRCode, scale: Int = 8) throws -> [UInt8] {
        let side = (code.size + 2 * quietZone) * scale
        let rowBytes = (side + 7) / 8
        var rows = [UInt8]()
        rows.reserveCapacity(rowBytes * side)
        let white = [UInt8](repeating: 0xFF, count: rowBytes)
        for _ in 0..<quietZone * scale { rows += white }
        for y in 0..<code.size {
            var line = white
            for x in 0..<code.size where code.isDark(x: x, y: y) {
                let first = (x + quietZone) * scale
                for pixel in first..<first + scale { line[pixel / 8] &= ~(0x80 >> UInt8(pixel % 8)) }
            }
            for _ in 0..<scale { rows += line }
        }
        for _ in 0..<quietZone * scale { rows += white }
        // Bits past the image's right edge in the last byte are padding: any value will do.
        return try PNGEncoder.bilevel(width: side, height: side, packedRows: rows)
    }

    /// The code as a square of 8-bit grey pixels (0 dark, 255 light), quiet zone included,
    /// `scale` pixels a module, row-major.
    public static func greyImage(_ code: QRCode, scale: Int) -> (side: Int, pixels: [UInt8]) {
        let side = (code.size + 2 * quietZone) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) {
                for row in 0..<scale {
                    let start = ((y + quietZone) * scale + row) * side + (x + quietZone) * scale
                    pixels.replaceSubrange(start..<start + scale, with: repeatElement(0, count: scale))
                }
            }
        }
        return (side, pixels)
    }
}
