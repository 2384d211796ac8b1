/// A code's modules, row by row: the grey at each one's centre, as sampled from one frame or
/// averaged over several.
struct ModuleGreys: Sendable, Equatable {
    /// Modules a side: 17 + 4 × version.
    let size: Int
    let values: [UInt8]

    /// The code redrawn: `scale` pixels a module, black or white by the grey at the module's
    /// centre against the mean of the modules round it. The centre is where blur and a screen's
    /// bloom reach least; the local mean follows light that changes across the code.
    func drawn() -> GreyFrame {
        let (scale, quiet) = (CodeResample.scale, CodeResample.quietZone)
        let side = (size + 2 * quiet) * scale
        let values = Self.sharpened(values, size: size)
        let threshold = Self.localMeans(values, size: size, reach: 3)
        var pixels = [UInt8](repeating: 255, count: side * side)
        for row in 0..<size {
            for column in 0..<size where Int(values[row * size + column]) < threshold[row * size + column] {
                for y in 0..<scale {
                    let start = ((row + quiet) * scale + y) * side + (column + quiet) * scale
                    for x in 0..<scale { pixels[start + x] = 0 }
                }
            }
        }
        return GreyFrame(width: side, height: side, pixels: pixels)
    }

    /// How sharply the modules stand apart: the mean difference between each module and the
    /// next one along its row and down its column. Blur (a ticket moving in the exposure, or out
    /// of focus) brings neighbours together; sensor noise moves it far less.
    var sharpness: Double {
        var (total, count) = (0, 0)
        for row in 0..<size {
            for column in 0..<size {
                let value = Int(values[row * size + column])
                if column + 1 < size { total += abs(value - Int(values[row * size + column + 1])) }
                if row + 1 < size { total += abs(value - Int(values[(row + 1) * size + column])) }
                count += 2
            }
        }
        return Double(total) / Double(max(1, count))
    }

    /// Each module's grey pushed away from the mean of its four neighbours, by 0.6 of the
    /// difference: blur, defocus and a crumple's soft fold spill each module's ink into its
    /// neighbours, and this takes back about that much (an unsharp mask a module wide). On
    /// 640x480 scenes the redraw alone then reads crumpled paper 17 of 20 (was 12), 2-pixel
    /// modules 11 (was 9), defocus 19 (was 18); a gain from 0.4 to 1 reads the same.
    private static func sharpened(_ values: [UInt8], size: Int) -> [UInt8] {
        var sharpened = values
        for row in 0..<size {
            for column in 0..<size {
                var (sum, count) = (0, 0)
                for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] where (0..<size).contains(row + dy) && (0..<size).contains(column + dx) {
                    sum += Int(values[(row + dy) * size + column + dx])
                    count += 1
                }
                let value = Int(values[row * size + column])
                sharpened[row * size + column] = UInt8(min(255, max(0, value + (value - sum / count) * 6 / 10)))
            }
        }
        return sharpened
    }

    /// Each module's threshold: the mean of the modules within `reach` of it (a code's data is
    /// about half dark anywhere), so light that changes across the code does not matter.
    static func localMeans(_ values: [UInt8], size: Int, reach: Int) -> [Int] {
        // Sums along each row's window, then down each column's: two passes, not a square each.
        var across = [Int](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                var sum = 0
                for x in max(0, column - reach)...min(size - 1, column + reach) { sum += Int(values[row * size + x]) }
                across[row * size + column] = sum
            }
        }
        var means = [Int](repeating: 0, count: size * size)
        for row in 0..<size {
            let rows = min(size - 1, row + reach) - max(0, row - reach) + 1
            for column in 0..<size {
                var sum = 0
                for y in max(0, row - reach)...min(size - 1, row + reach) { sum += across[y * size + column] }
                means[row * size + column] = sum / (rows * (min(size - 1, column + reach) - max(0, column - reach) + 1))
            }
        }
        return means
    }
}
