import Foundation
import SystemPackage

/// Reads grey frames from a YUV4MPEG2 stream (a `.y4m` file, or `ffmpeg … -f yuv4mpegpipe -`
/// on a pipe): the stand-in for a camera where there is none, and the way recorded gate
/// footage is replayed. Only the luma plane is kept; chroma is skipped.
///
/// Not thread-safe: the capture thread owns it.
public final class Y4MReader {
    public let width: Int
    public let height: Int
    /// Frames per second from the header's `F` tag (25 when the tag is absent, as ffmpeg assumes).
    public let framesPerSecond: Double
    public let colourSpace: String
    /// Bytes after the luma plane in each frame: the chroma planes.
    private let chromaBytes: Int
    private let input: BufferedInput
    public private(set) var framesRead = 0

    /// `path` is a file, or "-" for standard input.
    public convenience init(path: String) throws(Y4MError) {
        if path == "-" {
            try self.init(descriptor: FileHandle.standardInput.fileDescriptor, name: "standard input", closesDescriptor: false)
            return
        }
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, .readOnly, options: .closeOnExec)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        try self.init(descriptor: file.rawValue, name: path, closesDescriptor: true)
    }

    public init(descriptor: Int32, name: String, closesDescriptor: Bool) throws(Y4MError) {
        input = BufferedInput(descriptor: descriptor, name: name, closesDescriptor: closesDescriptor)
        guard let line = try input.readLine(limit: 1_024) else { throw .notY4M(name: name, found: "an empty stream") }
        let fields = line.split(separator: " ")
        guard fields.first == "YUV4MPEG2" else {
            throw .notY4M(name: name, found: "\"\(line.prefix(20))\"")
        }
        var width = 0, height = 0, rate = 25.0, colourSpace = "420jpeg"
        for field in fields.dropFirst() {
            let value = field.dropFirst()
            switch field.first {
            case "W": width = Int(value) ?? 0
            case "H": height = Int(value) ?? 0
            case "F":
                // Bounded so that frame times (frames × interval, in milliseconds) always fit an Int64.
                let parts = value.split(separator: ":").compactMap { UInt32($0) }
                guard parts.count == 2, parts[0] > 0, parts[1] > 0,
                    Self.frameRates.contains(Double(parts[0]) / Double(parts[1]))
                else {
                    throw .badHeader(
                        name: name,
                        problem: "frame rate \"F\(value.prefix(40))\" must be two whole numbers N:D giving 1/3600 to 1000 frames a second")
                }
                rate = Double(parts[0]) / Double(parts[1])
            case "C": colourSpace = String(value)
            default: break  // interlacing, aspect ratio, X comments: nothing a grey frame needs
            }
        }
        guard (16...8_192).contains(width), (16...8_192).contains(height) else {
            throw .badHeader(name: name, problem: "frame size \(width)x\(height) is missing or out of range")
        }
        guard let chroma = Self.chromaBytes(colourSpace: colourSpace, width: width, height: height) else {
            throw .unsupportedColourSpace(name: name, colourSpace: colourSpace)
        }
        self.width = width
        self.height = height
        self.framesPerSecond = rate
        self.colourSpace = colourSpace
        self.chromaBytes = chroma
    }

    /// The next frame's luma, or nil at the end of the stream. A frame cut short is an error:
    /// a truncated recording, not a quiet end.
    public func nextFrame() throws(Y4MError) -> GreyFrame? {
        guard let line = try input.readLine(limit: 1_024) else { return nil }
        guard line.hasPrefix("FRAME") else {
            throw .badFrame(name: input.name, frame: framesRead + 1, problem: "expected FRAME, found \"\(line.prefix(20))\"")
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        let complete = try pixels.withUnsafeMutableBytes { buffer in
            Result { () throws(Y4MError) in try input.readFully(into: buffer) }
        }.get()
        guard complete, try input.skip(chromaBytes) else {
            throw .badFrame(name: input.name, frame: framesRead + 1, problem: "the stream ends inside the frame")
        }
        framesRead += 1
        return GreyFrame(width: width, height: height, pixels: pixels)
    }

    /// Frame rates a recording may declare: a frame an hour to a thousand a second.
    static let frameRates: ClosedRange<Double> = (1.0 / 3600)...1000

    /// Chroma bytes per frame after the luma plane, for the colour spaces ffmpeg writes.
    static func chromaBytes(colourSpace: String, width: Int, height: Int) -> Int? {
        let halfWidth = (width + 1) / 2, halfHeight = (height + 1) / 2
        switch colourSpace {
        case "mono": return 0
        case "420", "420jpeg", "420paldv", "420mpeg2": return 2 * halfWidth * halfHeight
        case "422": return 2 * halfWidth * height
        case "444": return 2 * width * height
        default: return nil
        }
    }
}

