import GateScenes
@testable import Kiosk
import Testing

/// Where the finder search's first levels fail a code, a second look.
/// - A level that pairs a pattern of the code's own data with two of its finders, having missed
///   the third (halved, a bloomed or blurred finder's rings merge): the redraw finds no code's
///   grid there, or fits one doubtfully, and the next level, where the third finder is whole,
///   is searched before the frame is given up.
/// - A 1280x720 frame, searched only halved and quartered, whose code's finders show only at full
///   resolution (modules of 3 pixels, or a backlit code's rings): a square of it is searched at
///   full resolution, where the halved frame shows most detail.
@Suite("A second look where the search's first levels fail")
struct SecondSightingTests {
    @Test(
        "a code whose first search level pairs the wrong three finders is read through the next level's",
        arguments: [(GateCondition.everything, 8, 1280, 720), (.defocus, 17, 1280, 720), (.everything, 2, 1280, 720), (.darkMode, 6, 640, 480)])
    func readThroughTheNextLevel(condition: GateCondition, index: Int, width: Int, height: Int) throws {
        // As `kiosk-bench reading 20` shows them: the first two were dismissed as look-alikes
        // before, the last two fit doubtfully (131 and 72) and were not read.
        let ticket = try SceneTickets(count: 20).tokens[index]
        let frame = try condition.shot(text: ticket, index: index).at(width: width, height: height).frame()
        // A 1280x720 frame is searched halved, then quartered; a 640x480 one whole, then halved.
        let (first, next) = width > 800 ? (frame.halved(), frame.halved().halved()) : (frame, frame.halved())
        let factor = width / first.width
        let firstSighting = try #require(FinderPatternSearch.sight(in: first)?.scaled(by: factor, inFrameOf: width, height: height))
        let nextSighting = try #require(FinderPatternSearch.sight(in: next)?.scaled(by: 2 * factor, inFrameOf: width, height: height))
        #expect(nextSighting.finders?.near(firstSighting.finders, within: 2 * nextSighting.moduleSize) == false, "the two levels sighted the same finders")
        let reader = try CodeReader(budget: .seconds(10))
        #expect(reader.read(frame) == [Array(ticket.utf8)])
    }

    @Test(
        "a 1280x720 code sighted only at full resolution is sighted in the square where the halved frame shows most detail, and read",
        arguments: [(GateCondition.twoPixelModules, 1), (.twoPixelModules, 13), (.backlit, 19)])
    func sightedAtFullResolution(condition: GateCondition, index: Int) throws {
        // As `kiosk-bench reading 20 1280x720` shows them: neither level sights them.
        let ticket = try SceneTickets(count: 20).tokens[index]
        let frame = try condition.shot(text: ticket, index: index).at(width: 1280, height: 720).frame()
        #expect(FinderPatternSearch.sight(in: frame.halved()) == nil && FinderPatternSearch.sight(in: frame.halved().halved()) == nil)
        #expect(try CodeReader(budget: .seconds(10)).read(frame) == [Array(ticket.utf8)])
    }

    @Test("the same three finders are near each other in any order, and others are not")
    func sameFinders() {
        let finders = FinderCentres(corner: SIMD2(100, 100), SIMD2(200, 100), SIMD2(100, 200))
        let shuffled = FinderCentres(corner: SIMD2(101, 99), SIMD2(99, 202), SIMD2(198, 101))
        #expect(finders.near(shuffled, within: 4))
        let moved = FinderCentres(corner: SIMD2(100, 100), SIMD2(200, 100), SIMD2(130, 160))
        #expect(!finders.near(moved, within: 4))
        #expect(!finders.near(nil, within: 4))
    }
}
