import Foundation
import Kiosk

/// A reader shown a `TicketPresentation`'s frames as the kiosk gets them, and how long the
/// person waited: from the first frame with the whole code in view until the read.
///
/// `.everyFrame` reads every frame in turn, whatever it costs: the count of frames is then the
/// same on every machine and in debug builds (the tests). `.live` is the camera's pace: a frame
/// arrives every 1/fps seconds while the reader works on the one before, and the reader then
/// takes only the newest (the kiosk's mailbox drops the rest), with its real cost per frame (the
/// benchmark, release builds).
public enum PresentationTrial {
    public enum Pace: Sendable {
        case everyFrame
        case live
    }

    public struct Outcome: Sendable {
        /// The first frame with the whole code in view, if any was.
        public var firstWhole: Int?
        /// The frame the ticket was read from.
        public var readAt: Int?
        /// Seconds from the first whole frame's arrival until its read finished (negative: read
        /// before the whole code was in view).
        public var secondsToRead: Double?
        /// Payloads that were not the ticket.
        public var misread = 0
        /// Frames the screen showed a hint after, and the hint.
        public var hints: [(frame: Int, hint: ReadingHint)] = []
        /// Frames read (the others were dropped while the reader worked).
        public var framesRead = 0
        /// Milliseconds per frame read.
        public var costs: [Double] = []

        /// Frames from the first whole one to the read (0 when read at once or before).
        public var framesToRead: Int? {
            guard let readAt else { return nil }
            return max(0, readAt - (firstWhole ?? readAt))
        }
    }

    public static func run(_ presentation: TicketPresentation, pace: Pace, reader: CodeReader) throws -> Outcome {
        let text = presentation.rest.text.map { Array($0.utf8) }
        var recording = try presentation.recording()
        var outcome = Outcome()
        let clock = ContinuousClock()
        let period = 1 / presentation.fps
        var hints = HintKeeper()
        reader.forget()
        var now = 0.0  // seconds on the camera's clock
        var index = -1
        /// The next frame drawn, noting the first with the whole code in view.
        func draw() throws -> TicketPresentation.Frame? {
            guard let frame = try recording.next() else { return nil }
            index += 1
            if outcome.firstWhole == nil, frame.codeWholeInView { outcome.firstWhole = index }
            return frame
        }
        while var frame = try draw() {
            if pace == .live {
                // Frames that came while the reader worked are dropped: it reads the newest.
                while Double(index + 1) * period <= now, let newer = try draw() { frame = newer }
                now = max(now, Double(index) * period)
            }
            let started = clock.now
            let payloads = reader.read(frame.frame)
            let cost = ReadingTrial.milliseconds(clock.now - started)
            outcome.costs.append(cost)
            outcome.framesRead += 1
            now += pace == .live ? cost / 1_000 : period
            outcome.misread += payloads.filter { $0 != text }.count
            if let text, payloads.contains(text) {
                outcome.readAt = index
                let whole = Double(outcome.firstWhole ?? index) * period
                outcome.secondsToRead = pace == .live ? now - whole : Double(index) * period - whole
                return outcome
            }
            let screen = hints.observe(reader.lastLook)
            if screen.changed, let hint = screen.hint { outcome.hints.append((index, hint)) }
        }
        return outcome
    }
}
