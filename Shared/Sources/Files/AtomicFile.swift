import Foundation
import SystemPackage

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
        let file = try attempt("create \(temporary)") {
            try FileDescriptor.open(
                temporary, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: FilePermissions(rawValue: mode))
        }
        do throws(FileProblem) {
            try attempt("write \(temporary)") {
                try file.closeAfter {
                    // The umask may have narrowed `mode` on create; set it exactly.
                    guard fchmod(file.rawValue, mode) == 0 else { throw Errno(rawValue: errno) }
                    _ = try file.writeAll(data)
                    guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
                }
            }
            guard rename(temporary, path) == 0 else { throw FileProblem(operation: "rename to \(path)") }
        } catch {
            unlink(temporary)
            throw error
        }
        syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Runs one file operation, naming it in the problem if it fails.
    private static func attempt<Result>(_ operation: String, _ body: () throws -> Result) throws(FileProblem) -> Result {
        do {
            return try body()
        } catch let code as Errno {
            throw FileProblem(description: "\(operation): \(code.description)")
        } catch {
            throw FileProblem(description: "\(operation): \(error)")
        }
    }

    /// Makes a rename durable. A failure here is not worth failing the write over: the data is
    /// already on disk, only the name might be lost to a power cut.
    public static func syncDirectory(_ directory: String) {
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

    /// One line for any error Foundation throws while reading a file or decoding JSON. A value
    /// that decoded but broke a rule (`dataCorrupted` at a path) reads "tickets[1].ticket_id must
    /// be …", so a rule's message starts with the words that follow the field's name.
    public static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .dataCorrupted(let context) where !context.codingPath.isEmpty:
                return "\(FileProblem.path(context.codingPath)) \(context.debugDescription)"
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
        path.isEmpty ? "" : " at " + FileProblem.path(path)
    }

    /// A coding path as it would be written in code: `tickets[1].ticket_id`, each key's name
    /// passed through `name` (the API turns Swift names back into its own).
    public static func path(_ keys: [any CodingKey], name: (String) -> String = { $0 }) -> String {
        keys.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + name(key.stringValue) }
        }
    }
}
