/// Where a frame seems to hold a QR code, though no decoder read it: the evidence that makes the
/// later, dearer passes worth their time, and tells them where to look.
public struct CodeSighting: Sendable, Equatable {
    /// The part of the frame that holds the code, with some margin.
    public var region: PixelRegion
    /// Pixels a module, as the finder patterns measure it.
    public var moduleSize: Double
    /// Light modules on dark: a dark-mode screen.
    public var inverted: Bool
    /// The centres of the three finder patterns, in frame pixels, when the search saw them.
    public var finders: FinderCentres?

    public init(region: PixelRegion, moduleSize: Double, inverted: Bool, finders: FinderCentres? = nil) {
        (self.region, self.moduleSize, self.inverted, self.finders) = (region, moduleSize, inverted, finders)
    }

    /// The same sighting in the frame `window` was cut from (it was made in that part of it).
    func moved(by window: PixelRegion) -> CodeSighting {
        let offset = SIMD2(Double(window.x), Double(window.y))
        var moved = self
        moved.region.x += window.x
        moved.region.y += window.y
        moved.finders?.topLeft += offset
        moved.finders?.topRight += offset
        moved.finders?.bottomLeft += offset
        return moved
    }

    /// The same sighting in a frame `factor` times as wide (it was made in a reduced copy).
    public func scaled(by factor: Int, inFrameOf width: Int, height: Int) -> CodeSighting {
        let region = PixelRegion(
            x: self.region.x * factor, y: self.region.y * factor,
            width: min(self.region.width * factor, width - self.region.x * factor),
            height: min(self.region.height * factor, height - self.region.y * factor))
        return CodeSighting(region: region, moduleSize: moduleSize * Double(factor), inverted: inverted, finders: finders?.scaled(by: Double(factor)))
    }
}

/// A code's three finder centres, named as in an upright code: the corner one top left.
public struct FinderCentres: Sendable, Equatable {
    public var topLeft: SIMD2<Double>
    public var topRight: SIMD2<Double>
    public var bottomLeft: SIMD2<Double>

    /// The corner finder and the two others, in either order: which is top right follows from
    /// the turn (a code is never seen mirrored).
    init(corner: SIMD2<Double>, _ one: SIMD2<Double>, _ other: SIMD2<Double>) {
        let (toOne, toOther) = (one - corner, other - corner)
        // With y pointing down, top right to bottom left turns clockwise: a positive cross product.
        let clockwise = toOne.x * toOther.y - toOne.y * toOther.x > 0
        (topLeft, topRight, bottomLeft) = (corner, clockwise ? one : other, clockwise ? other : one)
    }

    func scaled(by factor: Double) -> FinderCentres {
        var scaled = self
        (scaled.topLeft, scaled.topRight, scaled.bottomLeft) = (topLeft * factor, topRight * factor, bottomLeft * factor)
        return scaled
    }

    /// Whether each of these centres lies within `distance` of one of `other`'s: the same
    /// three finders, seen again.
    func near(_ other: FinderCentres?, within distance: Double) -> Bool {
        guard let other else { return false }
        let theirs = [other.topLeft, other.topRight, other.bottomLeft]
        return [topLeft, topRight, bottomLeft].allSatisfy { centre in
            theirs.contains { (($0 - centre) * ($0 - centre)).sum() <= distance * distance }
        }
    }

    /// The same centres in a copy of the frame reduced `factor` times and cut to `region` (itself reduced).
    func placed(in region: PixelRegion, reducedBy factor: Int) -> FinderCentres {
        let origin = SIMD2(Double(region.x), Double(region.y))
        var placed = scaled(by: 1 / Double(factor))
        (placed.topLeft, placed.topRight, placed.bottomLeft) = (placed.topLeft - origin, placed.topRight - origin, placed.bottomLeft - origin)
        return placed
    }
}