/// Why a Y4M source cannot be read.
public enum Y4MError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notY4M(name: String, found: String)
    case badHeader(name: String, problem: String)
    case unsupportedColourSpace(name: String, colourSpace: String)
    case badFrame(name: String, frame: Int, problem: String)
    case readFailed(name: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .notY4M(let name, let found): "\(name) is not a Y4M stream: it starts with \(found), not YUV4MPEG2"
        case .badHeader(let name, let problem): "\(name): bad Y4M header: \(problem)"
        case .unsupportedColourSpace(let name, let colourSpace):
            "\(name): colour space C\(colourSpace) is not supported (use mono, 420jpeg, 420paldv, 420mpeg2, 420, 422 or 444)"
        case .badFrame(let name, let frame, let problem): "\(name): frame \(frame): \(problem)"
        case .readFailed(let name, let reason): "\(name): read failed: \(reason)"
        }
    }
}

/// A file descriptor read through a buffer: Y4M is a line, then a block of pixels, again and
/// again, and a pipe hands them over in whatever pieces it likes.
private final class BufferedInput {
    let name: String
    private let file: FileDescriptor
    private let closesDescriptor: Bool
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0

    init(descriptor: Int32, name: String, closesDescriptor: Bool) {
        self.file = FileDescriptor(rawValue: descriptor)
        self.name = name
        self.closesDescriptor = closesDescriptor
    }

    deinit { if closesDescriptor { try? file.close() } }

    /// Refills the buffer; false at end of stream.
    private func fill() throws(Y4MError) -> Bool {
        if start > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        let count: Int
        do {
            count = try buffer.withUnsafeMutableBytes { bytes in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))  // EINTR is retried inside
            }
        } catch {
            throw .readFailed(name: name, reason: "\(error)")
        }
        end += count
        return count > 0
    }

    /// One line without its newline, or nil at the end of the stream.
    func readLine(limit: Int) throws(Y4MError) -> String? {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            guard end - start < limit else { throw .badHeader(name: name, problem: "a header line longer than \(limit) bytes") }
            guard try fill() else {
                // The last line without a newline is still shown, so the caller can say what it was.
                guard start < end else { return nil }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end
                return line
            }
        }
    }

    /// Fills `target` completely; false if the stream ends first.
    func readFully(into target: UnsafeMutableRawBufferPointer) throws(Y4MError) -> Bool {
        var filled = 0
        while filled < target.count {
            if start == end, try !fill() { return false }
            let count = min(end - start, target.count - filled)
            buffer.withUnsafeBytes { bytes in
                (target.baseAddress! + filled).copyMemory(from: bytes.baseAddress! + start, byteCount: count)
            }
            start += count
            filled += count
        }
        return true
    }

    /// Skips `count` bytes; false if the stream ends first.
    func skip(_ count: Int) throws(Y4MError) -> Bool {
        var left = count
        while left > 0 {
            if start == end, try !fill() { return false }
            let taken = min(end - start, left)
            start += taken
            left -= taken
        }
        return true
    }
}
