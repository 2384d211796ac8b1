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

    /// A PNG with `scale` pixels a module.
    public static func png(_ code: QRCode, scale: Int = 8) throws -> [UInt8] {
        let image = greyImage(code, scale: scale)
        return try PNGEncoder.bilevel(width: image.side, height: image.side, pixels: image.pixels)
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
