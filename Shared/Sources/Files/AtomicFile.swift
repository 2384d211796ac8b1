import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes whole files so that a crash leaves either the old content or the new, never half of
/// either, and a secret is never readable by others even for a moment.
public enum AtomicFile {
    /// Writes `data` to a temporary file created with `mode` beside `path`, fsyncs it, renames it
    /// over `path` and fsyncs the directory.
    public static func write(_ data: Data, to path: String, mode: mode_t) throws(FileProblem) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())"
        // O_EXCL: never follow or reuse something already lying at the temporary name.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw FileProblem(operation: "create \(temporary)") }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do throws(FileProblem) {
            // The umask may have narrowed `mode` on create; set it exactly.
            guard fchmod(descriptor, mode) == 0 else { throw FileProblem(operation: "chmod \(temporary)") }
            let written = data.withUnsafeBytes { writeAll($0, to: descriptor) }
            guard written else { throw FileProblem(operation: "write \(temporary)") }
            guard fsync(descriptor) == 0 else { throw FileProblem(operation: "fsync \(temporary)") }
            closed = true
            guard close(descriptor) == 0 else { throw FileProblem(operation: "close \(temporary)") }
            guard rename(temporary, path) == 0 else { throw FileProblem(operation: "rename to \(path)") }
        } catch {
            unlink(temporary)
            throw error
        }
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Writes every byte, retrying short writes and EINTR; false (errno set) on failure.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Makes a rename durable. A failure here is not worth failing the write over: the data is
    /// already on disk, only the name might be lost to a power cut.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// A file operation that failed, described in one line for the person at the keyboard.
public struct FileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    init(description: String) {
        self.description = description
    }

    /// Describes the current `errno` after `operation` failed.
    init(operation: String) {
        description = "\(operation): \(String(cString: strerror(errno)))"
    }

    /// One line for any error Foundation throws while reading a file or decoding JSON.
    static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context): return "not valid JSON (\(context.debugDescription))"
            case .keyNotFound(let key, let context):
                return "missing field \"\(key.stringValue)\"\(FileProblem.place(context.codingPath))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return "wrong type\(FileProblem.place(context.codingPath)): \(context.debugDescription)"
            @unknown default: return "\(decoding)"
            }
        }
        let cocoa = error as NSError
        if let posix = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if cocoa.domain == NSCocoaErrorDomain {
            switch cocoa.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return cocoa.localizedDescription
    }

    private static func place(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
