import Kiosk

/// Frames from memory, played as a recording is: at `framesPerSecond` on the recording's own
/// timeline, every frame read (none dropped), and the end of the frames the end of the run.
/// What a test hands an in-process kiosk instead of a Y4M file.
public final class MemoryFrames: FrameSource {
    private var frames: ArraySlice<GreyFrame>
    public let frameInterval: Double?
    public var isLive: Bool { false }

    public init(_ frames: [GreyFrame], framesPerSecond: Int = 10) {
        self.frames = frames[...]
        frameInterval = 1 / Double(framesPerSecond)
    }

    public func next() -> FrameEvent {
        guard let frame = frames.popFirst() else { return .ended(error: nil) }
        return .frame(frame)
    }
}
