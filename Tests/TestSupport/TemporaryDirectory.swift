import Foundation

/// A fresh directory under the system's temporary directory, removed when the value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: `path` is immutable and deinit runs once; nothing else is stored.
    public let path: String

    public init(_ label: String = "festivalgate") {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label)-XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { fatalError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `name` inside this directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}
