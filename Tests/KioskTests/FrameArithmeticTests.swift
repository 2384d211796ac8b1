@testable import Kiosk
import Testing

/// The loops every frame goes through, eight pixels at a time, against the plain rule each one
/// stands for, on frames whose width is no multiple of eight (the pixels left over at the right
/// go one by one) and whose greys are random.
@Suite("Frame arithmetic, eight pixels at a time")
struct FrameArithmeticTests {
    /// Random greys, from a fixed seed so that a failure can be looked at again.
    /// `bright`: mostly near white with the odd black pixel, so that a lifted threshold passes 255.
    static func randomFrame(width: Int, height: Int, seed: UInt64, bright: Bool = false) -> GreyFrame {
        var state = seed
        let pixels = (0..<width * height).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Patches of near-flat grey as well as full-range noise, so that blocks of either kind occur.
            let grey = UInt8(truncatingIfNeeded: state >> 56)
            if bright { return (state >> 20) & 15 == 0 ? 0 : 230 + grey % 26 }
            return (state >> 20) & 3 == 0 ? 128 + grey % 8 : grey
        }
        return GreyFrame(width: width, height: height, pixels: pixels)
    }

    static let sizes = [(64, 48), (77, 41), (203, 99), (8, 8), (9, 3)]

    @Test("a halved frame is each 2×2 square's rounded mean")
    func halved() {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let frame = Self.randomFrame(width: width, height: height, seed: UInt64(index))
            let halved = frame.halved()
            #expect(halved.width == width / 2 && halved.height == height / 2)
            for y in 0..<halved.height {
                for x in 0..<halved.width {
                    let sum = [(0, 0), (1, 0), (0, 1), (1, 1)].reduce(0) { $0 + Int(frame.pixels[(2 * y + $1.1) * width + 2 * x + $1.0]) }
                    #expect(halved.pixels[y * halved.width + x] == UInt8((sum + 2) / 4), "\(width)x\(height) at \(x),\(y)")
                }
            }
        }
    }

    @Test("a window round a point is moved, not cut, at the frame's edge, and never larger than the frame")
    func window() {
        func window(_ x: Double, _ y: Double, frame: (Int, Int) = (1280, 720)) -> PixelRegion {
            PixelRegion(centreX: x, centreY: y, width: 640, height: 480, inFrameOf: frame.0, frameHeight: frame.1)
        }
        #expect(window(640, 360) == PixelRegion(x: 320, y: 120, width: 640, height: 480))
        #expect(window(10, 700) == PixelRegion(x: 0, y: 240, width: 640, height: 480))
        #expect(window(1279, -50) == PixelRegion(x: 640, y: 0, width: 640, height: 480))
        #expect(window(.nan, .infinity) == PixelRegion(x: 320, y: 120, width: 640, height: 480))
        #expect(window(500, 100, frame: (1000, 400)) == PixelRegion(x: 180, y: 0, width: 640, height: 400))
        #expect(window(5, 5, frame: (0, 0)) == PixelRegion(x: 0, y: 0, width: 0, height: 0))
    }

    @Test("a frame too small to halve halves to nothing, and the search looks at it without a fault")
    func tooSmall() {
        for (width, height) in [(0, 0), (1, 1), (3, 1), (1, 5)] {
            let frame = Self.randomFrame(width: width, height: height, seed: 9)
            let halved = frame.halved()
            #expect(halved.width == width / 2 && halved.height == height / 2 && halved.pixels.count == halved.width * halved.height)
            let thresholds = FinderPatternSearch.Thresholds(frame)
            #expect(thresholds.binarised(frame, lifted: false).count == width * height)
            #expect(FinderPatternSearch.sight(in: frame) == nil)
        }
    }

    @Test("the finder search's thresholds are the 5×5 blocks' mean, and its dark pixels those below them")
    func thresholds() {
        let block = FinderPatternSearch.block
        for (index, (width, height)) in Self.sizes.enumerated() {
            let frame = Self.randomFrame(width: width, height: height, seed: 100 + UInt64(index), bright: index % 2 == 1)
            let thresholds = FinderPatternSearch.Thresholds(frame)
            let (columns, rows) = ((width + block - 1) / block, (height + block - 1) / block)
            // Each block's mean and range, one pixel at a time.
            func blockPixels(_ column: Int, _ row: Int) -> [Int] {
                (row * block..<min(height, (row + 1) * block)).flatMap { y in
                    (column * block..<min(width, (column + 1) * block)).map { Int(frame.pixels[y * width + $0]) }
                }
            }
            let means = (0..<rows).map { row in (0..<columns).map { column in blockPixels(column, row).reduce(0, +) / blockPixels(column, row).count } }
            let ranges = (0..<rows).map { row in (0..<columns).map { column in blockPixels(column, row).max()! - blockPixels(column, row).min()! } }
            for row in 0..<rows {
                for column in 0..<columns {
                    let neighbours = (max(0, row - 2)...min(rows - 1, row + 2)).flatMap { r in
                        (max(0, column - 2)...min(columns - 1, column + 2)).map { (means[r][$0], ranges[r][$0]) }
                    }
                    let mean = neighbours.reduce(0) { $0 + $1.0 } / neighbours.count
                    let contrast = neighbours.map(\.1).max()!
                    let flat = contrast < FinderPatternSearch.minimumContrast
                    #expect(thresholds.plain[row * columns + column] == (flat ? -1 : mean), "\(width)x\(height) block \(column),\(row)")
                    #expect(thresholds.lifted[row * columns + column] == (flat ? -1 : mean + contrast / 4))
                }
            }
            for lifted in [false, true] {
                let dark = thresholds.binarised(frame, lifted: lifted)
                let levels = lifted ? thresholds.lifted : thresholds.plain
                let wrong = (0..<width * height).filter { index in
                    let (x, y) = (index % width, index / width)
                    let expected: UInt8 = Int(frame.pixels[index]) < levels[(y / block) * columns + x / block] ? 1 : 0
                    return dark[index] != expected
                }
                #expect(wrong.isEmpty, "\(width)x\(height), lifted \(lifted): \(wrong.count) pixels binarised wrongly")
            }
        }
    }
}
