import Foundation
import Shared

/// The server's token keys, kept as `keys.json` (mode 0600) in its data directory, and beside it
/// `keys.loaded`: what the running server last made of that file, for the CLI to wait on.
public struct ServerKeyStore: KeyRingStore {
    public let dataDirectory: String
    public var path: String { (dataDirectory as NSString).appendingPathComponent("keys.json") }
    var loadedMarkerPath: String { (dataDirectory as NSString).appendingPathComponent("keys.loaded") }

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    public var place: String { path }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func load() throws(ServerKeyStoreError) -> KeyRing {
        guard exists else { throw .missing(path: path) }
        do { return try KeyFile.read(from: path) } catch { throw .file(error) }
    }

    /// Creates the data directory if needed and a new ring with one active key whose kid is
    /// above every kid in `usedKids`. Refuses to replace existing keys: every ticket already
    /// issued depends on them.
    @discardableResult
    public func create(avoiding usedKids: Set<UInt8> = []) throws(ServerKeyStoreError) -> KeyRing {
        guard !exists else { throw .alreadyExists(path: path) }
        do {
            try PrivateFiles.directory(dataDirectory)
        } catch {
            throw .file(.unwritable(path: dataDirectory, reason: error.description))
        }
        let ring: KeyRing
        do { ring = try KeyRing.generate(avoiding: usedKids) } catch { throw .keyRing(error) }
        do { try KeyFile.write(ring, to: path) } catch { throw .file(error) }
        return ring
    }

    /// Sets the key file to 0600, as it is written; one restored from a backup may not be.
    func makePrivate() throws(ServerKeyStoreError) {
        guard chmod(path, 0o600) == 0 else {
            throw .file(.unwritable(path: path, reason: "chmod 600: \(String(cString: strerror(errno)))"))
        }
    }

    /// Loads the ring, lets `change` edit it, and writes it back atomically.
    public func update<Result>(_ change: (inout KeyRing) throws(KeyRingError) -> Result) throws(ServerKeyStoreError) -> Result {
        var ring = try load()
        let result: Result
        do { result = try change(&ring) } catch { throw .keyRing(error) }
        do { try KeyFile.write(ring, to: path) } catch { throw .file(error) }
        return result
    }

    /// The SHA-256 of the key file's bytes, hex: what names one version of the file.
    public func digest() -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Hex.encode(SHA256.hash(Array(data)))
    }

    public func report(_ loaded: LoadedKeys) throws {
        try AtomicFile.write(try JSONEncoder().encode(loaded), to: loadedMarkerPath, mode: 0o600)
    }

    /// What the running server last made of the key file (`keys.loaded`).
    public func lastReport() -> LoadedKeys? {
        FileManager.default.contents(atPath: loadedMarkerPath).flatMap { try? JSONDecoder().decode(LoadedKeys.self, from: $0) }
    }

    /// The one server the directory's lock allows, if it runs.
    public func runningServers() -> [RunningServer] {
        DataDirectory.isInUse(dataDirectory) ? [RunningServer(name: "the running server", loaded: lastReport())] : []
    }
}

public enum ServerKeyStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case alreadyExists(path: String)
    case file(KeyFileError)
    case keyRing(KeyRingError)
    /// The ring's database could not be read or written.
    case database(String)

    public var description: String {
        switch self {
        case .missing(let path): "no keys at \(path); create them with 'ticket-server keys init'"
        case .alreadyExists(let path): "keys already exist at \(path); 'ticket-server keys rotate' adds a new one"
        case .file(let error): error.description
        case .keyRing(let error): error.description
        case .database(let problem): problem
        }
    }
}
