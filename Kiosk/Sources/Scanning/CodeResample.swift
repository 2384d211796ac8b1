/// Redraws a sighted code upright and flat, from where its finder and alignment patterns really
/// are: a curved or crumpled printout, or a phone held at a slant, becomes a square code of even
/// modules that the decoders take at once.
///
/// The decoders do the same from the three finders (and one alignment pattern) alone, so on bent
/// paper their grid drifts off the modules in the middle of the code. Here every alignment
/// pattern the code's version has is looked for near where the finders put it, and the grid is
/// bent to pass through each one found: the bend of the paper, measured every 20 or so modules.
/// Each module is drawn black or white from the grey at its centre, away from the blur and bloom
/// of its edges.
/// What it reads, and where in the reader's passes it pays: `kiosk-bench reading`.
enum CodeResample {
    /// Output pixels a module, and modules of quiet zone around the code. Three pixels read as
    /// many of the gate scenes' sighted codes as four did (308 of 391), for a fifth less of
    /// the decoders' time; two read 282.
    static let scale = 3
    static let quietZone = 4

    /// The code round `finders` in `frame` (dark modules on light), redrawn upright, once for
    /// each sampling `modules` gives, the likeliest first.
    static func upright(_ frame: GreyFrame, finders: FinderCentres, moduleSize: Double) -> [GreyFrame] {
        modules(frame, finders: finders, moduleSize: moduleSize).map { $0.drawn() }
    }

    /// The grey of each module of the code round `finders`, the likeliest first: what `upright`
    /// draws, and what `StillCodeAverage` averages over frames.
    ///
    /// The finders' spacing over their size (`moduleSize`) gives the version roughly: blur, a
    /// crumple, a screen's bloom or a streak widen the finders, and in "a bit of everything"
    /// scenes it was two versions too small for 4 of 8 codes not read. So the grids of one
    /// version less to three more are laid, and the two that fit the code best are sampled: the
    /// likeliest at its modules' own edges (`ModuleEdgeFit`), then both as laid.
    static func modules(_ frame: GreyFrame, finders: FinderCentres, moduleSize: Double) -> [ModuleGreys] {
        resampled(frame, finders: finders, moduleSize: moduleSize).grids
    }

    /// What `modules` gives, with how well the likeliest grid lies on the code (`CodeGrid.fit`, in
    /// grey levels; nil where no grid could be laid): a code's own alignment patterns and timing
    /// lines score 60 and more on the gate scenes, three look-alikes in a busy background seldom
    /// 40 (`CodeReader.lookAlikeFit`).
    static func resampled(_ frame: GreyFrame, finders: FinderCentres, moduleSize: Double) -> (grids: [ModuleGreys], fit: Double?) {
        let across = (length(finders.topRight - finders.topLeft) + length(finders.bottomLeft - finders.topLeft)) / 2
        // Finder centres are 3.5 modules in from each side: the code is `across` + 7 modules wide.
        let version = ((across / moduleSize + 7 - 17) / 4).rounded()
        guard version.isFinite, (-3...41).contains(version) else { return ([], nil) }
        let guess = Int(version)
        // Candidates in order of how well they fit: a wrong size finds the alignment patterns'
        // rings nowhere, or its timing modules out of step.
        return frame.withSampler { image in
            let grids = ((guess - 1)...(guess + 3)).filter { (1...40).contains($0) }
                .compactMap { CodeGrid(version: $0, finders: finders, in: image) }
                .sorted { $0.fit > $1.fit }.prefix(2)
            guard let likeliest = grids.first else { return ([], nil) }
            return ([likeliest.sampledAtEdges(from: image)] + grids.map { $0.sampled(from: image) }, likeliest.fit)
        }
    }
}

/// Where each module of a code of one version lies in the frame: the finders' affine grid, bent
/// through the alignment patterns found.
private struct CodeGrid {
    let size: Int
    private let origin: SIMD2<Double>
    private let alongRow: SIMD2<Double>
    private let alongColumn: SIMD2<Double>
    /// Alignment patterns found: their module position and how far the frame had them moved.
    private var shifts: [(at: SIMD2<Double>, by: SIMD2<Double>)] = []
    private let spacing: Double
    /// The alignment grid's rows (and columns), and each node's shift, row by row.
    private var nodes: [Int] = []
    private var nodeShifts: [SIMD2<Double>] = []
    /// How well the grid lies on the code: the alignment patterns' mean ring contrast times the
    /// root of how many were found (a wrong size finds few, and faint ones), plus twice the
    /// timing lines' alternation. A grid one version off still finds the patterns when its
    /// alignment rows fall near the code's (versions 9 and 10 both have three, at 26 and 46, and
    /// 28 and 50), but its timing modules drift out of step with the code's and cancel.
    private(set) var fit = 0.0

