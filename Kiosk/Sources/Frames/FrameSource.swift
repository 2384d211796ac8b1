/// Where frames come from: a camera, or a Y4M recording standing in for one.
///
/// Not thread-safe: the capture thread owns a source.
public protocol FrameSource: AnyObject {
    /// Whether frames arrive in real time whether or not anyone reads them (a camera), so that
    /// a slow reader must drop frames, or wait until read (a file), so that it need not.
    var isLive: Bool { get }
    /// Seconds between frames, when the source knows it.
    var frameInterval: Double? { get }
    /// Waits for the next frame.
    func next() -> FrameEvent
}

/// What the capture thread got from its source.
public enum FrameEvent {
    case frame(GreyFrame)
    /// Nothing arrived in time; the source is still there.
    case idle
    /// The camera is gone (unplugged, failed); the source keeps trying to reopen it.
    case lost(String)
    /// A recording ended, or could not be read further; the run ends after the last verdict.
    case ended(error: String?)
}

/// What the screen says about the camera.
public enum CameraState: Equatable, Sendable {
    case starting
    case streaming
    case lost(String)
    case ended
}