/// Looks for QR finder patterns (the three nested squares in a code's corners) the way every QR
/// detector does: runs of dark and light in the ratio 1:1:3:1:1 along a row, confirmed down the
/// column through their middle. The ratio holds on any line through the centre, so a code turned
/// to any angle is found; both polarities are looked for, so a dark-mode screen is too.
///
/// Pixels are split into dark and light against the mean of their neighbourhood (blocks of
/// 8×8, averaged 5×5), so shadows, glare and dim screens do not matter; blocks with almost no
/// contrast count as light, so flat walls make no runs. That window is 40 pixels: it holds a
/// whole finder only up to modules of about 5 pixels, so larger codes are looked for in a
/// halved frame (`CodeReader`). Its cost: `kiosk-bench reading`.
///
/// A busy background is full of look-alikes, and each sighting costs the later passes several
/// milliseconds, so a finder must be one clearly: its rings differ from each other by more than
/// sensor noise does, it is crossed by at least two rows, and three of them make an L.
public enum FinderPatternSearch {
    private struct Finder {
        var x: Double
        var y: Double
        var module: Double
        var inverted: Bool
        var hits: Int
    }

    static let block = 8
    /// Below this much contrast around a pixel it is light: no code has less (a dim screen has 30).
    static let minimumContrast = 14
    /// A finder's dark and light rings differ by at least this much in mean grey along the row;
    /// binarised sensor noise makes the ratio too, but with means a few grey levels apart. Chosen
    /// on the gate scenes: it halves the look-alikes of busy backgrounds and costs no read.
    private static let minimumRingContrast = 24
    /// Rows (two pixels apart) a finder must be seen on: a real one's core is 3 modules tall.
    private static let minimumRows = 2
    /// Below this score (see `bestCode`) three light finders are doubted: on a dark-mode
    /// screen whose own corner finder's dark rings bloomed away, three patterns of the code's
    /// light data, seen on few rows and far from square (score 4), were taken for the code and
    /// the lifted threshold, which finds the bloomed finder, never tried. A doubted three is
    /// now weighed against what the lifted threshold finds. (Doubting every weak three lost
    /// sightings of noisy and streaked codes that were right.)
    private static let doubtedScore = 6.0

    /// The most convincing sighting of a code in `frame`, or nil.
    public static func sight(in frame: GreyFrame) -> CodeSighting? {
        guard frame.width >= 32, frame.height >= 32 else { return nil }
        let thresholds = Thresholds(frame)
        var finders: [Finder] = []
        frame.pixels.withUnsafeBufferPointer { pixels in
            thresholds.binarised(frame, lifted: false).withUnsafeBufferPointer { dark in
                for y in stride(from: 2, to: frame.height - 2, by: 2) {
                    scanRow(y, dark: dark, pixels: pixels, width: frame.width, height: frame.height, into: &finders)
                }
            }
        }
        let plain = bestCode(among: finders, width: frame.width, height: frame.height)
        if let plain, plain.score >= doubtedScore || !plain.sighting.inverted { return plain.sighting }
        // A light finder seen on two rows but no code, or a doubted one: perhaps a dark-mode
        // screen whose bloom hid the others' dark rings. Looked for again against the lifted threshold, light
        // finders only, kept apart so that a finder seen both times counts the rows of each
        // once, not twice.
        guard mayBeBloomedCode(finders) else { return plain?.sighting }
        var bloomedFinders: [Finder] = []
        frame.pixels.withUnsafeBufferPointer { pixels in
            thresholds.binarised(frame, lifted: true).withUnsafeBufferPointer { dark in
                for y in stride(from: 2, to: frame.height - 2, by: 2) {
                    scanRow(y, dark: dark, pixels: pixels, width: frame.width, height: frame.height, onlyLight: true, into: &bloomedFinders)
                }
            }
        }
        let lifted = bestCode(among: finders.filter { $0.inverted } + bloomedFinders, width: frame.width, height: frame.height)
        return [plain, lifted].compactMap { $0 }.max { $0.score < $1.score }?.sighting
    }

    /// Whether `finders` hold a light one crossed by two rows: what a dark-mode screen shows when
    /// the others bloomed away. The lifted threshold's second search costs as much as the first,
    /// and a light look-alike seen on a single row asked for it in 319 of 420 empty 640x480
    /// scenes; one seen on two rows asks in 152. (Asking only for two that could be corners of one
    /// code, 29, lost two dark-mode reads at each size.)
    private static func mayBeBloomedCode(_ finders: [Finder]) -> Bool {
        finders.contains { $0.inverted && $0.hits >= minimumRows }
    }

