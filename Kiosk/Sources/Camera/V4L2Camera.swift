import CV4L2
import Foundation
import SystemPackage

/// A USB camera through libv4l2, streaming 8-bit grey frames from mmapped buffers.
///
/// It streams in the best mode the camera has (`CameraMode.best`: 1280x720 or 640x480 at 30
/// fps), in a format whose luma the kiosk takes directly: the camera's own GREY or YUYV, else
/// planar YUV 4:2:0 that libv4l2 decodes from MJPEG (libv4l2 converts to RGB and YUV 4:2:0
/// only, not to grey). It sets the controls a gate wants (`CameraControl.kioskSettings`) and
/// then staff's own. Not thread-safe: the capture thread owns it. `deinit` stops streaming,
/// unmaps the buffers and closes the device.
public final class V4L2Camera {
    public let path: String
    public let width: Int
    public let height: Int
    /// The mode chosen, as the camera offered it.
    public let mode: CameraMode
    /// The frame rate the driver settled on, if it said.
    public let framesPerSecond: Double?
    /// The controls set at opening, and those the camera refused.
    public private(set) var settings: [ControlSetting] = []
    public private(set) var refusedSettings: [ControlSetting] = []
    /// Bytes from one row to the next; drivers may pad rows past `width`.
    public let bytesPerLine: Int
    /// Bytes from one pixel's luma to the next: 2 in YUYV (Y U Y V), else 1.
    private let lumaStep: Int
    /// -1 once closed: `release()` runs from a failed init and again from `deinit` (a fully
    /// initialised object that throws is still deinitialised), and a second close could close a
    /// descriptor another thread has opened since under the same number.
    private var descriptor: Int32
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var streaming = false
    /// Rows copied together when the driver pads them or interleaves chroma, so the decoders
    /// get `width`-byte rows of luma.
    private var compacted: [UInt8] = []

