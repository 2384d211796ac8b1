import Foundation
import Kiosk

/// Frames a test hands over as a camera would: live (a slow reader drops frames, each is
/// stamped with the kiosk's clock on arrival), for as long as the test keeps the camera on.
/// What an in-process kiosk reads where `gate-kiosk run --source - --realtime` reads a pipe.
public final class LiveFrames: FrameSource, @unchecked Sendable {
    // @unchecked: `waiting` and `ended` are only touched under `condition`.
    private let condition = NSCondition()
    private var waiting: [GreyFrame] = []
    private var ended = false
    public var isLive: Bool { true }
    public var frameInterval: Double? { nil }

    public init() {}

    /// Shows `frame` to the camera `times` times in a row.
    public func show(_ frame: GreyFrame, times: Int = 1) {
        condition.withLock {
            waiting.append(contentsOf: repeatElement(frame, count: times))
            condition.broadcast()
        }
    }

    /// The camera is switched off: the kiosk judges what it holds and ends its run.
    public func end() {
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    /// Waits up to a tenth of a second for a frame, as a camera's read does, so the capture
    /// thread still sees a stop between frames.
    public func next() -> FrameEvent {
        condition.withLock {
            let deadline = Date().addingTimeInterval(0.1)
            while waiting.isEmpty, !ended, condition.wait(until: deadline) {}
            if !waiting.isEmpty { return .frame(waiting.removeFirst()) }
            return ended ? .ended(error: nil) : .idle
        }
    }
}