    /// Each 8×8 block's threshold: the mean of the 5×5 blocks round it (-1 where they are flat:
    /// all light); and that mean lifted by a quarter of their contrast, for light modules on a
    /// dark screen, which bloom into the dark ring round a finder's core until it reads lighter
    /// than the mean and the ring is lost (the per-polarity threshold of issue 26).
    struct Thresholds {
        let columns: Int
        var plain: [Int]
        var lifted: [Int]

        init(_ frame: GreyFrame) {
            let (width, height) = (frame.width, frame.height)
            let columns = (width + block - 1) / block, rows = (height + block - 1) / block
            var means = [Int](repeating: 0, count: columns * rows)
            var ranges = [Int](repeating: 0, count: columns * rows)
            // Whole blocks eight pixels of a row at a time, each lane kept apart until the block's
            // last row (a lane's sum of eight rows fits 16 bits); the blocks cut by the right edge pixel by pixel.
            let wholeColumns = width / block
            var sums = [SIMD8<UInt16>](repeating: .zero, count: wholeColumns)
            var lows = [SIMD8<UInt8>](repeating: .zero, count: wholeColumns)
            var highs = [SIMD8<UInt8>](repeating: .zero, count: wholeColumns)
            frame.pixels.withUnsafeBufferPointer { pixels in
                guard let base = pixels.baseAddress else { return }  // a frame of no pixels
                let bytes = UnsafeRawPointer(base)
                for row in 0..<rows {
                    let lines = (row * block)..<min(height, (row + 1) * block)
                    for column in 0..<wholeColumns {
                        (sums[column], lows[column], highs[column]) = (.zero, SIMD8(repeating: 255), .zero)
                    }
                    for y in lines {
                        for column in 0..<wholeColumns {
                            let eight = bytes.loadUnaligned(fromByteOffset: y * width + column * block, as: SIMD8<UInt8>.self)
                            sums[column] &+= SIMD8<UInt16>(truncatingIfNeeded: eight)
                            lows[column] = pointwiseMin(lows[column], eight)
                            highs[column] = pointwiseMax(highs[column], eight)
                        }
                    }
                    for column in 0..<wholeColumns {
                        means[row * columns + column] = Int(sums[column].wrappedSum()) / (lines.count * block)
                        ranges[row * columns + column] = Int(highs[column].max()) - Int(lows[column].min())
                    }
                    for column in wholeColumns..<columns {
                        var (sum, count, low, high) = (0, 0, 255, 0)
                        for y in lines {
                            for x in (column * block)..<width {
                                let value = Int(pixels[y * width + x])
                                sum += value
                                count += 1
                                low = min(low, value)
                                high = max(high, value)
                            }
                        }
                        means[row * columns + column] = sum / count
                        ranges[row * columns + column] = high - low
                    }
                }
            }
            self.columns = columns
            plain = [Int](repeating: -1, count: columns * rows)
            lifted = plain
            // The 5×5 blocks' sum and widest range, down the columns of blocks first, then along
            // the rows (separable: ten reads a block, not fifty).
            var columnSums = [Int](repeating: 0, count: columns * rows)
            var columnRanges = [Int](repeating: 0, count: columns * rows)
            for row in 0..<rows {
                let neighbours = max(0, row - 2)...min(rows - 1, row + 2)
                for column in 0..<columns {
                    var (sum, widest) = (0, 0)
                    for neighbourRow in neighbours {
                        sum += means[neighbourRow * columns + column]
                        widest = max(widest, ranges[neighbourRow * columns + column])
                    }
                    (columnSums[row * columns + column], columnRanges[row * columns + column]) = (sum, widest)
                }
            }
            for row in 0..<rows {
                let blockRows = min(rows - 1, row + 2) - max(0, row - 2) + 1
                for column in 0..<columns {
                    let neighbours = max(0, column - 2)...min(columns - 1, column + 2)
                    var (sum, contrast) = (0, 0)
                    for neighbourColumn in neighbours {
                        sum += columnSums[row * columns + neighbourColumn]
                        contrast = max(contrast, columnRanges[row * columns + neighbourColumn])
                    }
                    // A flat neighbourhood is all light: below a threshold of -1 there is nothing.
                    guard contrast >= minimumContrast else { continue }
                    let mean = sum / (blockRows * neighbours.count)
                    plain[row * columns + column] = mean
                    lifted[row * columns + column] = mean + contrast / 4
                }
            }
        }

