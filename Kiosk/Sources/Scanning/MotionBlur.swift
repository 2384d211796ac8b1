import Foundation

/// A streak: the ticket moved `length` pixels along `degrees` (0 to 180, y down) while the frame
/// was exposed, so every point of it is smeared into a line of that length.
///
/// Found from the frame alone, round a point (`estimate`):
/// - **The direction** is the one along which the grey changes least: the streak smooths every
///   change along it and none across it. A frame whose changes are about as strong in every
///   direction is sharp (or blurred evenly by focus), and has no streak.
/// - **The length** is where the changes along that direction anti-correlate most with
///   themselves. A streak of length L turns each edge into a step up at one end of the streak
///   and a step down at the other, L apart.
public struct MotionBlur: Sendable, Equatable {
    public let length: Double
    public let degrees: Double

    public init(length: Double, degrees: Double) {
        (self.length, self.degrees) = (length, degrees)
    }

    /// The angle between two directions of a line (as `degrees` gives them), 0 to 90.
    static func degrees(between first: Double, and second: Double) -> Double {
        let difference = abs(first - second).truncatingRemainder(dividingBy: 180)
        return min(difference, 180 - difference)
    }

    /// Streaks shorter than this hardly hurt a decoder; longer ones are beyond taking back.
    static let lengths: ClosedRange<Double> = 3...24
    /// The weakest change over the strongest, among the directions, below which the frame is
    /// streaked: the streaked 640x480 scenes measure 0.15 to 0.41.
    static let streakedRatio = 0.45
    /// The anti-correlation a streak leaves at its length: about -0.3 to -0.5 on a ticket, near 0
    /// on a sharp frame or plain wall.
    static let streakDip = -0.2
    /// The change along the streak over the change across it, in each quarter of the window:
    /// the streaked scenes measure under 0.5 in every quarter. Bars in a still scene's clutter
    /// pass the whole window's test in 59 of the other conditions' 380 empty 640x480 frames,
    /// and this one as well in 32 (at 0.6).
    static let streakedQuarter = 0.55

    /// The streak round (`x`, `y`), looked at within `radius` pixels of it; nil when the frame is
    /// not streaked there (or the window does not fit).
    public static func estimate(in frame: GreyFrame, x: Double, y: Double, radius: Int = 72) -> MotionBlur? {
        // The farthest sample: a point at `radius`, the longest lag (a pixel past the range) and
        // half a pixel more, and the next pixel its interpolation reads.
        let margin = Double(radius) + lengths.upperBound + 4
        guard x.isFinite, y.isFinite, Double(frame.width) > 2 * margin, Double(frame.height) > 2 * margin else { return nil }
        let centreX = min(max(x, margin), Double(frame.width) - margin)
        let centreY = min(max(y, margin), Double(frame.height) - margin)
        return frame.pixels.withUnsafeBufferPointer { pixels in
            let image = Bilinear(pixels: pixels, width: frame.width)
            // A point every 6 pixels: 625 in all, each side of the window its own quarter.
            var points: [(x: Double, y: Double, quarter: Int)] = []
            for dy in stride(from: -radius, through: radius, by: 6) {
                for dx in stride(from: -radius, through: radius, by: 6) {
                    points.append((centreX + Double(dx), centreY + Double(dy), (dx < 0 ? 0 : 1) + (dy < 0 ? 0 : 2)))
                }
            }
            /// The squared change from one pixel to the next along `degrees`, summed in each quarter of the window.
            func change(along degrees: Double) -> [Double] {
                let (stepX, stepY) = (0.5 * cos(degrees * .pi / 180), 0.5 * sin(degrees * .pi / 180))
                var sums = [0.0, 0.0, 0.0, 0.0]
                for point in points {
                    let difference = image.at(point.x + stepX, point.y + stepY) - image.at(point.x - stepX, point.y - stepY)
                    sums[point.quarter] += Double(difference * difference)
                }
                return sums
            }
            let coarse = stride(from: 0.0, to: 180, by: 10).map { ($0, change(along: $0).reduce(0, +)) }
            guard var (degrees, least) = coarse.min(by: { $0.1 < $1.1 }), let most = coarse.map(\.1).max(), most > 0 else { return nil }
            for offset in [-5.0, -2.5, 2.5, 5] {
                let candidate = (degrees + offset + 180).truncatingRemainder(dividingBy: 180)
                let measured = change(along: candidate).reduce(0, +)
                if measured < least { (degrees, least) = (candidate, measured) }
            }
            guard least / most < streakedRatio else { return nil }
            // A moving ticket is streaked all over; a few bars in the clutter of a still scene
            // are streak-like only where they are.
            let along = change(along: degrees), across = change(along: degrees + 90)
            let quarters = (0..<4).map { across[$0] > 0 ? along[$0] / across[$0] : 1 }
            guard quarters.allSatisfy({ $0 < streakedQuarter }) else { return nil }

            let (unitX, unitY) = (cos(degrees * .pi / 180), sin(degrees * .pi / 180))
            let changes = points.map { image.at($0.x + 0.5 * unitX, $0.y + 0.5 * unitY) - image.at($0.x - 0.5 * unitX, $0.y - 0.5 * unitY) }
            let energy = changes.reduce(0) { $0 + Double($1 * $1) }
            guard energy > 0 else { return nil }
            let lags = Array(stride(from: lengths.lowerBound - 1, through: lengths.upperBound + 1, by: 1))
            let correlations = lags.map { lag in
                var sum = 0.0
                for (index, point) in points.enumerated() {
                    let later = image.at(point.x + (lag + 0.5) * unitX, point.y + (lag + 0.5) * unitY)
                        - image.at(point.x + (lag - 0.5) * unitX, point.y + (lag - 0.5) * unitY)
                    sum += Double(changes[index] * later)
                }
                return sum / energy
            }
            guard let deepest = correlations.indices.min(by: { correlations[$0] < correlations[$1] }),
                correlations[deepest] < streakDip, deepest > 0, deepest < lags.count - 1
            else { return nil }
            // Between the whole-pixel lags, where a parabola through the three lowest bottoms out.
            let (before, at, after) = (correlations[deepest - 1], correlations[deepest], correlations[deepest + 1])
            let curvature = before - 2 * at + after
            let shift = curvature > 0 ? 0.5 * (before - after) / curvature : 0
            return MotionBlur(length: lags[deepest] + shift, degrees: degrees)
        }
    }
}