    init?(version: Int, finders: FinderCentres, in image: GreySampler) {
        size = 17 + 4 * version
        // Module coordinates: the top-left finder's centre is (3.5, 3.5), the others' (size - 3.5, 3.5) and (3.5, size - 3.5).
        let span = Double(size - 7)
        alongRow = (finders.topRight - finders.topLeft) / span
        alongColumn = (finders.bottomLeft - finders.topLeft) / span
        origin = finders.topLeft - 3.5 * alongRow - 3.5 * alongColumn
        let positions = CodeGridPositions.of(version: version)
        spacing = positions.count > 1 ? Double(positions[1] - positions[0]) : Double(size)
        let module = (length(alongRow) + length(alongColumn)) / 2
        guard module >= 1 else { return nil }
        // Nearest the finders first, each looked for where the grid bent by those found so far
        // puts it: a curved page bends further the further it is from the finders.
        let last = positions.last ?? 0
        var centres: [SIMD2<Double>] = []
        for row in positions {
            for column in positions {
                if !Self.isByFinder(row, column, last: last) { centres.append(SIMD2(Double(column) + 0.5, Double(row) + 0.5)) }
            }
        }
        centres.sort { $0.x + $0.y < $1.x + $1.y }
        var found = 0.0
        for centre in centres {
            let predicted = nearestShift(centre)
            guard let (shift, contrast) = locateAlignment(at: centre, near: predicted, in: image) else { continue }
            shifts.append((centre, shift))
            found += contrast
        }
        nodes = positions
        for row in positions {
            for column in positions {
                let centre = SIMD2(Double(column) + 0.5, Double(row) + 0.5)
                nodeShifts.append(Self.isByFinder(row, column, last: last) ? .zero : shifts.first { $0.at == centre }?.by ?? nearestShift(centre))
            }
        }
        // Version 1 has no alignment pattern: its fit is the timing lines' alone.
        fit = (shifts.isEmpty ? 0 : found / Double(shifts.count) * Double(shifts.count).squareRoot()) + 2 * timingAlternation(in: image)
    }

    /// The alignment grid's corners but the bottom right lie on finders: no pattern there.
    private static func isByFinder(_ row: Int, _ column: Int, last: Int) -> Bool {
        (row == 6 && column == 6) || (row == 6 && column == last) || (row == last && column == 6)
    }

    /// The frame point of module coordinates `point`: the affine grid, plus the shift of the
    /// alignment grid's nodes round it, interpolated bilinearly (nodes by a finder do not move;
    /// a node not found takes the mean of those found nearest).
    func place(_ point: SIMD2<Double>) -> SIMD2<Double> {
        guard nodes.count >= 2 else { return affine(point) + nearestShift(point) }
        // The cell of the node grid round the point; outside it, the nearest cell, extended.
        func cell(_ value: Double) -> (Int, Double) {
            var index = 0
            while index < nodes.count - 2, value > Double(nodes[index + 1]) + 0.5 { index += 1 }
            let (low, high) = (Double(nodes[index]) + 0.5, Double(nodes[index + 1]) + 0.5)
            return (index, (value - low) / (high - low))
        }
        let (column, fx) = cell(point.x), (row, fy) = cell(point.y)
        let count = nodes.count
        let top = nodeShifts[row * count + column] * (1 - fx) + nodeShifts[row * count + column + 1] * fx
        let bottom = nodeShifts[(row + 1) * count + column] * (1 - fx) + nodeShifts[(row + 1) * count + column + 1] * fx
        return affine(point) + top * (1 - fy) + bottom * fy
    }

    /// Inverse-distance mean of the shifts found so far, with the finders as shifts of zero:
    /// where to look for the next pattern, a node whose pattern was not found, and the whole
    /// grid of a code too small to have a node grid.
    private func nearestShift(_ point: SIMD2<Double>) -> SIMD2<Double> {
        var shift = SIMD2<Double>(0, 0), weights = 1 / (0.05 + nearestFinder(to: point) * nearestFinder(to: point))
        for (at, by) in shifts {
            let distance = length(point - at) / spacing
            let weight = 1 / (0.05 + distance * distance)
            shift += weight * by
            weights += weight
        }
        return shift / weights
    }

    /// Distance from `point` to the nearest finder centre, in alignment spacings.
    private func nearestFinder(to point: SIMD2<Double>) -> Double {
        let far = Double(size) - 3.5
        return min(length(point - SIMD2(3.5, 3.5)), length(point - SIMD2(far, 3.5)), length(point - SIMD2(3.5, far))) / spacing
    }

    /// The grey at each module's centre.
    func sampled(from image: GreySampler) -> ModuleGreys {
        ModuleGreys(size: size, values: centres().map { image.byte(at: $0) })
    }

    /// The grey at each module's centre, the centres first moved to where the code's own module
    /// edges put them: a crumple's creases move modules by more than the grid through the
    /// alignment patterns, 16 to 20 modules apart, can follow.
    func sampledAtEdges(from image: GreySampler) -> ModuleGreys {
        let centres = ModuleEdgeFit.centres(centres(), size: size, alongRow: alongRow, alongColumn: alongColumn, in: image)
        return ModuleGreys(size: size, values: centres.map { image.byte(at: $0) })
    }