        /// 1 for dark, 0 for light: each pixel against its block's threshold.
        func binarised(_ frame: GreyFrame, lifted: Bool) -> [UInt8] {
            let (width, height) = (frame.width, frame.height)
            var dark = [UInt8](repeating: 0, count: width * height)
            let thresholds = lifted ? self.lifted : plain
            let wholeColumns = width / block
            frame.pixels.withUnsafeBufferPointer { pixels in
                dark.withUnsafeMutableBufferPointer { dark in
                    guard let source = pixels.baseAddress, let target = dark.baseAddress else { return }  // a frame of no pixels
                    let (bytes, out) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(target))
                    for y in 0..<height {
                        let thresholdRow = (y / block) * columns
                        // A whole block's eight pixels of the row at once; a threshold of 0 or
                        // less leaves them light (as the array starts), one over 255 makes them dark.
                        for column in 0..<wholeColumns {
                            let threshold = thresholds[thresholdRow + column]
                            guard threshold > 0 else { continue }
                            let offset = y * width + column * block
                            guard threshold <= 255 else {
                                out.storeBytes(of: SIMD8<UInt8>(repeating: 1), toByteOffset: offset, as: SIMD8<UInt8>.self)
                                continue
                            }
                            // Grey minus threshold in 16 bits wraps to its top bit set exactly
                            // when the grey is the darker (a mask's compare is not vectorised).
                            let eight = SIMD8<UInt16>(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt8>.self))
                            let isDark = (eight &- UInt16(threshold)) &>> 15
                            out.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: isDark), toByteOffset: offset, as: SIMD8<UInt8>.self)
                        }
                        for x in (wholeColumns * block)..<width {
                            dark[y * width + x] = Int(pixels[y * width + x]) < thresholds[thresholdRow + x / block] ? 1 : 0
                        }
                    }
                }
            }
            return dark
        }
    }

    /// Runs along row `y`; each five in a row that look like a finder are checked down the column.
    /// `onlyLight`: only finders with a light core (a dark-mode screen's).
    private static func scanRow(
        _ y: Int, dark: UnsafeBufferPointer<UInt8>, pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
        onlyLight: Bool = false, into finders: inout [Finder]
    ) {
        // The last five runs, oldest first: this loop meets every edge of the frame, so no arrays.
        var (run0, run1, run2, run3, run4) = (0, 0, 0, 0, 0)
        var runCount = 0
        let row = y * width
        var current = dark[row]
        var runStart = 0
        /// The run of colour `current` ends where the next begins, at `x` (or at the row's end).
        func endRun(at x: Int) {
            (run0, run1, run2, run3, run4) = (run1, run2, run3, run4, x &- runStart)
            runCount &+= 1
            // `current` is the colour of the run just ended, the last of the five; the middle run has its colour too.
            if runCount >= 5, !onlyLight || current == 0, isFinderRatio(run0, run1, run2, run3, run4) {
                let start = x - (run0 + run1 + run2 + run3 + run4)
                let centreX = start + run0 + run1 + run2 / 2
                let module = Double(run0 + run1 + run2 + run3 + run4) / 7
                if ringContrast(start: row + start, runs: (run0, run1, run2, run3, run4), pixels: pixels) >= minimumRingContrast,
                    let (centreY, verticalModule) = checkColumn(
                        centreX, y, centreIsDark: current, expected: module, dark: dark, width: width, height: height)
                {
                    add(Finder(x: Double(centreX), y: centreY, module: (module + verticalModule) / 2, inverted: current == 0, hits: 1), to: &finders)
                }
            }
            (current, runStart) = (1 &- current, x)
        }
        // Eight pixels at a time: each one's byte (0 or 1) against the one before it leaves a 1
        // where a run ends, and the loop visits only those, not every pixel (most of a noisy
        // frame's pixels are in runs of two or three, and a pixel-by-pixel loop mispredicts each).
        let bytes = UnsafeRawPointer(dark.baseAddress!)
        var x = 1
        while x &+ 8 <= width {
            var edges = bytes.loadUnaligned(fromByteOffset: row &+ x, as: UInt64.self)
                ^ bytes.loadUnaligned(fromByteOffset: row &+ x &- 1, as: UInt64.self)
            while edges != 0 {
                endRun(at: x &+ edges.trailingZeroBitCount / 8)
                edges &= edges &- 1
            }
            x &+= 8
        }
        while x < width {
            if dark[row + x] != dark[row + x - 1] { endRun(at: x) }
            x += 1
        }
        endRun(at: width)
    }

    /// Runs in the ratio 1:1:3:1:1, each within 0.7 of a module (1.4 for the core; blur and tilt
    /// bend them), in whole numbers: |7·run − total| < 0.7·total for a one-module run.
    private static func isFinderRatio(_ run0: Int, _ run1: Int, _ run2: Int, _ run3: Int, _ run4: Int) -> Bool {
        // Wrapping arithmetic: runs are at most a frame's width, and this is asked at every edge.
        let total = run0 &+ run1 &+ run2 &+ run3 &+ run4
        guard total >= 9 else { return false }  // under 1.3 pixels a module nothing can read it
        let slack = 7 &* total
        return 10 &* abs(7 &* run0 &- total) < slack && 10 &* abs(7 &* run1 &- total) < slack
            && 10 &* abs(7 &* run2 &- 3 &* total) < 2 &* slack && 10 &* abs(7 &* run3 &- total) < slack
            && 10 &* abs(7 &* run4 &- total) < slack
    }

    /// The difference in mean grey between the rings of the core's colour and those of the
    /// other, along the five runs starting at pixel `start`.
    private static func ringContrast(
        start: Int, runs: (Int, Int, Int, Int, Int), pixels: UnsafeBufferPointer<UInt8>
    ) -> Int {
        var index = start
        func sum(next length: Int) -> Int {
            defer { index += length }
            var sum = 0
            for offset in 0..<length { sum += Int(pixels[index + offset]) }
            return sum
        }
        let (outer, ring, core, otherRing, otherOuter) = (sum(next: runs.0), sum(next: runs.1), sum(next: runs.2), sum(next: runs.3), sum(next: runs.4))
        let coreColour = (outer + core + otherOuter) / (runs.0 + runs.2 + runs.4)
        return abs(coreColour - (ring + otherRing) / (runs.1 + runs.3))
    }

    /// Up and down column `x` from row `y`: the same pattern? Returns its centre row and module.
    private static func checkColumn(
        _ x: Int, _ y: Int, centreIsDark: UInt8, expected: Double, dark: UnsafeBufferPointer<UInt8>, width: Int, height: Int
    ) -> (Double, Double)? {
        guard x >= 0, x < width, dark[y * width + x] == centreIsDark else { return nil }
        let limit = Int(expected * 6) + 2
        // Runs going up (or down) from the centre: the rest of the core, then a ring, then the
        // outer ring. In a tuple, not an array: this runs for every finder-like row of a busy frame.
        func runs(step: Int) -> (core: Int, ring: Int, outer: Int)? {
            var row = y
            func run(of colour: UInt8) -> Int? {
                var length = 0
                while row >= 0, row < height, dark[row * width + x] == colour, length <= limit {
                    length += 1
                    row += step
                }
                return length > 0 && length <= limit ? length : nil
            }
            guard let core = run(of: centreIsDark), let ring = run(of: 1 - centreIsDark), let outer = run(of: centreIsDark) else { return nil }
            return (core, ring, outer)
        }
        guard let up = runs(step: -1), let down = runs(step: 1) else { return nil }
        let core = up.core + down.core - 1
        guard isFinderRatio(up.outer, up.ring, core, down.ring, down.outer) else { return nil }
        let module = Double(up.outer + up.ring + core + down.ring + down.outer) / 7
        // A tilt may shorten one direction, but not to less than half the other.
        guard module > expected * 0.5, module < expected * 2 else { return nil }
        let centreY = Double(y - up.core + 1) + Double(core) / 2
        return (centreY, module)
    }

    private static func add(_ finder: Finder, to finders: inout [Finder]) {
        for index in finders.indices where finders[index].inverted == finder.inverted {
            let near = finders[index].module * 3
            if abs(finders[index].x - finder.x) < near, abs(finders[index].y - finder.y) < near {
                let hits = Double(finders[index].hits)
                finders[index].x = (finders[index].x * hits + finder.x) / (hits + 1)
                finders[index].y = (finders[index].y * hits + finder.y) / (hits + 1)
                finders[index].module = (finders[index].module * hits + finder.module) / (hits + 1)
                finders[index].hits += 1
                return
            }
        }
        finders.append(finder)
    }

    /// The finders that make a code: three of one polarity, alike in size, forming an L (two
    /// sides near equal, near square: tilt and perspective bend it, clutter rarely makes one).
    /// Their distances must be a code's: a version 1 code's finders are 14 modules apart, and
    /// the largest a kiosk meets about 60. Two finders alone are not enough: a busy background
    /// pairs its look-alikes in most frames (measured on the gate scenes), and no code was read
    /// from a pair that its third finder would not also have shown.
    private static func bestCode(among found: [Finder], width: Int, height: Int) -> (sighting: CodeSighting, score: Double)? {
        // A real finder is crossed by several rows. The search over triples stays small by
        // keeping the most-seen 24.
        let seen = found.filter { $0.hits >= minimumRows }
        guard seen.count >= 3 else { return nil }
        let finders = seen.count <= 24 ? seen : Array(seen.sorted { $0.hits > $1.hits }.prefix(24))
        func alike(_ a: Finder, _ b: Finder) -> Bool {
            a.inverted == b.inverted && max(a.module, b.module) < min(a.module, b.module) * 1.7
        }
        func modules(_ a: Finder, _ b: Finder) -> Double {
            ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() / ((a.module + b.module) / 2)
        }
        var best: (score: Double, corner: Finder, ends: (Finder, Finder))?
        for i in finders.indices {
            for j in finders.indices where j > i && alike(finders[i], finders[j]) && (12...90).contains(modules(finders[i], finders[j])) {
                for k in finders.indices where k > j && alike(finders[i], finders[k]) && alike(finders[j], finders[k]) {
                    let triple = [finders[i], finders[j], finders[k]]
                    for corner in 0..<3 {
                        let (c, a, b) = (triple[corner], triple[(corner + 1) % 3], triple[(corner + 2) % 3])
                        let (sideA, sideB) = (modules(c, a), modules(c, b))
                        guard (12...60).contains(sideA), (12...60).contains(sideB), max(sideA, sideB) < min(sideA, sideB) * 1.45 else { continue }
                        let (ax, ay, bx, by) = (a.x - c.x, a.y - c.y, b.x - c.x, b.y - c.y)
                        let cosine = (ax * bx + ay * by) / ((ax * ax + ay * ay).squareRoot() * (bx * bx + by * by).squareRoot())
                        guard abs(cosine) < 0.45, max(c.module, a.module, b.module) < min(c.module, a.module, b.module) * 1.4 else { continue }
                        // The squarer and the more often seen, the likelier: a pattern inside a
                        // code's data can pass for a finder, but seldom at a true corner.
                        let score = Double(triple.reduce(0) { $0 + min($1.hits, 4) }) - 20 * abs(cosine) - 10 * abs(1 - sideA / sideB)
                        if score > best?.score ?? -.infinity { best = (score, c, (a, b)) }
                    }
                }
            }
        }
        guard let (score, corner, (a, b)) = best else { return nil }
        // The fourth corner completes the parallelogram; the code is inside the four, plus half
        // a finder and the quiet zone.
        let module = (corner.module + a.module + b.module) / 3
        let (fourthX, fourthY) = (a.x + b.x - corner.x, a.y + b.y - corner.y)
        let across = max(corner.x, a.x, b.x, fourthX) - min(corner.x, a.x, b.x, fourthX)
        let down = max(corner.y, a.y, b.y, fourthY) - min(corner.y, a.y, b.y, fourthY)
        let reach = max(across, down) / 2 + module * 9
        let sighting = CodeSighting(
            region: PixelRegion(centreX: (a.x + b.x) / 2, centreY: (a.y + b.y) / 2, reach: reach, inFrameOf: width, height: height),
            moduleSize: module, inverted: corner.inverted,
            finders: FinderCentres(corner: SIMD2(corner.x, corner.y), SIMD2(a.x, a.y), SIMD2(b.x, b.y)))
        return (sighting, score)
    }
}
