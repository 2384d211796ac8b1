import Foundation
import Shared

/// Where the server's key ring is kept and where the running servers say what they made of it:
/// `keys.json` in the data directory (`ServerKeyStore`, the SQLite server's) or the database
/// itself (`PostgresKeyStore`, shared by every process on every machine). The server
/// (`ServerKeys`) and the `keys` commands see only this.
public protocol KeyRingStore: Sendable {
    /// What to name in messages: the file's path, or the database.
    var place: String { get }
    /// Names one version of the ring; nil while there is none.
    func digest() throws(ServerKeyStoreError) -> String?
    func load() throws(ServerKeyStoreError) -> KeyRing
    /// A new ring with one active key whose kid is above every kid in `usedKids`. Refuses to
    /// replace an existing ring: every ticket already issued depends on it.
    @discardableResult
    func create(avoiding usedKids: Set<UInt8>) throws(ServerKeyStoreError) -> KeyRing
    /// Loads the ring, lets `change` edit it, and stores it back whole (no reader sees half).
    func update<Result>(_ change: (inout KeyRing) throws(KeyRingError) -> Result) throws(ServerKeyStoreError) -> Result
    /// A running server saying what it made of the ring version `loaded.digest`.
    func report(_ loaded: LoadedKeys) throws
    /// The servers running on this ring now, each with its last report (nil before its first).
    func runningServers() throws -> [RunningServer]
}

/// What a running server made of one version of the ring: loaded (and the kid it now issues
/// under) or refused, and why.
public struct LoadedKeys: Codable, Equatable, Sendable {
    public var digest: String
    public var activeKid: Int?
    public var error: String?

    public init(digest: String, activeKid: Int?, error: String?) {
        self.digest = digest
        self.activeKid = activeKid
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case digest, activeKid = "active_kid", error
    }
}

/// One server running on a ring: how to name it, and its last report.
public struct RunningServer: Sendable {
    public let name: String
    public let loaded: LoadedKeys?
}
