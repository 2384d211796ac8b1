import CV4L2
import Foundation
import SystemPackage

/// A USB camera through libv4l2, streaming 8-bit grey frames from mmapped buffers.
///
/// libv4l2 converts whatever the camera sends (MJPEG, YUYV, …) to grey, so every UVC webcam
/// works. Not thread-safe: the capture thread owns it. `deinit` stops streaming, unmaps the
/// buffers and closes the device.
public final class V4L2Camera {
    public let path: String
    public let width: Int
    public let height: Int
    /// Bytes from one row to the next; drivers may pad rows past `width`.
    public let bytesPerLine: Int
    /// -1 once closed: `release()` runs from a failed init and again from `deinit` (a fully
    /// initialised object that throws is still deinitialised), and a second close could close a
    /// descriptor another thread has opened since under the same number.
    private var descriptor: Int32
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    private var streaming = false
    /// Rows copied together when the driver pads them, so zbar gets `width`-byte rows.
    private var compacted: [UInt8] = []

    /// Opens `path`, checks it can capture and stream, sets `width`×`height` grey, maps
    /// `bufferCount` buffers and starts streaming.
    public init(path: String, width: Int, height: Int, bufferCount: Int = 4) throws(V4L2Error) {
        self.path = path
        let descriptor = try Self.openCaptureDevice(path)
        self.descriptor = descriptor

        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(width)
        format.fmt.pix.height = UInt32(height)
        format.fmt.pix.pixelformat = cv4l2_pix_fmt_grey
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        guard Self.control(descriptor, cv4l2_vidioc_s_fmt, &format) else {
            let code = errno
            v4l2_close(descriptor)
            throw code == EBUSY ? .busy(path: path) : .system(path: path, operation: "VIDIOC_S_FMT", errno: code)
        }
        // Drivers answer with the nearest size they have instead of failing.
        guard format.fmt.pix.pixelformat == cv4l2_pix_fmt_grey,
            Int(format.fmt.pix.width) == width, Int(format.fmt.pix.height) == height
        else {
            v4l2_close(descriptor)
            throw .unsupportedSize(
                path: path, requested: "\(width)x\(height)",
                offered: "\(format.fmt.pix.width)x\(format.fmt.pix.height)")
        }
        self.width = width
        self.height = height
        bytesPerLine = max(width, Int(format.fmt.pix.bytesperline))

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
            return try body(UnsafeRawBufferPointer(rebasing: mapped[..<min(used, width * height)]))
        }
        compacted.removeAll(keepingCapacity: true)
        for row in 0..<height where (row + 1) * bytesPerLine <= used {
            compacted.append(contentsOf: mapped[row * bytesPerLine..<row * bytesPerLine + width])
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
            "\(path) cannot capture \(requested) grey frames (it offers \(offered)); choose another --size"
        case .disconnected(let path): "camera lost: \(path) was disconnected"
        case .system(let path, let operation, let code): "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
