import Foundation

/// A V4L2 camera as a frame source that outlives the camera: when it is unplugged mid-run the
/// source reports it lost and tries to reopen it once a second, so the gate recovers by itself
/// when someone plugs it back in.
public final class CameraSource: FrameSource {
    public let path: String
    /// The camera's mode at the start, kept when it is reopened: a camera plugged back in
    /// streams as before.
    public let width: Int
    public let height: Int
    private let controlRequests: [String]
    private var camera: V4L2Camera?
    private var lastReason = ""
    private static let frameTimeoutMilliseconds: Int32 = 1_000
    private static let reopenDelay = 1.0

    /// Opens the camera at once, so that a wrong path, size or control fails the start with its
    /// error. Without `size`, the camera's best mode (`CameraMode.best`).
    public init(path: String, size: (width: Int, height: Int)? = nil, controlRequests: [String] = []) throws(V4L2Error) {
        self.path = path
        let camera = try V4L2Camera(path: path, size: size, controlRequests: controlRequests)
        (width, height) = (camera.width, camera.height)
        self.controlRequests = controlRequests
        self.camera = camera
    }

    /// The mode, rate and controls the camera was opened with, for the log.
    public var summary: String {
        guard let camera else { return "\(path): reopening" }
        let rate = camera.framesPerSecond.map { String(format: "%.0f", $0) } ?? "?"
        var lines = ["\(path): \(camera.mode.width)x\(camera.mode.height) from \(camera.mode.pixelFormat), \(rate) fps"]
        if !camera.settings.isEmpty { lines.append("set " + camera.settings.map(\.description).joined(separator: ", ")) }
        if !camera.refusedSettings.isEmpty { lines.append("refused " + camera.refusedSettings.map(\.description).joined(separator: ", ")) }
        return lines.joined(separator: "; ")
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
            camera = try V4L2Camera(path: path, size: (width, height), controlRequests: controlRequests)
            return .idle
        } catch {
            return .lost(lastReason.isEmpty ? error.description : "\(lastReason); reopening: \(error.description)")
        }
    }
}
