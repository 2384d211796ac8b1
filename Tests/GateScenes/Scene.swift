import Foundation
import Kiosk
import QRCodes

/// Draws what a gate camera sees, for the kiosk's tests and benchmark: a textured background with a ticket's QR code held up at some
/// place, size and angle, then blur and sensor noise. Deterministic for a given seed.
public struct Scene {
    /// The QR text, or nil for a frame with no code (an empty gate).
    public var text: String?
    public var centreX = 320.0
    public var centreY = 240.0
    /// Pixels a QR module.
    public var moduleSize = 4.0
    public var degrees = 0.0
    public var blurPasses = 0
    /// Plus or minus this much uniform noise on every pixel.
    public var noise = 0
    public var seed: UInt64 = 1

    public init(
        text: String? = nil, centreX: Double = 320, centreY: Double = 240, moduleSize: Double = 4, degrees: Double = 0,
        blurPasses: Int = 0, noise: Int = 0, seed: UInt64 = 1
    ) {
        self.text = text
        self.centreX = centreX
        self.centreY = centreY
        self.moduleSize = moduleSize
        self.degrees = degrees
        self.blurPasses = blurPasses
        self.noise = noise
        self.seed = seed
    }

    public func frame(width: Int = 640, height: Int = 480) throws -> GreyFrame {
        var random = SeededRandom(seed: seed)
        // A soft gradient, like a floor and a wall behind the person.
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { pixels[y * width + x] = UInt8(90 + (x * 60 / width) + (y * 50 / height)) }
        }
        if let text {
            let code = try QRCode(encoding: text)
            let image = QRRenderer.greyImage(code, scale: 1)  // one pixel a module, quiet zone included
            let angle = degrees * .pi / 180
            let (cosine, sine) = (cos(angle), sin(angle))
            let half = Double(image.side) / 2
            // Each frame pixel looks up the module under it: rotation and scale by inverse mapping.
            let reach = Int(Double(image.side) * moduleSize * 0.75) + 2
            for y in max(0, Int(centreY) - reach)..<min(height, Int(centreY) + reach) {
                for x in max(0, Int(centreX) - reach)..<min(width, Int(centreX) + reach) {
                    let dx = (Double(x) - centreX) / moduleSize, dy = (Double(y) - centreY) / moduleSize
                    let u = cosine * dx + sine * dy + half, v = -sine * dx + cosine * dy + half
                    guard u >= 0, v >= 0, u < Double(image.side), v < Double(image.side) else { continue }
                    pixels[y * width + x] = image.pixels[Int(v) * image.side + Int(u)] == 0 ? 25 : 235
                }
            }
        }
        for _ in 0..<blurPasses { pixels = GreyFrame(width: width, height: height, pixels: pixels).denoised().pixels }
        if noise > 0 {
            for index in pixels.indices {
                let shifted = Int(pixels[index]) + Int(random.next() % UInt64(2 * noise + 1)) - noise
                pixels[index] = UInt8(clamping: shifted)
            }
        }
        return GreyFrame(width: width, height: height, pixels: pixels)
    }
}

/// SplitMix64: a small seeded generator, so that a failing scene can be drawn again.
public struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Places the server's rendering of a QR code (quiet zone included) into a white grey frame.
public enum FrameDrawing {
    public static func frame(with code: QRCode, width: Int, height: Int, scale: Int, x: Int, y: Int) -> GreyFrame {
        let image = QRRenderer.greyImage(code, scale: scale)
        var frame = GreyFrame(width: width, height: height, fill: 255)
        for row in 0..<image.side {
            let target = (y + row) * width + x
            frame.pixels.replaceSubrange(target..<target + image.side, with: image.pixels[row * image.side..<(row + 1) * image.side])
        }
        return frame
    }
}

/// Writes frames as a YUV4MPEG2 stream, the way `ffmpeg -f yuv4mpegpipe` does.
public enum Y4MWriter {
    /// `colourSpace` "mono" writes luma only; "420jpeg" adds neutral chroma planes.
    public static func data(_ frames: [GreyFrame], framesPerSecond: Int = 30, colourSpace: String = "mono") -> Data {
        precondition(!frames.isEmpty)
        let (width, height) = (frames[0].width, frames[0].height)
        var data = Data("YUV4MPEG2 W\(width) H\(height) F\(framesPerSecond):1 Ip A1:1 C\(colourSpace) XYSCSS=\(colourSpace.uppercased())\n".utf8)
        let chroma = colourSpace == "mono" ? 0 : 2 * ((width + 1) / 2) * ((height + 1) / 2)
        for frame in frames {
            data.append(contentsOf: Array("FRAME\n".utf8))
            data.append(contentsOf: frame.pixels)
            if chroma > 0 { data.append(Data(repeating: 128, count: chroma)) }
        }
        return data
    }

    /// The stream header alone, for frames written one by one into a pipe (`frame(_:)`).
    public static func header(width: Int = 640, height: Int = 480, framesPerSecond: Int = 30) -> Data {
        Data("YUV4MPEG2 W\(width) H\(height) F\(framesPerSecond):1 Ip A1:1 Cmono\n".utf8)
    }

    /// One frame of a mono stream begun with `header`.
    public static func frame(_ frame: GreyFrame) -> Data {
        Data("FRAME\n".utf8) + Data(frame.pixels)
    }

    public static func write(_ frames: [GreyFrame], to path: String, framesPerSecond: Int = 30, colourSpace: String = "mono") throws {
        try data(frames, framesPerSecond: framesPerSecond, colourSpace: colourSpace).write(to: URL(fileURLWithPath: path))
    }
}
