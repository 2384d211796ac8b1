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

    /// The code round `finders` in `frame` (dark modules on light), redrawn upright, for the
    /// most likely versions: the finders' spacing gives the size give or take a version.
    static func upright(_ frame: GreyFrame, finders: FinderCentres, moduleSize: Double) -> [GreyFrame] {
        modules(frame, finders: finders, moduleSize: moduleSize).map { $0.drawn() }
    }

    /// The grey of each module of the code round `finders`, for the two likeliest versions (the
    /// likelier first): what `upright` draws, and what `StillCodeAverage` averages over frames.
    /// `moduleSizeAtMost`: the module size may be up to a third too large (finders a streak
    /// widened), so versions up to four larger are tried as well.
    static func modules(_ frame: GreyFrame, finders: FinderCentres, moduleSize: Double, moduleSizeAtMost: Bool = false) -> [ModuleGreys] {
        let across = (length(finders.topRight - finders.topLeft) + length(finders.bottomLeft - finders.topLeft)) / 2
        // Finder centres are 3.5 modules in from each side: the code is `across` + 7 modules wide.
        let version = ((across / moduleSize + 7 - 17) / 4).rounded()
        guard version.isFinite, (0...41).contains(version) else { return [] }
        let estimated = Int(version)
        let versions = ([estimated, estimated - 1, estimated + 1] + (moduleSizeAtMost ? [estimated + 2, estimated + 3, estimated + 4] : []))
            .filter { (1...40).contains($0) }
        // Candidates in order of how well their alignment patterns are found: a wrong size finds
        // the patterns' rings nowhere.
        let grids = versions.compactMap { CodeGrid(version: $0, finders: finders, in: frame) }
        return grids.sorted { $0.fit > $1.fit }.prefix(2).map { $0.sampled(from: frame) }
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
    /// The patterns' mean ring contrast times the root of how many were found: a wrong size
    /// finds few, and faint ones.
    private(set) var fit = 0.0

    init?(version: Int, finders: FinderCentres, in frame: GreyFrame) {
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
            guard let (shift, contrast) = locateAlignment(at: centre, near: predicted, in: frame) else { continue }
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
        // Version 1 has no alignment pattern: its fit is the timing row's, about as telling.
        fit = shifts.isEmpty ? timingContrast(in: frame) : found / Double(shifts.count) * Double(shifts.count).squareRoot()
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
    func sampled(from frame: GreyFrame) -> ModuleGreys {
        var values = [UInt8](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                values[row * size + column] = sample(frame, at: place(SIMD2(Double(column) + 0.5, Double(row) + 0.5)))
            }
        }
        return ModuleGreys(size: size, values: values)
    }

    /// Looks within two modules of where the grid puts an alignment pattern (a dark centre,
    /// a light ring, a dark ring) for the place its rings differ most; the shift and that contrast.
    /// Every half module first, then every quarter round the best: the rings' contrast changes
    /// over a module, so the half-module steps miss no pattern, and 89 looks are left of 289.
    private func locateAlignment(at centre: SIMD2<Double>, near predicted: SIMD2<Double>, in frame: GreyFrame) -> (SIMD2<Double>, Double)? {
        var best: (shift: SIMD2<Double>, contrast: Double)?
        func look(at shift: SIMD2<Double>) {
            let contrast = ringContrast(at: centre + shift, movedBy: predicted, in: frame)
            if contrast > best?.contrast ?? 0 { best = (shift, contrast) }
        }
        let steps = stride(from: -2.0, through: 2.0, by: 0.5)
        for dy in steps {
            for dx in steps { look(at: SIMD2(dx, dy)) }
        }
        if let coarse = best?.shift {
            for dy in [-0.25, 0, 0.25] {
                for dx in [-0.25, 0, 0.25] where dx != 0 || dy != 0 { look(at: coarse + SIMD2(dx, dy)) }
            }
        }
        // The module shift becomes one in frame pixels; too faint a ring is no pattern.
        guard let best, best.contrast >= 20 else { return nil }
        return (predicted + best.shift.x * alongRow + best.shift.y * alongColumn, best.contrast)
    }

    /// The finders' own grid: where module coordinates `point` fall on a flat, upright code.
    private func affine(_ point: SIMD2<Double>) -> SIMD2<Double> { origin + point.x * alongRow + point.y * alongColumn }

    /// Light ring minus the mean of the dark centre and dark ring, sampled at module centres.
    private func ringContrast(at centre: SIMD2<Double>, movedBy shift: SIMD2<Double>, in frame: GreyFrame) -> Double {
        var dark = Double(sample(frame, at: affine(centre) + shift)), light = 0.0
        for dy in -2...2 {
            for dx in -2...2 where dx != 0 || dy != 0 {
                let value = Double(sample(frame, at: affine(centre + SIMD2(Double(dx), Double(dy))) + shift))
                if abs(dx) == 2 || abs(dy) == 2 { dark += value } else { light += value }
            }
        }
        return light / 8 - dark / 17
    }

    /// The timing row's alternation between the top finders (version 1 has nothing else).
    private func timingContrast(in frame: GreyFrame) -> Double {
        var total = 0.0
        for column in 8..<(size - 8) {
            let value = Double(sample(frame, at: place(SIMD2(Double(column) + 0.5, 6.5))))
            total += column % 2 == 0 ? -value : value
        }
        return total / Double(size - 16) * 2
    }

    /// Bilinear grey at `point` (pixel edges at whole numbers, as the finder search measures).
    private func sample(_ frame: GreyFrame, at point: SIMD2<Double>) -> UInt8 {
        guard point.x.isFinite, point.y.isFinite else { return 255 }
        let x = min(max(point.x - 0.5, 0), Double(frame.width - 1)), y = min(max(point.y - 0.5, 0), Double(frame.height - 1))
        let (left, top) = (Int(x), Int(y))
        let (right, bottom) = (min(left + 1, frame.width - 1), min(top + 1, frame.height - 1))
        let (fx, fy) = (x - Double(left), y - Double(top))
        let upper = Double(frame.pixels[top * frame.width + left]) * (1 - fx) + Double(frame.pixels[top * frame.width + right]) * fx
        let lower = Double(frame.pixels[bottom * frame.width + left]) * (1 - fx) + Double(frame.pixels[bottom * frame.width + right]) * fx
        return UInt8(min(255, max(0, upper * (1 - fy) + lower * fy + 0.5)))
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
