import GateScenes
@testable import Kiosk
import Testing

/// What the screen says while a code is in view but unread: the advice from what the camera
/// saw, held steadily enough not to flicker.
@Suite("Hints for a code the camera sees but cannot read")
struct ReadingHintTests {
    static let ticket = try! SceneTickets(count: 1).tokens[0]

    /// The crop of `shot`'s code, as the reader would pass it, and its module size.
    static func sighted(_ shot: CameraShot) throws -> (module: Double, crop: GreyFrame) {
        let frame = try shot.frame()
        let sighting = try #require(FinderPatternSearch.sight(in: frame), "the code is sighted")
        return (sighting.moduleSize, frame.cropped(to: sighting.region))
    }

    @Test("a dim screen asks for brightness, a small code to come closer, a clear one to hold still")
    func advice() throws {
        var dim = CameraShot(text: Self.ticket)
        dim.carrier = .phone(darkMode: false)
        dim.screenBrightness = 0.18
        let (dimModule, dimCrop) = try Self.sighted(dim)
        #expect(ReadingHint.advice(moduleSize: dimModule, crop: dimCrop) == .brighter)

        let (module, crop) = try Self.sighted(CameraShot(text: Self.ticket))
        #expect(ReadingHint.advice(moduleSize: module, crop: crop) == .holdStill)
        #expect(ReadingHint.advice(moduleSize: 2, crop: crop) == .closer)
    }

    @Test("a hint shows after five unread frames with two sightings of their own, stays through a missed frame, and goes on a read or ten empty frames")
    func steadiness() {
        let sighting = CodeSighting(region: PixelRegion(x: 0, y: 0, width: 10, height: 10), moduleSize: 4, inverted: false)
        var keeper = HintKeeper()
        for _ in 0..<4 { #expect(keeper.observe(.unread(sighting, .holdStill)).hint == nil, "a code passing by") }
        #expect(keeper.observe(.unread(sighting, .holdStill)) == (.holdStill, true))
        #expect(keeper.observe(.nothing) == (.holdStill, false), "one frame without a sighting changes nothing")
        #expect(keeper.observe(.unread(sighting, .closer)) == (.closer, true), "a shown hint follows the latest advice")
        #expect(keeper.observe(.read) == (nil, true))
        for _ in 0..<5 { _ = keeper.observe(.unread(sighting, .brighter)) }
        for _ in 0..<9 { #expect(keeper.observe(.nothing).hint == .brighter) }
        #expect(keeper.observe(.nothing) == (nil, true))

        // A look-alike sighted in one noisy frame and only remembered after it is no code.
        var fooled = HintKeeper()
        _ = fooled.observe(.unread(sighting, .holdStill))
        for _ in 0..<14 { #expect(fooled.observe(.recalled(sighting, .holdStill)).hint == nil, "one sighting, then memory") }
        // Nor one sighted every fourth frame: a still look-alike in a noisy scene.
        var sometimes = HintKeeper()
        for frame in 0..<20 { _ = sometimes.observe(frame % 4 == 0 ? .unread(sighting, .holdStill) : .recalled(sighting, .holdStill)) }
        #expect(sometimes.shown == nil)
        // A blurred code, seen in every other frame between remembered ones, is one.
        var blurred = HintKeeper()
        for frame in 0..<6 { _ = blurred.observe(frame % 2 == 0 ? .unread(sighting, .holdStill) : .recalled(sighting, .holdStill)) }
        #expect(blurred.shown == .holdStill)
    }

    @Test(
        "three look-alikes in an empty scene's clutter, still in every frame: the redraw lays no code's grid on them, so the frame ends there, with no hint, and they are not remembered",
        arguments: [(GateCondition.shadow, 8, 1280, 720), (.rotated30, 12, 1280, 720), (.clean, 9, 640, 480)])
    func lookAlikes(condition: GateCondition, index: Int, width: Int, height: Int) throws {
        // Empty gate scenes whose clutter the search takes for a code. Measured 2026-12-04: their
        // redrawn grids fit -12, 7 and -17 grey levels; of the codes read where the redraw ran, the
        // least fit 60.
        var shot = condition.shot(text: Self.ticket, index: index).at(width: width, height: height)
        shot.text = nil
        let frame = try shot.frame()
        let levels = [frame, frame.halved(), frame.halved().halved()]
        #expect(levels.contains { FinderPatternSearch.sight(in: $0) != nil }, "the search is fooled")
        let reader = try CodeReader(budget: .seconds(1))
        var hints = HintKeeper()
        for _ in 0..<10 {
            #expect(reader.read(frame).isEmpty)
            #expect(reader.lastLook == .nothing)
            _ = hints.observe(reader.lastLook)
            #expect(!reader.remembersSighting, "a frame whose search misses them does not look at them again")
        }
        #expect(hints.shown == nil)
    }

    @Test("the screen shows the hint in place of READY, and a verdict over it")
    func screen() {
        var state = ScreenState(gate: "North-1", eventID: 2026, direction: .entry)
        state.hint = .brighter
        let hinted = KioskScreen.render(state, columns: 100, rows: 30, now: 1_000)
        #expect(hinted.contains(ReadingHint.brighter.words.line))
        #expect(!hinted.contains("hold your ticket's QR code up to the camera"))
        state.hint = nil
        #expect(KioskScreen.render(state, columns: 100, rows: 30, now: 1_000).contains("hold your ticket's QR code up to the camera"))
    }
}
