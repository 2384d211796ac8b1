import Foundation
import Logging
import Shared

/// Everything the server runs on, opened once at start from the data directory; each controller
/// is handed the parts it uses.
public struct ServerEnvironment: Sendable {
    public let dataDirectory: DataDirectory
    public let writer: DatabaseWriter
    public let readers: DatabaseReaders
    /// Accounts and sessions, behind the store protocol.
    let accounts: any AccountStore
    public let sessions: SessionStore
    let availability: AvailabilityCache
    /// Wakes gates waiting on an event's changes.
    let changeBell: ChangeBell
    public let keys: ServerKeys
    public let clock: ServerClock
    public let passwordHasher: PasswordHasher
    let throttles: Throttles
    /// What `/metrics` reports.
    public let metrics: ServerMetrics
    /// The key of the pages' form tokens, from the database (`ServerSecret`).
    let formTokenKey: [UInt8]

    /// The issuer for the active key at this moment (it follows `keys.json`).
    public var issuer: TicketIssuer { keys.issuer }
    public var keyRing: KeyRing { keys.ring }

    /// Opens (creating on first start) the data directory: checks, keys, then the database,
    /// migrated. Throws `StartupRefusal` for a directory that would lose or split tickets.
    public static func open(
        dataDirectory: String, acceptNewDatabase: Bool = false, secureCookies: Bool = false, clock: ServerClock = ServerClock(),
        passwordHasher: PasswordHasher = .standard, throttling: ThrottlePolicy = .standard, logger: Logger
    ) throws -> ServerEnvironment {
        let (directory, keyRing) = try DataDirectory.open(dataDirectory, acceptNewDatabase: acceptNewDatabase, now: clock.now())
        let metrics = ServerMetrics()
        let availability = AvailabilityCache()
        let changeBell = ChangeBell()
        let writer = try DatabaseWriter(path: directory.databasePath, metrics: metrics, logger: logger) { changedEvents in
            availability.invalidate(changedEvents)
            changeBell.ring(changedEvents)
        }
        let readers = DatabaseReaders(path: directory.databasePath)
        let formTokenKey = try ServerSecret.formTokenKey(databasePath: directory.databasePath)
        let accounts = SQLiteAccountStore(writer: writer, readers: readers)
        return ServerEnvironment(
            dataDirectory: directory, writer: writer, readers: readers, accounts: accounts,
            sessions: SessionStore(accounts: accounts, secureCookies: secureCookies), availability: availability,
            changeBell: changeBell,
            keys: try ServerKeys(ring: keyRing, store: directory.keyStore), clock: clock, passwordHasher: passwordHasher,
            throttles: Throttles(policy: throttling, clock: clock, metrics: metrics), metrics: metrics, formTokenKey: formTokenKey)
    }
}
