import Foundation

/// A Y4M recording as a frame source. By default frames are read as fast as they can be
/// decoded, none dropped; `realtime` plays them at the recording's frame rate, as a camera
/// would deliver them, so that a slow decoder drops frames as it would at the gate.
public final class RecordedSource: FrameSource {
    private let reader: Y4MReader
    private let realtime: Bool
    private var nextDue: ContinuousClock.Instant?

    public init(reader: Y4MReader, realtime: Bool) {
        self.reader = reader
        self.realtime = realtime
    }

    public var isLive: Bool { realtime }
    public var frameInterval: Double? { 1 / reader.framesPerSecond }

    public func next() -> FrameEvent {
        let frame: GreyFrame?
        do {
            frame = try reader.nextFrame()
        } catch {
            return .ended(error: error.description)
        }
        guard let frame else { return .ended(error: nil) }
        if realtime {
            let clock = ContinuousClock()
            let due = nextDue ?? clock.now
            if due > clock.now { Thread.sleep(forTimeInterval: Self.seconds(due - clock.now)) }
            nextDue = due.advanced(by: .nanoseconds(Int64(1e9 / reader.framesPerSecond)))
        }
        return .frame(frame)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
