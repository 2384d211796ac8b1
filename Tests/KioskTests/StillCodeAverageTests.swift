import GateScenes
@testable import Kiosk
import Testing

/// A still code's modules averaged over frames (`StillCodeAverage`): noise averages out, a
/// blurrier frame is left out, a much sharper one or another code starts afresh.
@Suite("A still code's modules, averaged over frames")
struct StillCodeAverageTests {
    static let size = 25

    /// A code's modules: dark (40) or light (200) by `seed`'s bits.
    static func code(seed: UInt64) -> [Bool] {
        var random = SeededRandom(seed: seed)
        return (0..<size * size).map { _ in random.next() % 2 == 0 }
    }

    /// One frame's greys of `code`, with noise of `sigma` and the modules' contrast times `contrast`.
    static func frame(_ code: [Bool], noise sigma: Double, contrast: Double = 1, random: inout SeededRandom) -> ModuleGreys {
        ModuleGreys(size: size, values: code.map { dark in
            UInt8(min(255, max(0, 120 + (dark ? -80 : 80) * contrast + random.gaussian() * sigma)))
        })
    }

    /// Modules on the wrong side of the middle grey.
    static func errors(_ greys: ModuleGreys, _ code: [Bool]) -> Int {
        zip(greys.values, code).filter { value, dark in (value < 120) != dark }.count
    }

    @Test("noise that puts one module in ten on the wrong side averages out over eight frames")
    func noiseAveragesOut() throws {
        let code = Self.code(seed: 1)
        var random = SeededRandom(seed: 2)
        var average = StillCodeAverage()
        let first = Self.frame(code, noise: 60, random: &random)
        #expect(average.add([first]).isEmpty, "one frame is no average")
        var last: ModuleGreys?
        for _ in 1..<8 { last = average.add([Self.frame(code, noise: 60, random: &random)]).first }
        let averaged = try #require(last)
        // One frame: about 9 % of 625 wrong (80 grey levels is 1.33 σ); eight: σ / 2.8, about 0.01 %.
        #expect(Self.errors(first, code) > 30)
        #expect(Self.errors(averaged, code) <= 2, "\(Self.errors(averaged, code)) wrong of \(code.count) after eight frames")
    }

    @Test("another code in view starts the average afresh: nothing of the first is in it")
    func anotherCode() throws {
        let (a, b) = (Self.code(seed: 1), Self.code(seed: 3))
        var random = SeededRandom(seed: 4)
        var average = StillCodeAverage()
        for _ in 0..<3 { _ = average.add([Self.frame(a, noise: 0, random: &random)]) }
        #expect(average.add([Self.frame(b, noise: 0, random: &random)]).isEmpty, "the first frame of another code starts afresh")
        let averaged = try #require(average.add([Self.frame(b, noise: 0, random: &random)]).first)
        #expect(averaged == Self.frame(b, noise: 0, random: &random))
    }

    @Test("a blurrier frame is left out; a much sharper one starts afresh")
    func sharperPreferred() throws {
        let code = Self.code(seed: 5)
        var random = SeededRandom(seed: 6)
        let (sharp, blurred) = (Self.frame(code, noise: 0, random: &random), Self.frame(code, noise: 0, contrast: 0.4, random: &random))
        var average = StillCodeAverage()
        _ = average.add([sharp])
        #expect(average.add([sharp]) == [sharp])
        #expect(average.add([blurred]).isEmpty, "a frame of 40 % the contrast is left out")
        #expect(average.add([sharp]) == [sharp], "and is not in the average")

        var fromBlurred = StillCodeAverage()
        _ = fromBlurred.add([blurred])
        #expect(fromBlurred.add([blurred]) == [blurred])
        #expect(fromBlurred.add([sharp]).isEmpty, "a frame 2.5 times as sharp starts afresh")
        #expect(fromBlurred.add([sharp]) == [sharp])
    }

    @Test("each likely size is averaged on its own; an average not added to for half a second is dropped")
    func sizesAndMemory() throws {
        let code = Self.code(seed: 7)
        var random = SeededRandom(seed: 8)
        let grid = Self.frame(code, noise: 0, random: &random)
        let other = ModuleGreys(size: 21, values: Array(grid.values.prefix(21 * 21)))
        var average = StillCodeAverage()
        _ = average.add([grid, other])
        #expect(average.add([grid, other]) == [grid, other])
        for _ in 0..<StillCodeAverage.memory { _ = average.add([grid]) }
        #expect(average.add([other]).isEmpty, "the size not seen for \(StillCodeAverage.memory) frames starts afresh")
    }

    @Test("one size sampled twice in a frame (at the modules' edges, and as laid) counts once, the first")
    func oneGridASizeAFrame() throws {
        let code = Self.code(seed: 9)
        var random = SeededRandom(seed: 10)
        let (first, second) = (Self.frame(code, noise: 0, random: &random), Self.frame(code, noise: 0, contrast: 0.9, random: &random))
        var average = StillCodeAverage()
        #expect(average.add([first, second]).isEmpty, "one frame is no average, though it holds two grids of the size")
        #expect(average.add([first, second]) == [first], "two frames of the first grid; the second left out")
    }
}

/// The average in the reader, on a ticket held still: a dim phone screen under three times the
/// scenes' sensor noise (`kiosk-bench still 6 640x480 3`), which no frame of the fifteen reads alone.
@Suite("A dim, noisy ticket held still, read from its frames together")
struct HeldTicketTests {
    @Test("a ticket no single frame reads is read from its modules averaged over the frames it is still in")
    func averagedFramesRead() throws {
        let tickets = try SceneTickets(count: 4).tokens
        var presentation = TicketPresentation.held(.dimScreen, text: tickets[3], index: 3)
        presentation.rest.noise *= 3
        let frames = try presentation.frames().map(\.frame)
        let expected = Array(tickets[3].utf8)
        func firstRead(by reader: CodeReader) -> Int? {
            frames.firstIndex { reader.read($0).contains(expected) }
        }
        let alone = try firstRead(by: CodeReader(budget: .seconds(10), averagingStillFrames: false))
        let averaged = try firstRead(by: CodeReader(budget: .seconds(10)))
        #expect(alone == nil, "each frame alone read it at frame \(alone ?? -1): the scene no longer shows what the average adds")
        #expect(averaged != nil, "not read in \(frames.count) frames")
    }
}