    /// Where the grid puts each module's centre, row by row.
    private func centres() -> [SIMD2<Double>] {
        (0..<size * size).map { place(SIMD2(Double($0 % size) + 0.5, Double($0 / size) + 0.5)) }
    }

    /// Looks within two modules of where the grid puts an alignment pattern (a dark centre,
    /// a light ring, a dark ring) for the place its rings differ most; the shift and that contrast.
    /// Every half module first, then every quarter round the best: the rings' contrast changes
    /// over a module, so the half-module steps miss no pattern, and 89 looks are left of 289.
    private func locateAlignment(at centre: SIMD2<Double>, near predicted: SIMD2<Double>, in image: GreySampler) -> (SIMD2<Double>, Double)? {
        var best: (shift: SIMD2<Double>, contrast: Double)?
        func consider(_ shift: SIMD2<Double>, _ contrast: Double) {
            if contrast > best?.contrast ?? 0 { best = (shift, contrast) }
        }
        // The half-module looks' 25 samples each fall on a lattice of half modules, four modules
        // either way of the centre: its 289 greys are sampled once, not 2,025 times (the same
        // points, so the same contrasts).
        let reach = 2 * Self.alignmentSearch + 4, side = 2 * reach + 1
        withUnsafeTemporaryAllocation(of: Double.self, capacity: side * side) { lattice in
            for row in 0..<side {
                for column in 0..<side {
                    let offset = SIMD2(Double(column - reach), Double(row - reach)) / 2
                    lattice[row * side + column] = image.grey(at: affine(centre + offset) + predicted)
                }
            }
            for y in -2 * Self.alignmentSearch...2 * Self.alignmentSearch {
                for x in -2 * Self.alignmentSearch...2 * Self.alignmentSearch {
                    let contrast = Self.ringContrast { dx, dy in lattice[(y + 2 * dy + reach) * side + x + 2 * dx + reach] }
                    consider(SIMD2(Double(x), Double(y)) / 2, contrast)
                }
            }
        }
        if let coarse = best?.shift {
            for dy in [-0.25, 0, 0.25] {
                for dx in [-0.25, 0, 0.25] where dx != 0 || dy != 0 {
                    let shift = coarse + SIMD2(dx, dy)
                    consider(shift, Self.ringContrast { image.grey(at: affine(centre + shift + SIMD2(Double($0), Double($1))) + predicted) })
                }
            }
        }
        // The module shift becomes one in frame pixels; too faint a ring is no pattern.
        guard let best, best.contrast >= 20 else { return nil }
        return (predicted + best.shift.x * alongRow + best.shift.y * alongColumn, best.contrast)
    }

    /// The finders' own grid: where module coordinates `point` fall on a flat, upright code.
    private func affine(_ point: SIMD2<Double>) -> SIMD2<Double> { origin + point.x * alongRow + point.y * alongColumn }

    /// How far, in modules either way, an alignment pattern is looked for from where the grid puts it.
    private static let alignmentSearch = 2

    /// Light ring minus the mean of the dark centre and dark ring: `grey` at the module centres
    /// `dx`, `dy` modules from the pattern's centre.
    @inline(__always)
    private static func ringContrast(_ grey: (_ dx: Int, _ dy: Int) -> Double) -> Double {
        var dark = grey(0, 0), light = 0.0
        for dy in -2...2 {
            for dx in -2...2 where dx != 0 || dy != 0 {
                let value = grey(dx, dy)
                if abs(dx) == 2 || abs(dy) == 2 { dark += value } else { light += value }
            }
        }
        return light / 8 - dark / 17
    }

    /// How strongly the timing row and column (row and column 6, between the finders) alternate
    /// dark and light through the grid's modules: about the code's contrast for the right
    /// version, near nothing for a wrong one.
    private func timingAlternation(in image: GreySampler) -> Double {
        var total = 0.0
        for index in 8..<(size - 8) {
            let along = image.grey(at: place(SIMD2(Double(index) + 0.5, 6.5))), down = image.grey(at: place(SIMD2(6.5, Double(index) + 0.5)))
            // Even modules of the timing lines are dark.
            total += index % 2 == 0 ? -along - down : along + down
        }
        return total / Double(size - 16)
    }
}

private func length(_ vector: SIMD2<Double>) -> Double { (vector * vector).sum().squareRoot() }

/// Where a version's alignment patterns are.
enum CodeGridPositions {
    /// The rows and columns of a version's alignment pattern centres (ISO/IEC 18004, annex E).
    static func of(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let size = 17 + 4 * version
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var positions = [6]
        var position = size - 7
        while positions.count < count {
            positions.insert(position, at: 1)
            position -= step
        }
        return positions
    }
}
