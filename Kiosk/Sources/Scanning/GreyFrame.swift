/// One camera frame as 8-bit luma, row-major, `width` bytes a row: what zbar reads.
public struct GreyFrame: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "a grey frame has one byte a pixel")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A frame of one shade.
    public init(width: Int, height: Int, fill: UInt8 = 255) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: fill, count: width * height))
    }
}

extension GreyFrame {
    /// `body` with the frame's greys read between its pixels as `GreySampler` reads them.
    func withSampler<Result>(_ body: (GreySampler) throws -> Result) rethrows -> Result {
        try pixels.withUnsafeBufferPointer { try body(GreySampler(pixels: $0, width: width, height: height)) }
    }
}

/// A frame's greys between its pixels, without an array's checks: for the loops that read
/// thousands of points a frame (the redraw's grid, its alignment search and edge fit read about
/// 30 ns a point through the array, a few through this).
struct GreySampler {
    let pixels: UnsafeBufferPointer<UInt8>
    let width: Int
    let height: Int

    /// The grey at `point`, interpolated between the four pixels round it (pixel edges at whole
    /// numbers, as the finder search measures); a point outside takes the nearest edge's grey,
    /// and a frame of no pixels is white.
    @inline(__always)
    func grey(at point: SIMD2<Double>) -> Double {
        guard width > 0, height > 0, point.x.isFinite, point.y.isFinite else { return 255 }
        let x = min(max(point.x - 0.5, 0), Double(width - 1)), y = min(max(point.y - 0.5, 0), Double(height - 1))
        let (left, top) = (Int(x), Int(y))
        let (right, bottom) = (min(left + 1, width - 1), min(top + 1, height - 1))
        let (fx, fy) = (x - Double(left), y - Double(top))
        let upper = Double(pixels[top * width + left]) * (1 - fx) + Double(pixels[top * width + right]) * fx
        let lower = Double(pixels[bottom * width + left]) * (1 - fx) + Double(pixels[bottom * width + right]) * fx
        return upper * (1 - fy) + lower * fy
    }

    /// The grey at `point`, to the nearest level.
    @inline(__always)
    func byte(at point: SIMD2<Double>) -> UInt8 { UInt8(grey(at: point) + 0.5) }
}