    /// Opens `path`, checks it can capture and stream, picks its mode (of `size`, if given),
    /// sets the format, the rate and the controls (`controlRequests`: NAME=VALUE), maps
    /// `bufferCount` buffers and starts streaming.
    public init(path: String, size: (width: Int, height: Int)? = nil, controlRequests: [String] = [], bufferCount: Int = 4) throws(V4L2Error) {
        self.path = path
        let descriptor = try Self.openCaptureDevice(path)
        self.descriptor = descriptor

        let modes = V4L2Queries.modes(descriptor)
        guard let mode = CameraMode.best(among: modes, size: size) else {
            v4l2_close(descriptor)
            let offered = Set(modes.map { "\($0.width)x\($0.height)" }).sorted().joined(separator: ", ")
            throw .unsupportedSize(
                path: path, requested: size.map { "\($0.width)x\($0.height)" } ?? "any", offered: offered.isEmpty ? "none" : offered)
        }
        let controls = V4L2Queries.controls(descriptor)
        let requested: [ControlSetting]
        do {
            requested = try CameraControl.settings(controlRequests, for: controls)
        } catch {
            v4l2_close(descriptor)
            throw .control(path: path, error)
        }

        // The rate first: libv4l2 weighs it when it picks the camera format to decode from.
        let framesPerSecond = V4L2Queries.setRate(descriptor, Int(max(1, min(30, mode.framesPerSecond.rounded()))))
        let native = ["GREY", "YUYV"].contains(mode.pixelFormat)
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(mode.width)
        format.fmt.pix.height = UInt32(mode.height)
        format.fmt.pix.pixelformat = native ? CameraMode.code(mode.pixelFormat) : cv4l2_pix_fmt_yuv420
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        let wanted = format.fmt.pix.pixelformat
        guard Self.control(descriptor, cv4l2_vidioc_s_fmt, &format) else {
            let code = errno
            v4l2_close(descriptor)
            throw code == EBUSY ? .busy(path: path) : .system(path: path, operation: "VIDIOC_S_FMT", errno: code)
        }
        // Drivers answer with the nearest size they have instead of failing.
        guard format.fmt.pix.pixelformat == wanted, Int(format.fmt.pix.width) == mode.width, Int(format.fmt.pix.height) == mode.height else {
            v4l2_close(descriptor)
            throw .unsupportedSize(
                path: path, requested: "\(mode.width)x\(mode.height) \(CameraMode.fourCharacters(wanted))",
                offered: "\(format.fmt.pix.width)x\(format.fmt.pix.height) \(CameraMode.fourCharacters(format.fmt.pix.pixelformat))")
        }
        self.mode = mode
        self.framesPerSecond = framesPerSecond
        width = mode.width
        height = mode.height
        lumaStep = wanted == CameraMode.code("YUYV") ? 2 : 1
        bytesPerLine = max(width * lumaStep, Int(format.fmt.pix.bytesperline))

        // Staff's settings after the kiosk's, so theirs win.
        for setting in CameraControl.kioskSettings(for: controls) + requested {
            if V4L2Queries.set(descriptor, setting) {
                settings.append(setting)
            } else {
                refusedSettings.append(setting)
            }
        }

        do {
            try mapBuffers(count: bufferCount)
            try startStreaming()
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    /// Waits up to `timeoutMilliseconds` for the next frame and hands its grey pixels
    /// (`width`×`height`, rows contiguous) to `body` while the buffer is still dequeued.
    /// Returns nil on timeout. The corresponding C calls are `poll` and `v4l2_ioctl(VIDIOC_DQBUF)`.
    public func withNextFrame<Result>(
        timeoutMilliseconds: Int32, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        var pending = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = retryingOnInterrupt { poll(&pending, 1, timeoutMilliseconds) }
        guard ready >= 0 else { throw V4L2Error.system(path: path, operation: "poll", errno: errno) }
        guard ready > 0 else { return nil }
        if pending.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { throw V4L2Error.disconnected(path: path) }

        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        guard Self.control(descriptor, cv4l2_vidioc_dqbuf, &buffer) else {
            if errno == EAGAIN { return nil }
            throw V4L2Error(streaming: path, operation: "VIDIOC_DQBUF", errno: errno)
        }
        defer {
            // A buffer that cannot be queued again is lost to the ring; the next DQBUF reports why.
            _ = Self.control(descriptor, cv4l2_vidioc_qbuf, &buffer)
        }
        let mapped = buffers[Int(buffer.index)]
        let used = min(Int(buffer.bytesused), mapped.count)
        if bytesPerLine == width {
            // GREY, or YUV 4:2:0 whose luma plane comes first: the frame as it lies.
            return try body(UnsafeRawBufferPointer(rebasing: mapped[..<min(used, width * height)]))
        }
        compacted.removeAll(keepingCapacity: true)
        for row in 0..<height where row * bytesPerLine + width * lumaStep <= used {
            let start = row * bytesPerLine
            if lumaStep == 1 {
                compacted.append(contentsOf: mapped[start..<start + width])
            } else {
                for column in 0..<width { compacted.append(mapped[start + column * lumaStep]) }
            }
        }
        return try compacted.withUnsafeBytes(body)
    }

    /// Opens `path`, checks with the kernel's own ioctl that it captures and streams video, then
    /// lets libv4l2 wrap the descriptor (format conversion from here on).
    /// The corresponding C calls are `open`, `ioctl(VIDIOC_QUERYCAP)` and `v4l2_fd_open`.
    private static func openCaptureDevice(_ path: String) throws(V4L2Error) -> Int32 {
        let descriptor: Int32
        do {
            descriptor = try FileDescriptor.open(path, .readWrite, options: [.nonBlocking, .closeOnExec]).rawValue
        } catch {
            throw V4L2Error(opening: path, errno: (error as? Errno)?.rawValue ?? EIO)  // swift-system throws only Errno
        }
        var capability = v4l2_capability()
        let queried = retryingOnInterrupt {
            withUnsafeMutablePointer(to: &capability) { cv4l2_plain_ioctl(descriptor, cv4l2_vidioc_querycap, $0) }
        }
        guard queried != -1 else {
            let code = errno
            close(descriptor)
            throw code == ENOTTY || code == EINVAL
                ? .notACaptureDevice(path: path) : .system(path: path, operation: "VIDIOC_QUERYCAP", errno: code)
        }
        let capabilities = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0
            ? capability.device_caps : capability.capabilities
        guard capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0 else {
            close(descriptor)
            throw .notACaptureDevice(path: path)
        }
        guard capabilities & UInt32(V4L2_CAP_STREAMING) != 0 else {
            close(descriptor)
            throw .noStreaming(path: path)
        }
        guard v4l2_fd_open(descriptor, 0) == descriptor else {
            let code = errno
            close(descriptor)
            throw .system(path: path, operation: "v4l2_fd_open", errno: code)
        }
        return descriptor
    }

    private func mapBuffers(count: Int) throws(V4L2Error) {
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        guard Self.control(descriptor, cv4l2_vidioc_reqbufs, &request) else {
            throw errno == EBUSY ? .busy(path: path) : .system(path: path, operation: "VIDIOC_REQBUFS", errno: errno)
        }
        guard request.count >= 2 else { throw .system(path: path, operation: "VIDIOC_REQBUFS (fewer than 2 buffers)", errno: ENOMEM) }
        for index in 0..<request.count {
            var buffer = v4l2_buffer()
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            buffer.index = index
            guard Self.control(descriptor, cv4l2_vidioc_querybuf, &buffer) else {
                throw .system(path: path, operation: "VIDIOC_QUERYBUF", errno: errno)
            }
            let start = v4l2_mmap(nil, Int(buffer.length), PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, Int64(buffer.m.offset))
            guard let start, start != MAP_FAILED else { throw .system(path: path, operation: "v4l2_mmap", errno: errno) }
            buffers.append(UnsafeMutableRawBufferPointer(start: start, count: Int(buffer.length)))
            guard Self.control(descriptor, cv4l2_vidioc_qbuf, &buffer) else {
                throw .system(path: path, operation: "VIDIOC_QBUF", errno: errno)
            }
        }
    }

    private func startStreaming() throws(V4L2Error) {
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        guard Self.control(descriptor, cv4l2_vidioc_streamon, &type) else {
            throw errno == EBUSY ? .busy(path: path) : .system(path: path, operation: "VIDIOC_STREAMON", errno: errno)
        }
        streaming = true
    }

    private func release() {
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = Self.control(descriptor, cv4l2_vidioc_streamoff, &type)
            streaming = false
        }
        for buffer in buffers { v4l2_munmap(buffer.baseAddress, buffer.count) }
        buffers.removeAll()
        if descriptor >= 0 {
            v4l2_close(descriptor)
            descriptor = -1
        }
    }

    /// One ioctl through libv4l2, retried on EINTR. True on success; errno says why not.
    private static func control<Argument>(_ descriptor: Int32, _ request: UInt, _ argument: inout Argument) -> Bool {
        retryingOnInterrupt { withUnsafeMutablePointer(to: &argument) { cv4l2_ioctl(descriptor, request, $0) } } != -1
    }
}

/// What went wrong with a camera, as one line for the gate's screen and log.
public enum V4L2Error: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchDevice(path: String)
    case permissionDenied(path: String)
    case busy(path: String)
    case notACaptureDevice(path: String)
    case noStreaming(path: String)
    case unsupportedSize(path: String, requested: String, offered: String)
    /// A `--camera-control` the camera cannot take.
    case control(path: String, ControlSettingError)
    /// The camera went away mid-run (unplugged, or its USB port reset).
    case disconnected(path: String)
    case system(path: String, operation: String, errno: Int32)

