/// The greys of a code's modules averaged over the frames in which it is held still: sensor
/// noise, a dim screen's grain and JPEG's blocks differ from frame to frame and average out; the
/// code does not. Each frame's modules are sampled through that frame's own finders
/// (`CodeResample.modules`), so a trembling hand does not smear the average, as it would an
/// average of the frames' pixels.
///
/// The sharper frames are preferred: a frame much blurrier than those averaged (the ticket still
/// moving in the exposure) is left out, and one much sharper starts the average afresh. Another
/// code (another size, or modules that do not agree) starts it afresh too. What it adds to the
/// reads of a ticket held up: `kiosk-bench still`.
struct StillCodeAverage {
    /// The average for one code size (the redraw tries the two likeliest sizes a frame).
    private struct Average {
        let size: Int
        var sums: [Double]
        /// The frames in the sums, older ones fading once there are `depth`.
        var weight: Double
        /// The mean sharpness of the frames averaged.
        var sharpness: Double
        /// The frame it was last added to or started in.
        var lastFrame: Int

        init(_ grid: ModuleGreys, frame: Int) {
            (size, sums, weight, sharpness, lastFrame) = (grid.size, grid.values.map(Double.init), 1, grid.sharpness, frame)
        }

        var mean: ModuleGreys { ModuleGreys(size: size, values: sums.map { UInt8(min(255, max(0, ($0 / weight).rounded()))) }) }
    }

    private var averages: [Average] = []
    private var frame = 0

    /// Frames averaged at most: beyond that the oldest fade, so that light changing across a
    /// few seconds (an exposure still settling) is followed.
    static let depth = 8.0
    /// A frame less sharp than this share of the average's frames is left out; one sharper than
    /// the average's frames by its inverse starts the average afresh.
    static let blurrier = 0.7
    /// Below this correlation with the average, a frame's modules are another code's (two codes
    /// of one size share their finders, timing rows and alignment patterns, about a fifth).
    static let agreement = 0.5
    /// Frames an average outlives the last one added to it: half a second at 30 fps, as long as
    /// the reader remembers a sighting.
    static let memory = 15

    /// Adds one frame's modules, sampled for each likely size; the averages that changed and now
    /// hold more than one frame, to be read.
    mutating func add(_ grids: [ModuleGreys]) -> [ModuleGreys] {
        frame += 1
        averages.removeAll { frame - $0.lastFrame > Self.memory }
        var changed: [ModuleGreys] = []
        var sizes = Set<Int>()
        // One grid a size a frame: the redraw samples its likeliest size twice (at the modules'
        // edges, and as laid), and a frame counted twice would outweigh the others.
        for grid in grids where sizes.insert(grid.size).inserted {
            guard let index = averages.firstIndex(where: { $0.size == grid.size }) else {
                averages.append(Average(grid, frame: frame))
                continue
            }
            var average = averages[index]
            let sharpness = grid.sharpness
            if Self.correlation(grid.values, average.sums) < Self.agreement || sharpness * Self.blurrier > average.sharpness {
                averages[index] = Average(grid, frame: frame)
                continue
            }
            guard sharpness >= average.sharpness * Self.blurrier else { continue }
            if average.weight >= Self.depth {
                let fade = (Self.depth - 1) / average.weight
                average.sums = average.sums.map { $0 * fade }
                average.weight = Self.depth - 1
            }
            for (module, value) in grid.values.enumerated() { average.sums[module] += Double(value) }
            average.sharpness += (sharpness - average.sharpness) / (average.weight + 1)
            average.weight += 1
            average.lastFrame = frame
            averages[index] = average
            changed.append(average.mean)
        }
        return changed
    }

    /// Forgets every average: the code was read, or is gone.
    mutating func reset() {
        averages.removeAll()
    }

    /// Pearson's correlation between a frame's modules and an average's sums (scale does not matter).
    private static func correlation(_ values: [UInt8], _ sums: [Double]) -> Double {
        let count = Double(values.count)
        let (meanA, meanB) = (values.reduce(0.0) { $0 + Double($1) } / count, sums.reduce(0, +) / count)
        var (product, squaresA, squaresB) = (0.0, 0.0, 0.0)
        for (a, b) in zip(values, sums) {
            let (da, db) = (Double(a) - meanA, b - meanB)
            product += da * db
            squaresA += da * da
            squaresB += db * db
        }
        guard squaresA > 0, squaresB > 0 else { return 0 }
        return product / (squaresA * squaresB).squareRoot()
    }
}
