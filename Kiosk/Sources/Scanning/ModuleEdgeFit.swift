/// Moves a code's module centres to where the edges between its modules say they are.
///
/// The redraw's grid passes through the finders and the alignment patterns, 16 to 20 modules
/// apart. A crumpled printout's creases move the modules between them by up to half a module
/// over a few modules, which that grid cannot follow: on "a bit of everything" scenes 72 to 185
/// of a code's 2,401 modules were sampled off their module, along the creases. But every edge
/// between a dark and a light module says where those two modules meet, and the grid says they
/// should meet half way between the centres. Each edge's difference is averaged with the edges
/// round it (a crease bends the paper smoothly), the centres are moved by that, and the modules
/// read again, which finds more edges right: three rounds.
///
/// On the 640x480 scenes' codes seen but not read, the modules wrong fell from 185, 180, 83, 81
/// and 117 to 91, 100, 29, 28 and 77, and all five were read (`kiosk-bench reading`).
enum ModuleEdgeFit {
    /// Rounds of measuring the edges and moving the centres.
    static let rounds = 3
    /// Edges within this many modules either way of a module move it (a 5×5 square).
    static let reach = 2
    /// How many edges' worth of "no move" each module's move is weighed with: where few edges
    /// were measured (a plain area, a finder), a module stays nearer where the grid put it.
    static let stillWeight = 2.0
    /// An edge is measured only between modules at least this many grey levels apart.
    static let contrast = 16

    /// `centres` (row by row, `size` a row) moved to their modules' edges; `alongRow` and
    /// `alongColumn` are one module's step along a row and down a column, in frame pixels.
    static func centres(
        _ centres: [SIMD2<Double>], size: Int, alongRow: SIMD2<Double>, alongColumn: SIMD2<Double>, in image: GreySampler
    ) -> [SIMD2<Double>] {
        var centres = centres
        for _ in 0..<rounds {
            let greys = centres.map { image.byte(at: $0) }
            let means = ModuleGreys.localMeans(greys, size: size, reach: 3)
            // Each module's sum of the edge offsets measured beside it, along the row (x) and
            // down the column (y), and how many were measured.
            var offsets = [SIMD2<Double>](repeating: .zero, count: centres.count)
            var counts = [SIMD2<Double>](repeating: .zero, count: centres.count)
            func measure(_ first: Int, _ second: Int, along axis: Int) {
                let (a, b) = (Int(greys[first]), Int(greys[second]))
                guard (a < means[first]) != (b < means[second]), abs(a - b) >= contrast,
                    let offset = edgeOffset(from: centres[first], to: centres[second], greys: (greys[first], greys[second]), in: image)
                else { return }
                // Each module by name: a loop over the pair's array was an allocation an edge.
                offsets[first][axis] += offset
                counts[first][axis] += 1
                offsets[second][axis] += offset
                counts[second][axis] += 1
            }
            for row in 0..<size {
                for column in 0..<size {
                    let module = row * size + column
                    if column + 1 < size { measure(module, module + 1, along: 0) }
                    if row + 1 < size { measure(module, module + size, along: 1) }
                }
            }
            let (offsetSums, countSums) = (boxSums(offsets, size: size), boxSums(counts, size: size))
            for module in centres.indices {
                let move = offsetSums[module] / (countSums[module] + stillWeight)
                // At most half a module a round: more would be another module's edge.
                centres[module] += min(0.5, max(-0.5, move.x)) * alongRow + min(0.5, max(-0.5, move.y)) * alongColumn
            }
        }
        return centres
    }

    /// Where between two module centres, one dark and one light (their greys `greys`), the
    /// grey crosses half way between theirs, less one half: in modules, how far the edge is from
    /// where the grid puts it. Nil if it never crosses (a module of the other shade between them).
    private static func edgeOffset(
        from first: SIMD2<Double>, to second: SIMD2<Double>, greys: (UInt8, UInt8), in image: GreySampler
    ) -> Double? {
        let steps = 4
        let (start, end) = (Double(greys.0), Double(greys.1))
        let middle = (start + end) / 2
        var (previous, nearest) = (start, Double?.none)
        for step in 1...steps {
            let value = step == steps ? end : image.grey(at: first + (second - first) * (Double(step) / Double(steps)))
            if (previous - middle) * (value - middle) <= 0, previous != value {
                let crossing = (Double(step - 1) + (middle - previous) / (value - previous)) / Double(steps) - 0.5
                if abs(crossing) < abs(nearest ?? .infinity) { nearest = crossing }
            }
            previous = value
        }
        return nearest
    }

    /// Each module's sum of `values` over the square `reach` modules either way (cut at the
    /// code's sides): summed along the rows, then those sums down the columns.
    private static func boxSums(_ values: [SIMD2<Double>], size: Int) -> [SIMD2<Double>] {
        sums(sums(values, size: size, step: 1), size: size, step: size)
    }

    /// Each module's sum of `values` within `reach` modules along its row (`step` 1) or down its
    /// column (`step` `size`).
    private static func sums(_ values: [SIMD2<Double>], size: Int, step: Int) -> [SIMD2<Double>] {
        var sums = [SIMD2<Double>](repeating: .zero, count: values.count)
        values.withUnsafeBufferPointer { values in
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<size {
                    for column in 0..<size {
                        let (index, position) = (row * size + column, step == 1 ? column : row)
                        var sum = SIMD2<Double>.zero
                        for offset in max(-reach, -position)...min(reach, size - 1 - position) { sum += values[index + offset * step] }
                        sums[index] = sum
                    }
                }
            }
        }
        return sums
    }
}
