import Foundation

/// One way a camera can stream: a pixel format at a frame size, at its fastest frame rate.
public struct CameraMode: Sendable, Equatable, CustomStringConvertible {
    /// The format's four-character code, as V4L2 names it: "YUYV", "MJPG", "GREY", …
    public var pixelFormat: String
    public var width: Int
    public var height: Int
    /// The most frames a second the camera offers in this format at this size.
    public var framesPerSecond: Double

    public init(pixelFormat: String, width: Int, height: Int, framesPerSecond: Double) {
        (self.pixelFormat, self.width, self.height, self.framesPerSecond) = (pixelFormat, width, height, framesPerSecond)
    }

    public var description: String {
        let rate = framesPerSecond.rounded() == framesPerSecond ? "\(Int(framesPerSecond))" : "\(framesPerSecond)"
        return "\(width)x\(height) \(pixelFormat) at \(rate) fps"
    }

    /// A gate needs 30 frames a second: at 15 a walking person's code blurs and the queue waits
    /// (29.97 counts).
    static let fullRate = 29.0
    /// Sizes in the order a gate wants them: 1280x720 reads smaller codes from farther away and
    /// still fits the frame budget (`kiosk-bench reading`); 640x480 is what every webcam has.
    static let preferredSizes = [(1280, 720), (640, 480)]

    /// The mode the kiosk streams in, or nil if the camera offers nothing usable (or not `size`).
    ///
    /// Full frame rate first, then the preferred sizes, then a format the kiosk reads without
    /// decoding (GREY, then YUYV: its luma is every other byte) over MJPEG (which libv4l2
    /// decodes, at a few milliseconds a frame). Neither preferred size: the one nearest 1280x720.
    /// With `size` given, only that size.
    public static func best(among modes: [CameraMode], size: (width: Int, height: Int)? = nil) -> CameraMode? {
        let candidates = modes.filter { mode in
            mode.width > 0 && mode.height > 0 && mode.framesPerSecond > 0
                && (size.map { mode.width == $0.width && mode.height == $0.height } ?? true)
        }
        return candidates.min { $0.rank < $1.rank }
    }

    /// Smaller is better, compared element by element.
    private var rank: (Int, Int, Double, Int, Double) {
        let sizeRank = Self.preferredSizes.firstIndex { $0 == (width, height) } ?? Self.preferredSizes.count
        let formatRank = ["GREY", "YUYV", "MJPG"].firstIndex(of: pixelFormat) ?? 3
        let distance = abs(log2(Double(width * height) / Double(1280 * 720)))
        return (framesPerSecond >= Self.fullRate ? 0 : 1, sizeRank, distance, formatRank, -framesPerSecond)
    }
}

extension CameraMode {
    /// The four characters of a V4L2 pixel-format code, lowest byte first.
    static func fourCharacters(_ code: UInt32) -> String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: code >> (8 * $0)) }
        return String(decoding: bytes.map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }

    /// The V4L2 code of four characters such as "YUYV".
    static func code(_ characters: String) -> UInt32 {
        let bytes = Array(characters.utf8.prefix(4)) + Array(repeating: UInt8(ascii: " "), count: max(0, 4 - characters.utf8.count))
        return bytes.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }
}
