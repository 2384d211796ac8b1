import GateScenes
@testable import Kiosk
import Testing

/// A ticket streaked by its own motion (`MotionBlur`, `MotionDeblur`): the streak measured from
/// the frame alone, nothing measured on a sharp frame, and the streak taken back out so that a
/// ticket the decoders could not read is read.
@Suite("A streaked ticket, measured and taken back out")
struct MotionBlurTests {
    static let ticket = try! SceneTickets(count: 1).tokens[0]

    /// A ticket on paper, held still but for a streak of `pixels` along `degrees`.
    static func streaked(pixels: Double, degrees: Double, seed: UInt64 = 7) -> CameraShot {
        var shot = CameraShot(text: ticket, seed: seed)
        shot.carrier = .paper
        shot.modulePixels = 4.5
        shot.rollDegrees = 8
        shot.motionPixels = pixels
        shot.motionDegrees = degrees
        return shot
    }

    @Test("a streak's direction and length are measured where the ticket is", arguments: [(8.0, 30.0), (11.0, 95.0), (6.0, 160.0)])
    func measured(pixels: Double, degrees: Double) throws {
        let frame = try Self.streaked(pixels: pixels, degrees: degrees).frame()
        let place = MotionBlur.busiestPlace(in: frame)
        let blur = try #require(MotionBlur.estimate(in: frame, x: place.x, y: place.y))
        #expect(MotionBlur.degrees(between: blur.degrees, and: degrees) <= 6, "\(blur)")
        // The scenes' streak covers its length and a pixel more (each point is spread between
        // two pixels at either end), and the measure reads about that.
        #expect(abs(blur.length - pixels - 0.7) <= 1.5, "\(blur)")
    }

    @Test("a sharp ticket, and an empty scene's clutter, measure no streak")
    func noStreak() throws {
        let sharp = try Self.streaked(pixels: 0, degrees: 0).frame()
        let place = MotionBlur.busiestPlace(in: sharp)
        #expect(MotionBlur.estimate(in: sharp, x: place.x, y: place.y) == nil)
        var empty = Self.streaked(pixels: 0, degrees: 0)
        empty.text = nil
        let frame = try empty.frame()
        let busiest = MotionBlur.busiestPlace(in: frame)
        #expect(MotionBlur.estimate(in: frame, x: busiest.x, y: busiest.y) == nil)
    }

    /// Streaks of 1.5 to 2 modules (of 4.5 pixels), in three directions.
    @Test("a ticket streaked by two modules is read once the streak is taken out, not before", arguments: [(8.0, 40.0), (7.0, 120.0), (9.0, 0.0)])
    func takenBackOut(pixels: Double, degrees: Double) throws {
        let frame = try Self.streaked(pixels: pixels, degrees: degrees).frame()
        let expected = Array(Self.ticket.utf8)
        #expect(!ZXingScanner().scan(frame).contains(expected), "the streaked frame itself is not read")
        let reader = try CodeReader(budget: .seconds(10))
        #expect(reader.read(frame) == [expected], "the reader takes the streak out by itself")
    }

    @Test("the filter leaves an unstreaked grey as it was, and the part outside the frame is its edge")
    func flatStaysFlat() {
        let frame = GreyFrame(width: 300, height: 240, fill: 150)
        let sharpened = MotionDeblur().deblurred(frame, blur: MotionBlur(length: 10, degrees: 30), x: 150, y: 120, side: 448)
        #expect(sharpened.width == 448 && sharpened.height == 448)
        #expect(sharpened.pixels.allSatisfy { abs(Int($0) - 150) <= 1 }, "\(Set(sharpened.pixels).sorted())")
    }
}

extension MotionBlurTests {
    @Test("a place at the frame's edge is looked at from inside it; a frame too small measures nothing")
    func edges() throws {
        let frame = try Self.streaked(pixels: 10, degrees: 60).frame()
        // Every sample is read inside the frame (the debug build traps on one outside).
        for (x, y) in [(0.0, 0.0), (Double(frame.width), Double(frame.height)), (Double(frame.width), 0), (-50, 900), (1e300, -1e300)] {
            _ = MotionBlur.estimate(in: frame, x: x, y: y)
            _ = MotionDeblur().deblurred(frame, blur: MotionBlur(length: 24, degrees: 45), x: x, y: y, side: 448)
        }
        // The window kept whole inside the frame: a corner is looked at 100 pixels in (its
        // radius, the longest lag and the interpolation's reach).
        #expect(MotionBlur.estimate(in: frame, x: 0, y: 0) == MotionBlur.estimate(in: frame, x: 100, y: 100))
        #expect(MotionBlur.degrees(between: 175, and: 5) == 10 && MotionBlur.degrees(between: 30, and: 120) == 90)
        #expect(MotionBlur.estimate(in: frame, x: .nan, y: 100) == nil)
        let small = GreyFrame(width: 190, height: 190, fill: 90)
        #expect(MotionBlur.estimate(in: small, x: 95, y: 95) == nil)
        #expect(MotionBlur.busiestPlace(in: GreyFrame(width: 10, height: 10)) == (5, 5))
    }

    @Test("a streak in a still, empty scene is looked at once in half a second, not in every frame")
    func fruitlessStreakIsNotRepeated() throws {
        // The streaked scenes' empty frames: bars in the clutter, streaked as the ticket would be.
        let frames = try (0..<10).map { try GateCondition.motionBlur.shot(text: nil, index: $0).frame() }
        let streaked = try #require(frames.first { frame in
            let place = MotionBlur.busiestPlace(in: frame)
            return MotionBlur.estimate(in: frame, x: place.x, y: place.y) != nil && FinderPatternSearch.sight(in: frame) == nil
        })
        let reader = try CodeReader(budget: .seconds(10))
        #expect(reader.read(streaked).isEmpty)
        #expect(reader.streakLooks == 1)
        for _ in 1..<15 { _ = reader.read(streaked) }
        #expect(reader.streakLooks == 1, "the same streak in the same place, within half a second")
        _ = reader.read(streaked)
        #expect(reader.streakLooks == 2, "half a second later it is looked at again")
        reader.forget()
        _ = reader.read(streaked)
        #expect(reader.streakLooks == 3, "and after the scene was forgotten")
    }
}
