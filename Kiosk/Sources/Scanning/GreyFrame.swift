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
