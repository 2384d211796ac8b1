import GateScenes
@testable import Kiosk
import QRCodes
import Testing

/// The code redrawn upright from its finders and alignment patterns (`CodeResample`): what it
/// must read, and what the decoders alone do not.
@Suite("A sighted code redrawn upright")
struct CodeResampleTests {
    static let tickets = try! SceneTickets(count: 20).tokens

    /// How many of the condition's first `shots` the redraw alone reads (the right ticket), how
    /// many zbar and zxing read on the sighting's crop as it is, and how many only the redraw reads.
    static func reads(_ condition: GateCondition, shots: Int) throws -> (redrawn: Int, crop: Int, onlyRedrawn: Int) {
        let zxing = ZXingScanner()
        let zbar = try QRScanner(density: 1)
        var (redrawn, crop, onlyRedrawn) = (0, 0, 0)
        for index in 0..<shots {
            let frame = try condition.shot(text: tickets[index], index: index).frame()
            guard let sighting = FinderPatternSearch.sight(in: frame), let finders = sighting.finders else { continue }
            let expected = Array(tickets[index].utf8)
            let upright = CodeResample.upright(frame, finders: finders, moduleSize: sighting.moduleSize)
            let readRedrawn = upright.contains { zxing.scan($0) == [expected] || (try? zbar.scan($0)) == [expected] }
            let part = frame.cropped(to: sighting.region)
            let readCrop = zxing.scan(part) == [expected] || (try? zbar.scan(part)) == [expected]
            redrawn += readRedrawn ? 1 : 0
            crop += readCrop ? 1 : 0
            onlyRedrawn += readRedrawn && !readCrop ? 1 : 0
        }
        return (redrawn, crop, onlyRedrawn)
    }

    @Test("a clean code, slanted up to 15°, is redrawn readable every time")
    func clean() throws {
        #expect(try Self.reads(.clean, shots: 6).redrawn == 6)
    }

    @Test("crumpled paper: the redraw reads shots that the decoders miss on the crop itself")
    func crumpled() throws {
        let (redrawn, crop, onlyRedrawn) = try Self.reads(.crumpled, shots: 20)
        // Measured 2026-12-04: the redraw 17 of 20, the crop 11, 7 of the redraw's not on the crop
        // (12, 11 and 3 before each module's grey was sharpened against its neighbours).
        #expect(onlyRedrawn >= 5, "redrawn \(redrawn), crop \(crop), only redrawn \(onlyRedrawn)")
        #expect(redrawn >= 15, "redrawn \(redrawn), crop \(crop), only redrawn \(onlyRedrawn)")
    }

    @Test("blurred modules: defocus and 2-pixel modules, their ink spilt into their neighbours, are redrawn readable")
    func blurred() throws {
        // Measured 2026-12-04: defocus 19 of 20 (18 before the sharpening), 2-pixel modules 11 (9).
        let defocus = try Self.reads(.defocus, shots: 20), small = try Self.reads(.twoPixelModules, shots: 20)
        #expect(defocus.redrawn >= 17, "defocus: \(defocus)")
        #expect(small.redrawn >= 9, "2-pixel modules: \(small)")
    }

    @Test("a dark-mode phone whose corner finder bloomed away is sighted by its own three finders, not by its data")
    func bloomedCornerFinder() throws {
        // "A bit of everything" at 1280x720, shot 14: a dark-mode phone, searched in the halved
        // frame. Against the plain threshold its corner finder is not seen, and three patterns
        // of its light data (19 modules apart, score 4) passed for the code.
        let shot = GateCondition.everything.shot(text: Self.tickets[14], index: 14).at(width: 1280, height: 720)
        let halved = try shot.frame().halved()
        let sighting = try #require(FinderPatternSearch.sight(in: halved))
        let finders = try #require(sighting.finders)
        let across = ((finders.topRight - finders.topLeft) * (finders.topRight - finders.topLeft)).sum().squareRoot()
        let code = try QRCode(encoding: Self.tickets[14])
        // The finders' centres are the code's width less 7 modules apart.
        #expect(sighting.inverted)
        #expect(abs(across / sighting.moduleSize - Double(code.size - 7)) < 6, "\(across / sighting.moduleSize) modules apart")
    }

    @Test("alignment pattern rows and columns are the standard's")
    func alignmentPositions() {
        #expect(CodeGridPositions.of(version: 1) == [])
        #expect(CodeGridPositions.of(version: 2) == [6, 18])
        #expect(CodeGridPositions.of(version: 7) == [6, 22, 38])
        #expect(CodeGridPositions.of(version: 10) == [6, 28, 50])
        #expect(CodeGridPositions.of(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(CodeGridPositions.of(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }
}