    init(opening path: String, errno code: Int32) {
        switch code {
        case ENOENT, ENODEV, ENXIO: self = .noSuchDevice(path: path)
        case EACCES, EPERM: self = .permissionDenied(path: path)
        case EBUSY: self = .busy(path: path)
        default: self = .system(path: path, operation: "open", errno: code)
        }
    }

    init(streaming path: String, operation: String, errno code: Int32) {
        switch code {
        case ENODEV, EIO, ENXIO: self = .disconnected(path: path)
        default: self = .system(path: path, operation: operation, errno: code)
        }
    }

    public var description: String {
        switch self {
        case .noSuchDevice(let path): "no camera at \(path)"
        case .permissionDenied(let path): "no permission to open \(path) (is the user in the 'video' group?)"
        case .busy(let path): "\(path) is busy: another program is using the camera"
        case .notACaptureDevice(let path): "\(path) is not a video capture device"
        case .noStreaming(let path): "\(path) cannot stream frames"
        case .unsupportedSize(let path, let requested, let offered):
            "\(path) cannot capture \(requested) frames (it offers \(offered)); choose another --size"
        case .control(let path, let error): "\(path): \(error.description)"
        case .disconnected(let path): "camera lost: \(path) was disconnected"
        case .system(let path, let operation, let code): "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}

extension V4L2Camera {
    /// What `gate-kiosk cameras` shows of a camera: what it is, what it streams and what can be
    /// adjusted, and what the kiosk would choose and set.
    public struct Description: Sendable {
        public let path: String
        public let card: String
        public let driver: String
        public let bus: String
        public let modes: [CameraMode]
        public let controls: [CameraControl]

        public var chosenMode: CameraMode? { CameraMode.best(among: modes) }
        public var kioskSettings: [ControlSetting] { CameraControl.kioskSettings(for: controls) }
    }

    /// Opens `path` just long enough to ask (no streaming, nothing set).
    /// /dev/video0, /dev/video1, … in number order (a UVC camera's second node, for metadata, too).
    public static func devices() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []
        return names.compactMap { name in name.hasPrefix("video") ? Int(name.dropFirst(5)).map { ($0, "/dev/\(name)") } : nil }
            .sorted { $0.0 < $1.0 }.map(\.1)
    }

    public static func describe(_ path: String) throws(V4L2Error) -> Description {
        let descriptor = try openCaptureDevice(path)
        defer { v4l2_close(descriptor) }
        let identity = V4L2Queries.identity(descriptor)
        return Description(
            path: path, card: identity.card, driver: identity.driver, bus: identity.bus, modes: V4L2Queries.modes(descriptor),
            controls: V4L2Queries.controls(descriptor))
    }
}