extension MotionBlur {
    /// Where in `frame` the most detail is, in a window some 80 pixels across: where a ticket
    /// shows, streaked or not, when the finder search found none. Each 16-pixel cell sums the
    /// changes between every other pixel and the next, across and down.
    public static func busiestPlace(in frame: GreyFrame) -> (x: Double, y: Double) {
        let cell = 16
        let (columns, rows) = (frame.width / cell, frame.height / cell)
        guard columns > 0, rows > 0 else { return (Double(frame.width) / 2, Double(frame.height) / 2) }
        var detail = [Int](repeating: 0, count: columns * rows)
        frame.pixels.withUnsafeBufferPointer { pixels in
            for y in stride(from: 0, to: rows * cell - 1, by: 2) {
                let line = y * frame.width
                for x in stride(from: 0, to: columns * cell - 1, by: 2) {
                    let here = Int(pixels[line + x])
                    detail[(y / cell) * columns + x / cell] += abs(Int(pixels[line + x + 1]) - here) + abs(Int(pixels[line + frame.width + x]) - here)
                }
            }
        }
        var best = (sum: -1, column: columns / 2, row: rows / 2)
        for row in 0..<rows {
            for column in 0..<columns {
                var sum = 0
                for r in max(0, row - 2)...min(rows - 1, row + 2) {
                    for c in max(0, column - 2)...min(columns - 1, column + 2) { sum += detail[r * columns + c] }
                }
                if sum > best.sum { best = (sum, column, row) }
            }
        }
        return (Double(best.column * cell + cell / 2), Double(best.row * cell + cell / 2))
    }
}

/// A frame's grey between its pixels, linearly interpolated; the caller keeps to the frame.
struct Bilinear {
    let pixels: UnsafeBufferPointer<UInt8>
    let width: Int

    @inline(__always)
    func at(_ x: Double, _ y: Double) -> Float {
        let (left, top) = (Int(x), Int(y))
        let (fx, fy) = (Float(x - Double(left)), Float(y - Double(top)))
        let index = top * width + left
        let upper = Float(pixels[index]) + fx * (Float(pixels[index + 1]) - Float(pixels[index]))
        let lower = Float(pixels[index + width]) + fx * (Float(pixels[index + width + 1]) - Float(pixels[index + width]))
        return upper + fy * (lower - upper)
    }
}
