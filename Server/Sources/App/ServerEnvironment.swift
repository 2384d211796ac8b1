import Foundation
import Logging
import Shared

/// Everything a request handler needs, opened once at start from the data directory.
public struct ServerEnvironment: Sendable {
    public let dataDirectory: String
    public let writer: DatabaseWriter
    public let readers: DatabaseReaders
    public let sessions: SessionStore
    let availability: AvailabilityCache
    public let issuer: TicketIssuer
    public let keyRing: KeyRing
    public let clock: ServerClock
    public let passwordHasher: PasswordHasher

    /// Opens (creating on first start) the data directory: keys, then the database, migrated.
    public static func open(
        dataDirectory: String, clock: ServerClock = ServerClock(), passwordHasher: PasswordHasher = .standard, logger: Logger
    ) throws -> ServerEnvironment {
        let keyRing = try ServerKeyStore(dataDirectory: dataDirectory).loadOrCreate()
        let databasePath = (dataDirectory as NSString).appendingPathComponent("festivalgate.sqlite")
        let writer = try DatabaseWriter(path: databasePath, logger: logger)
        let readers = DatabaseReaders(path: databasePath)
        return ServerEnvironment(
            dataDirectory: dataDirectory, writer: writer, readers: readers,
            sessions: SessionStore(writer: writer, readers: readers), availability: AvailabilityCache(),
            issuer: try TicketIssuer(keyRing: keyRing), keyRing: keyRing, clock: clock, passwordHasher: passwordHasher)
    }
}
