import GateScenes
import Kiosk
import Testing

/// A ticket brought into view as people present one (`TicketPresentation`): from one side, blurred
/// and sheared by a rolling shutter while it moves, into a camera whose exposure lags, then
/// slowing and stopping. Counted in frames from the first with the whole code in view until the
/// read, every frame read (the same count on every machine); `kiosk-bench moving` measures the
/// milliseconds at the camera's pace. The floors are these scenes' counts less one for leeway.
@Suite("A moving ticket, from coming into view to its read")
struct MovingTicketTests {
    /// Fewer at 1280x720: each frame costs the debug build three times as much to draw, and the
    /// suite runs beside the timing-sensitive server tests.
    static let sequences = [480: 6, 720: 4]
    static let tickets = try! SceneTickets(count: 6).tokens
    /// Half a second and a second, at 30 fps.
    static let (halfSecond, oneSecond) = (15, 30)

    /// Of `sequences` presentations, how many are read within half a second, and within a second.
    static let floors: [Int: (half: Int, one: Int)] = [480: (6, 6), 720: (4, 4)]

    @Test("presentations are read within half a second of the whole code being in view", arguments: zip([640, 1280], [480, 720]))
    func presentations(width: Int, height: Int) throws {
        let reader = try ScanningConditionTests.reader()
        var (half, one, misread) = (0, 0, 0)
        var slow: [String] = []
        let sequences = try #require(Self.sequences[height])
        for index in 0..<sequences {
            let presentation = TicketPresentation.sequence(text: Self.tickets[index], index: index, width: width, height: height)
            let outcome = try PresentationTrial.run(presentation, pace: .everyFrame, reader: reader)
            misread += outcome.misread
            guard let frames = outcome.framesToRead else {
                slow.append("\(index): not read (whole from frame \(outcome.firstWhole.map(String.init) ?? "never"))")
                continue
            }
            if frames <= Self.halfSecond { half += 1 } else { slow.append("\(index): \(frames) frames") }
            if frames <= Self.oneSecond { one += 1 }
        }
        let floor = try #require(Self.floors[height])
        #expect(half >= floor.half - 1, "\(width)x\(height): \(half) of \(sequences) within half a second; \(slow)")
        #expect(one >= floor.one - 1, "\(width)x\(height): \(one) of \(sequences) within a second; \(slow)")
        #expect(misread == 0)
    }

    @Test("the same presentations with no ticket read nothing, and no hint is shown on the empty gate")
    func emptyGate() throws {
        let reader = try ScanningConditionTests.reader()
        // At 1280x720, look-alikes in the clutter: 11 sighted in one noisy frame, 35 in one frame
        // of four, in the same place.
        for (index, width, height) in [(0, 640, 480), (1, 640, 480), (11, 1280, 720), (35, 1280, 720)] {
            var presentation = TicketPresentation.sequence(text: nil, index: index, width: width, height: height)
            // Long enough for the old rules to have shown a hint: by frame 24 in both.
            presentation.frameCount = width == 640 ? 20 : 25
            let outcome = try PresentationTrial.run(presentation, pace: .everyFrame, reader: reader)
            #expect(outcome.misread == 0 && outcome.hints.isEmpty, "sequence \(index): \(outcome.misread) reads, hints \(outcome.hints)")
        }
    }
}
