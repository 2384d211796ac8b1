import Foundation
import GateScenes
@testable import Kiosk
import QRCodes
import Testing

/// The redraw's module centres moved to the code's own module edges (`ModuleEdgeFit`), and its
/// version taken from the alignment patterns when the finders' size misleads.
@Suite("Module centres fitted to the code's edges")
struct ModuleEdgeFitTests {
    static let ticket = try! SceneTickets(count: 1).tokens[0]
    /// Pixels a module, and modules of quiet zone, of the drawn codes.
    static let (scale, quiet) = (4.0, 4.0)

    /// How far a crease has moved the module at module coordinates (u, v): along the rows by
    /// up to 0.4 of a module, down the columns by up to 0.3, in waves 9 and 11 modules long
    /// (a crumpled printout's creases, which the grid through the alignment patterns misses).
    static func creased(_ u: Double, _ v: Double) -> SIMD2<Double> {
        SIMD2(0.3 * sin(2 * .pi * v / 13), 0.25 * sin(2 * .pi * u / 16))
    }

    /// `code` drawn `scale` pixels a module with its modules moved by `move`, softened by a
    /// 3×3 box as a lens would; and where each module's centre then is, in frame pixels.
    static func drawn(_ code: QRCode, moved move: (Double, Double) -> SIMD2<Double>) -> (GreyFrame, [SIMD2<Double>]) {
        let side = Int((Double(code.size) + 2 * quiet) * scale)
        var pixels = [UInt8](repeating: 220, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                let (u, v) = ((Double(x) + 0.5) / scale - quiet, (Double(y) + 0.5) / scale - quiet)
                // The module seen at (u, v) is the one moved there: undo the (gentle) move.
                let from = SIMD2(u, v) - move(u, v)
                let (column, row) = (Int(from.x.rounded(.down)), Int(from.y.rounded(.down)))
                if (0..<code.size).contains(column), (0..<code.size).contains(row), code.isDark(x: column, y: row) { pixels[y * side + x] = 40 }
            }
        }
        var softened = pixels
        for y in 1..<(side - 1) {
            for x in 1..<(side - 1) {
                var sum = 0
                for dy in -1...1 { for dx in -1...1 { sum += Int(pixels[(y + dy) * side + x + dx]) } }
                softened[y * side + x] = UInt8(sum / 9)
            }
        }
        let centres = (0..<code.size * code.size).map { index in
            let (u, v) = (Double(index % code.size) + 0.5, Double(index / code.size) + 0.5)
            return (SIMD2(u, v) + move(u, v) + quiet) * scale
        }
        return (GreyFrame(width: side, height: side, pixels: softened), centres)
    }

    /// The grid's centres for a flat, upright code drawn as `drawn` draws it.
    static func flatCentres(_ code: QRCode) -> [SIMD2<Double>] {
        (0..<code.size * code.size).map { (SIMD2(Double($0 % code.size), Double($0 / code.size)) + 0.5 + quiet) * scale }
    }

    /// The mean distance between `centres` and `truth`, in modules.
    static func meanError(_ centres: [SIMD2<Double>], _ truth: [SIMD2<Double>]) -> Double {
        zip(centres, truth).map { pair in
            let difference = pair.0 - pair.1
            return (difference * difference).sum().squareRoot()
        }.reduce(0, +) / Double(truth.count) / scale
    }

    @Test("a creased code's centres move most of the way to where the crease put its modules, and then read")
    func followsACrease() throws {
        let code = try QRCode(encoding: Self.ticket)
        let (frame, truth) = Self.drawn(code, moved: Self.creased)
        let laid = Self.flatCentres(code)
        let (fitted, greys) = frame.withSampler { image in
            let fitted = ModuleEdgeFit.centres(laid, size: code.size, alongRow: SIMD2(Self.scale, 0), alongColumn: SIMD2(0, Self.scale), in: image)
            return (fitted, fitted.map { image.byte(at: $0) })
        }
        let (before, after) = (Self.meanError(laid, truth), Self.meanError(fitted, truth))
        // Measured: 0.26 of a module off before, 0.06 after.
        #expect(before > 0.2)
        #expect(after < before / 3, "mean error \(before) modules before, \(after) after")
        let zxing = ZXingScanner(), expected = [Array(Self.ticket.utf8)]
        #expect(zxing.scan(ModuleGreys(size: code.size, values: greys).drawn()) == expected)
    }

    @Test("a flat code's centres stay where they are")
    func keepsAFlatCode() throws {
        let code = try QRCode(encoding: Self.ticket)
        let (frame, truth) = Self.drawn(code) { _, _ in .zero }
        let fitted = frame.withSampler {
            ModuleEdgeFit.centres(truth, size: code.size, alongRow: SIMD2(Self.scale, 0), alongColumn: SIMD2(0, Self.scale), in: $0)
        }
        #expect(Self.meanError(fitted, truth) < 0.05)
    }

    @Test("a frame of no pixels, or finders at no number, redraws nothing and reads nothing out of bounds")
    func emptyFrame() {
        let finders = FinderCentres(corner: SIMD2(20, 20), SIMD2(200, 20), SIMD2(20, 200))
        for modules in [
            CodeResample.modules(GreyFrame(width: 0, height: 0, pixels: []), finders: finders, moduleSize: 4),
            CodeResample.modules(GreyFrame(width: 64, height: 64), finders: FinderCentres(corner: SIMD2(.nan, 0), SIMD2(1, 0), SIMD2(0, 1)), moduleSize: 4),
        ] {
            #expect(modules.allSatisfy { modules in modules.values.allSatisfy { $0 == 255 } })
        }
    }

    @Test("the redraw finds the version when the finders look a tenth smaller or a quarter larger than they are")
    func findsTheVersion() throws {
        let code = try QRCode(encoding: Self.ticket)
        let (frame, _) = Self.drawn(code) { _, _ in .zero }
        let (near, far) = ((3.5 + Self.quiet) * Self.scale, (Double(code.size) - 3.5 + Self.quiet) * Self.scale)
        let finders = FinderCentres(corner: SIMD2(near, near), SIMD2(far, near), SIMD2(near, far))
        let zxing = ZXingScanner()
        // A quarter too large is two versions too small for this code (version 9), a tenth too
        // small one too large. Blur, bloom and streaks widen finders more often than they narrow.
        for misleading in [0.9, 1.0, 1.25] {
            let modules = CodeResample.modules(frame, finders: finders, moduleSize: Self.scale * misleading)
            #expect(modules.first?.size == code.size, "finders' size times \(misleading)")
            #expect(modules.first.map { zxing.scan($0.drawn()) } == [Array(Self.ticket.utf8)], "finders' size times \(misleading)")
        }
    }
}
