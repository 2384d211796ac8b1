import Foundation

/// A V4L2 camera as a frame source that outlives the camera: when it is unplugged mid-run the
/// source reports it lost and tries to reopen it once a second, so the gate recovers by itself
/// when someone plugs it back in.
public final class CameraSource: FrameSource {
    public let path: String
    public let width: Int
    public let height: Int
    private var camera: V4L2Camera?
    private var lastReason = ""
    private static let frameTimeoutMilliseconds: Int32 = 1_000
    private static let reopenDelay = 1.0

    /// Opens the camera at once, so that a wrong path or size fails the start with its error.
    public init(path: String, width: Int, height: Int) throws(V4L2Error) {
        self.path = path
        self.width = width
        self.height = height
        camera = try V4L2Camera(path: path, width: width, height: height)
    }

    public var isLive: Bool { true }
    public var frameInterval: Double? { nil }

    public func next() -> FrameEvent {
        guard let camera else { return reopen() }
        do {
            let frame = try camera.withNextFrame(timeoutMilliseconds: Self.frameTimeoutMilliseconds) { pixels in
                // A short frame (a driver that filled less than a whole buffer) stays black at the end.
                var frame = GreyFrame(width: width, height: height, fill: 0)
                frame.pixels.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: pixels.prefix($0.count))) }
                return frame
            }
            return frame.map(FrameEvent.frame) ?? .idle
        } catch {
            self.camera = nil
            lastReason = (error as? V4L2Error)?.description ?? "camera lost: \(error)"
            return .lost(lastReason)
        }
    }

    private func reopen() -> FrameEvent {
        Thread.sleep(forTimeInterval: Self.reopenDelay)
        do {
            camera = try V4L2Camera(path: path, width: width, height: height)
            return .idle
        } catch {
            return .lost(lastReason.isEmpty ? error.description : "\(lastReason); reopening: \(error.description)")
        }
    }
}
