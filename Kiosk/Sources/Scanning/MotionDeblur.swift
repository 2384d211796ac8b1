import Foundation

/// Takes a streak (`MotionBlur`) back out of the part of a frame round a point, so that the
/// decoders see edges again.
///
/// The square round the point is resampled turned so that the streak runs along its rows; each
/// row is then one signal smeared by a box of the streak's length, and is filtered with that
/// box's Wiener inverse. The inverse restores what the box kept of each frequency and leaves
/// alone the frequencies it wiped out (where dividing by it would only multiply the noise). The
/// result stays turned: the decoders read codes at any angle.
///
/// The inverse is a short filter of taps rather than a Fourier transform of each row: its taps
/// are worked out once per streak length (to a quarter pixel: under a hundred lengths), and
/// filtering is then a multiply-add per tap, eight pixels of a row at a time. Not thread-safe:
/// one per reader.
public final class MotionDeblur {
    /// How strongly the filter holds back where the box kept little: the noise-to-signal ratio
    /// the Wiener filter assumes. Less restores more and amplifies noise more.
    static let noiseToSignal: Float = 0.03

    /// The taps for each streak length worked out so far, by quarter pixels.
    private var tapsByLength: [Int: [Float]] = [:]

    public init() {}

    /// The part of `frame` round (`x`, `y`), `side` pixels square (a multiple of 8), with `blur`
    /// taken back out. What lies outside the frame is its nearest edge.
    public func deblurred(_ frame: GreyFrame, blur: MotionBlur, x: Double, y: Double, side: Int) -> GreyFrame {
        precondition(side > 0 && side % 8 == 0, "the filter works eight pixels at a time")
        precondition(x.isFinite && y.isFinite && blur.length.isFinite && blur.degrees.isFinite, "a place in the frame, and a streak")
        // Within the lengths the measure gives: a longer streak is beyond taking back, and its
        // filter would grow without end.
        let length = min(max(blur.length, MotionBlur.lengths.lowerBound), MotionBlur.lengths.upperBound + 1)
        let quarters = Int((length * 4).rounded())
        let taps = tapsByLength[quarters] ?? Self.inverseTaps(length: Double(quarters) / 4)
        tapsByLength[quarters] = taps
        let reach = taps.count / 2
        let (unitX, unitY) = (Float(cos(blur.degrees * .pi / 180)), Float(sin(blur.degrees * .pi / 180)))
        let rowLength = side + 2 * reach
        let row = UnsafeMutableBufferPointer<Float>.allocate(capacity: rowLength)
        let filtered = UnsafeMutableBufferPointer<Float>.allocate(capacity: side)
        defer { row.deallocate(); filtered.deallocate() }
        var output = [UInt8](repeating: 0, count: side * side)
        let (maxFixedX, maxFixedY) = ((frame.width - 1) * 256 - 1, (frame.height - 1) * 256 - 1)
        // A place beyond the frame is its nearest edge, as every sample is (and stays in range).
        let (width, centreX, centreY) = (frame.width, Float(min(max(x, 0), Double(frame.width))), Float(min(max(y, 0), Double(frame.height))))
        frame.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { output in
                for v in 0..<side {
                    // Row v of the turned square, with `reach` more pixels at either end for the filter.
                    let across = Float(v - side / 2)
                    let (startX, startY) = (centreX - across * unitY, centreY + across * unitX)
                    // In 1/256 pixels, so that each step along the row is two integer additions.
                    var fixedX = Int(((startX - Float(reach + side / 2) * unitX) * 256).rounded(.down))
                    var fixedY = Int(((startY - Float(reach + side / 2) * unitY) * 256).rounded(.down))
                    let (stepX, stepY) = (Int((unitX * 256).rounded()), Int((unitY * 256).rounded()))
                    // Wrapping arithmetic, as the clamps keep every value in range: this loop is
                    // half of the deblur's time, and each overflow check was a branch in it.
                    for u in 0..<rowLength {
                        let (clampedX, clampedY) = (min(max(fixedX, 0), maxFixedX), min(max(fixedY, 0), maxFixedY))
                        let index = (clampedY &>> 8) &* width &+ (clampedX &>> 8)
                        let (fx, fy) = (clampedX & 255, clampedY & 255)
                        let (topLeft, bottomLeft) = (Int(pixels[index]), Int(pixels[index &+ width]))
                        let upper = topLeft &<< 8 &+ (Int(pixels[index &+ 1]) &- topLeft) &* fx
                        let lower = bottomLeft &<< 8 &+ (Int(pixels[index &+ width &+ 1]) &- bottomLeft) &* fx
                        row[u] = Float(upper &<< 8 &+ (lower &- upper) &* fy) * (1.0 / 65_536)
                        fixedX &+= stepX
                        fixedY &+= stepY
                    }
                    // Eight outputs at a time (`side` is a multiple of 8), four eights at once where
                    // they fit (each tap loaded once for 32 outputs), and the taps in pairs either
                    // side of the centre, which are equal: one multiply for two taps.
                    let rowBytes = UnsafeRawPointer(row.baseAddress!)
                    let out = UnsafeMutableRawPointer(filtered.baseAddress!)
                    let centreTap = taps[reach]
                    /// Eight pixels of the row from pixel `index` on.
                    func eight(_ index: Int) -> SIMD8<Float> { rowBytes.loadUnaligned(fromByteOffset: index &* 4, as: SIMD8<Float>.self) }
                    var block = 0
                    while block + 32 <= side {
                        let centre = block + reach
                        // Not addProduct: without FMA in the target, a libm call a lane.
                        var sums = (centreTap * eight(centre), centreTap * eight(centre + 8), centreTap * eight(centre + 16), centreTap * eight(centre + 24))
                        for offset in 1...reach {
                            let tap = taps[reach + offset]
                            let (before, after) = (centre - offset, centre + offset)
                            sums.0 += tap * (eight(before) + eight(after))
                            sums.1 += tap * (eight(before + 8) + eight(after + 8))
                            sums.2 += tap * (eight(before + 16) + eight(after + 16))
                            sums.3 += tap * (eight(before + 24) + eight(after + 24))
                        }
                        out.storeBytes(of: sums.0, toByteOffset: block * 4, as: SIMD8<Float>.self)
                        out.storeBytes(of: sums.1, toByteOffset: block * 4 + 32, as: SIMD8<Float>.self)
                        out.storeBytes(of: sums.2, toByteOffset: block * 4 + 64, as: SIMD8<Float>.self)
                        out.storeBytes(of: sums.3, toByteOffset: block * 4 + 96, as: SIMD8<Float>.self)
                        block += 32
                    }
                    while block < side {
                        let centre = block + reach
                        var sum = centreTap * eight(centre)
                        for offset in 1...reach { sum += taps[reach + offset] * (eight(centre - offset) + eight(centre + offset)) }
                        out.storeBytes(of: sum, toByteOffset: block * 4, as: SIMD8<Float>.self)
                        block += 8
                    }
                    let line = v * side
                    // Not rounded(): without SSE4.1 in the target, a libm call a pixel.
                    for u in 0..<side { output[line + u] = UInt8(Int(min(max(filtered[u], 0), 255) + 0.5)) }
                }
            }
        }
        return GreyFrame(width: side, height: side, pixels: output)
    }

    /// The Wiener inverse of a box `length` pixels long, as a symmetric filter reaching about
    /// two lengths each way, tapered to nothing at its ends so that cutting it adds no ringing
    /// (three lengths each way read no more of the streaked scenes, and cost half as much again;
    /// one and a half read fewer).
    static func inverseTaps(length: Double) -> [Float] {
        // The inner 70 % of the taps are kept whole: tapering them all cut too much of the
        // restoring (7 of the 20 streaked scenes read, against 9).
        let flatShare = 0.7
        let reach = Int((2 * length).rounded(.up)) + 2
        let size = 512
        // The box as the pixel grid sees it: each pixel weighs how much of it the streak covers.
        let half = length / 2
        let boxReach = Int(half.rounded(.up))
        let box = (-boxReach...boxReach).map { offset in
            max(0, min(Double(offset) + 0.5, half) - max(Double(offset) - 0.5, -half))
        }
        let boxSum = box.reduce(0, +)
        // Every cosine needed is one of `size` around the circle.
        let cosines = (0..<size).map { cos(2 * Double.pi * Double($0) / Double(size)) }
        func cosine(_ bin: Int, _ offset: Int) -> Double { cosines[((bin * offset) % size + size) % size] }
        // Its frequency response (real: the box is symmetric), and the Wiener inverse of it.
        let inverse = (0..<size).map { bin -> Double in
            var response = 0.0
            for (index, weight) in box.enumerated() { response += weight * cosine(bin, index - boxReach) }
            response /= boxSum
            return response / (response * response + Double(noiseToSignal))
        }
        let taps = (-reach...reach).map { offset in
            var tap = 0.0
            for (bin, value) in inverse.enumerated() { tap += value * cosine(bin, offset) }
            let position = max(0, (Double(abs(offset)) / Double(reach + 1) - flatShare) / (1 - flatShare))
            let taper = 0.5 + 0.5 * cos(Double.pi * position)
            return tap * taper
        }
        // Adding up to one, so that a flat grey stays the grey it was.
        let sum = taps.reduce(0, +)
        return taps.map { Float($0 / sum) }
    }
}
