import Foundation
import Shared

/// The server's token keys, kept as `keys.json` (mode 0600) in its data directory.
public struct ServerKeyStore: Sendable {
    public let dataDirectory: String
    public var path: String { (dataDirectory as NSString).appendingPathComponent("keys.json") }

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func load() throws(ServerKeyStoreError) -> KeyRing {
        guard exists else { throw .missing(path: path) }
        do { return try KeyFile.read(from: path) } catch { throw .file(error) }
    }

    /// Creates the data directory if needed and a new ring with one active key. Refuses to
    /// replace existing keys: every ticket already issued depends on them.
    @discardableResult
    public func create() throws(ServerKeyStoreError) -> KeyRing {
        guard !exists else { throw .alreadyExists(path: path) }
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .file(.unwritable(path: dataDirectory, reason: error.localizedDescription))
        }
        let ring = KeyRing.generate()
        do { try KeyFile.write(ring, to: path) } catch { throw .file(error) }
        return ring
    }

    /// The ring, created first if this data directory has none yet.
    public func loadOrCreate() throws(ServerKeyStoreError) -> KeyRing {
        exists ? try load() : try create()
    }

    /// Loads the ring, lets `change` edit it, and writes it back atomically.
    public func update<Result>(_ change: (inout KeyRing) throws(KeyRingError) -> Result) throws(ServerKeyStoreError) -> Result {
        var ring = try load()
        let result: Result
        do { result = try change(&ring) } catch { throw .keyRing(error) }
        do { try KeyFile.write(ring, to: path) } catch { throw .file(error) }
        return result
    }
}

public enum ServerKeyStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    case file(KeyFileError)
    case keyRing(KeyRingError)

    public var description: String {
        switch self {
        case .missing(let path): "no keys at \(path); create them with 'ticket-server keys init'"
        case .alreadyExists(let path): "keys already exist at \(path); 'ticket-server keys rotate' adds a new one"
        case .file(let error): error.description
        case .keyRing(let error): error.description
        }
    }
}
