import Foundation
import Kiosk

/// A person holding a ticket up to the gate's camera, recorded frame by frame as a webcam
/// records it: the ticket comes into view from one side, fast and blurred along its path, slows
/// down, stops where `rest` is, and then trembles a little in the hand.
///
/// The camera is a real webcam's: `fps` frames a second, each exposed for `exposure` seconds (the
/// blur is the distance moved meanwhile), read out row by row over `readout` seconds (a rolling
/// shutter: a moving code is sheared, its lower rows seen later), and an auto-exposure that
/// follows the scene with a lag (a bright screen coming into view is over-exposed for a few
/// frames). Deterministic for a given `rest.seed`.
public struct TicketPresentation: Sendable {
    /// Where and how the ticket comes to rest: its carrier, size, tilt and the scene's faults.
    public var rest: CameraShot
    public var fps = 30.0
    public var exposure = 1.0 / 60
    public var readout = 1.0 / 40
    /// Seconds from the first frame until the ticket stops.
    public var arrival = 0.5
    /// The direction it moves in, in degrees (0: from the left towards the right, 90: upwards from below).
    public var directionDegrees = 0.0
    /// How far from its resting place it starts, in frame heights.
    public var travel = 0.9
    /// The auto-exposure goes this fraction of the way to its metered gain each frame (1: no lag).
    public var exposureFollow = 0.25
    /// The hand's tremble once the ticket has stopped, in pixels.
    public var tremble = 0.7
    /// Frames in all.
    public var frameCount = 45

    public init(rest: CameraShot) {
        self.rest = rest
    }

    /// Sequence number `index` of a family: a ticket of the everyday conditions (as
    /// `GateCondition`'s baseline: paper or a phone, a little tilt, defocus and noise) brought in
    /// from a random side, at a random pace, by a webcam of random exposure and lag.
    public static func sequence(text: String?, index: Int, width: Int = 640, height: Int = 480) -> TicketPresentation {
        var random = SeededRandom(seed: UInt64(index) &* 6_151 &+ 97)
        func within(_ range: ClosedRange<Double>) -> Double { range.lowerBound + random.unit() * (range.upperBound - range.lowerBound) }
        var rest = GateCondition.clean.shot(text: text, index: index)
        rest.carrier = [CameraShot.Carrier.paper, .phone(darkMode: false), .phone(darkMode: true)][random.int(3)]
        rest.modulePixels = within(3...6)
        rest.rollDegrees = within(-20...20)
        rest.tiltXDegrees = within(-12...12)
        rest.tiltYDegrees = within(-12...12)
        rest.defocus = within(0.6...1.0)
        rest.noise = within(2...6)
        rest.clutter = within(0.2...0.7)
        rest = rest.keptInView().at(width: width, height: height)
        var presentation = TicketPresentation(rest: rest)
        presentation.exposure = 1 / within(30...120)
        presentation.readout = 1 / within(30...60)
        presentation.arrival = within(0.3...0.8)
        presentation.directionDegrees = [0, 180, 90, 60, 120][random.int(5)] + within(-15...15)
        presentation.travel = within(0.6...1.1)
        presentation.exposureFollow = within(0.15...0.4)
        presentation.tremble = within(0.3...1.2)
        return presentation
    }

    /// A ticket already in view and held there, trembling in the hand, for `frameCount` frames:
    /// shot `index` of `condition` (as `ReadingTrial` shows it, one frame each), for what
    /// consecutive frames of a still code add to a single one. `tremble` as a hand at rest.
    public static func held(_ condition: GateCondition, text: String?, index: Int, width: Int = 640, height: Int = 480) -> TicketPresentation {
        var presentation = TicketPresentation(rest: condition.shot(text: text, index: index).at(width: width, height: height))
        presentation.travel = 0
        presentation.arrival = 1e-3
        presentation.tremble = 0.3 + Double(index % 4) * 0.3
        presentation.frameCount = 15
        return presentation
    }

    /// One frame of the sequence, drawn.
    public struct Frame: Sendable {
        public let frame: GreyFrame
        /// Seconds since the sequence began, at the middle of the frame's exposure.
        public let time: Double
        /// Whether the whole code, quiet zone and all, is in the frame.
        public let codeWholeInView: Bool
        /// The pixels the code moved during the exposure.
        public let motionPixels: Double
    }

    /// The camera recording it, frame by frame: each is drawn when asked for.
    public func recording() throws -> Recording {
        try Recording(self)
    }

    /// Every frame, drawn.
    public func frames() throws -> [Frame] {
        var recording = try recording()
        var frames: [Frame] = []
        while let frame = try recording.next() { frames.append(frame) }
        return frames
    }

    /// The frames in order, drawn one at a time (a test that reads the ticket early draws no more).
    public struct Recording {
        public let presentation: TicketPresentation
        private var index = 0
        /// The auto-exposure's gain now: it starts settled on the scene without the ticket.
        private var gain: Double
        private var jitter: SeededRandom

        init(_ presentation: TicketPresentation) throws {
            self.presentation = presentation
            var settling = presentation.rest
            settling.text = nil
            gain = try settling.exposedFrame().meteredGain
            jitter = SeededRandom(seed: presentation.rest.seed &+ 0x7E3B)
        }

        public mutating func next() throws -> Frame? {
            let p = presentation, rest = p.rest
            guard index < p.frameCount else { return nil }
            defer { index += 1 }
            let time = Double(index) / p.fps
            let height = Double(rest.height)
            let (dx, dy) = (cos(p.directionDegrees * .pi / 180), -sin(p.directionDegrees * .pi / 180))
            // Eased out: fast at first, slowing to a stop at `arrival`.
            let left = max(0, 1 - time / p.arrival)
            let behind = p.travel * height * left * left * left
            let speed = 3 * p.travel * height * left * left / p.arrival
            var shot = rest
            shot.noiseSeed = rest.seed &+ UInt64(index) &* 0x9E37
            let shake = left == 0 ? (jitter.gaussian() * p.tremble, jitter.gaussian() * p.tremble) : (0, 0)
            shot.centreX = rest.centreX + (-dx * behind + shake.0) / Double(rest.width)
            shot.centreY = rest.centreY + (-dy * behind + shake.1) / height
            let moved = speed * p.exposure
            shot.motionPixels = moved + (left == 0 ? p.tremble * 0.5 : 0)
            shot.motionDegrees = atan2(dy, dx) * 180 / .pi
            shot.shutterShear = (dx * speed * p.readout, dy * speed * p.readout)
            shot.gain = gain
            let (frame, metered) = try shot.exposedFrame()
            gain += (metered - gain) * p.exposureFollow
            return Frame(frame: frame, time: time, codeWholeInView: rest.text != nil && shot.codeWholeInView, motionPixels: moved)
        }
    }
}
