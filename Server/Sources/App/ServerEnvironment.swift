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
    /// With PostgreSQL: the connections and the relay that keeps this process in step with the
    /// others on the database, run as services of the server.
    let postgres: PostgresServices?

    /// The issuer for the active key at this moment (it follows the key ring's store).
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
        return try ServerEnvironment(
            directory: directory, keyRing: keyRing, keyStore: directory.keyStore, writer: writer, readers: readers,
            availability: availability, changeBell: changeBell, secureCookies: secureCookies, clock: clock, passwordHasher: passwordHasher,
            throttles: Throttles(policy: throttling, clock: clock, metrics: metrics), metrics: metrics, formTokenKey: formTokenKey,
            postgres: nil)
    }

    /// Opens the server's environment on a PostgreSQL database shared with other server
    /// processes: migrates it (once, whichever process is first). The key ring is the
    /// database's (`PostgresKeyStore`), so every process on every machine issues under the same
    /// keys; a `keys.json` in `dataDirectory` from before is imported on the first start.
    public static func open(
        dataDirectory: String, database location: PostgresLocation, pool: Int = PostgresStore.defaultPool, secureCookies: Bool = false,
        clock: ServerClock = ServerClock(), passwordHasher: PasswordHasher = .standard, throttling: ThrottlePolicy = .standard,
        logger: Logger
    ) async throws -> ServerEnvironment {
        // Named in pg_stat_activity, so `keys rotate` knows which processes to wait for.
        var location = location
        location.applicationName = PostgresLocation.serverApplicationName()
        let metrics = ServerMetrics()
        let availability = AvailabilityCache()
        let changeBell = ChangeBell()
        let setup = PostgresStore(location: location, pool: 2, logger: logger)
        let formTokenKey = try await setup.whileRunning {
            try await setup.migrate()
            return try await ServerSecret.formTokenKey(in: setup)
        }
        // The async pool serves the relay's numbering; the repositories' SQL runs on the
        // blocking one, which has most of the connections.
        let store = PostgresStore(location: location, pool: max(2, pool / 4), logger: logger)
        let connections = BlockingPostgresPool(location: location, size: max(2, pool - pool / 4), logger: logger)
        let relay = PostgresChangeRelay(store: store) { events in
            availability.invalidate(events)
            changeBell.ring(events)
        }
        let writer = DatabaseWriter(postgres: connections, metrics: metrics, logger: logger) { changedEvents in
            // This process's own cache now; every process's once the change is numbered, which
            // the caller waits for, so that what it was told is done is in the feed.
            availability.invalidate(changedEvents)
            if !changedEvents.isEmpty { await relay.committedAndNumbered() }
        }
        let readers = DatabaseReaders(postgres: connections)
        let (tickets, kids) = try readers.read { database in
            (try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0, Set(try SigningKeyRecord.recorded(in: database).keys))
        }
        let directory = try DataDirectory.openShared(dataDirectory)
        let keyStore = PostgresKeyStore(connections: connections)
        let keyRing: KeyRing
        do {
            let origin: PostgresKeyStore.Origin
            (keyRing, origin) = try keyStore.ringOnStart(importing: directory.keyStore, ticketCount: tickets, recordedKids: kids)
            switch origin {
            case .imported(let path):
                // Renamed only now that the database committed it; kept, since it is the only
                // other copy of the seeds until the database's next dump.
                let kept = path + ".imported"
                try? FileManager.default.moveItem(atPath: path, toPath: kept)
                logger.notice("imported the key ring of \(path) into the database, which holds it from now on; the file is kept as \(kept)")
            case .created: logger.notice("created a key ring in the database, active kid \(keyRing.activeKey.map { String($0.kid) } ?? "?")")
            case .database:
                // Left by `migrate-to-postgres`, that is a copy; anything else is someone's mistake.
                if directory.keyStore.exists, directory.keyStore.digest() != PostgresKeyStore.document(keyRing).digest {
                    logger.warning(
                        """
                        \(directory.keyStore.path) differs from the database's key ring and is not read: on PostgreSQL every \
                        process issues under the database's ('ticket-server keys list --database')
                        """)
                }
            }
        } catch let problem as ServerKeyStoreError {
            throw StartupRefusal(problem.description)
        }
        do {
            try await writer.write { try SigningKeyRecord.record(keyRing, now: clock.now(), in: $0) }
        } catch let mismatch as SigningKeyMismatch {
            throw StartupRefusal(mismatch.description)
        }
        return try ServerEnvironment(
            directory: directory, keyRing: keyRing, keyStore: keyStore, writer: writer, readers: readers, availability: availability,
            changeBell: changeBell, secureCookies: secureCookies, clock: clock, passwordHasher: passwordHasher,
            throttles: Throttles(policy: throttling, clock: clock, metrics: metrics, shared: connections), metrics: metrics,
            formTokenKey: formTokenKey, postgres: PostgresServices(store: store, relay: relay, connections: connections))
    }
}

extension ServerEnvironment {
    /// The parts both databases share, around the store each `open` made.
    private init(
        directory: DataDirectory, keyRing: KeyRing, keyStore: any KeyRingStore, writer: DatabaseWriter, readers: DatabaseReaders,
        availability: AvailabilityCache, changeBell: ChangeBell, secureCookies: Bool, clock: ServerClock, passwordHasher: PasswordHasher,
        throttles: Throttles, metrics: ServerMetrics, formTokenKey: [UInt8], postgres: PostgresServices?
    ) throws {
        let accounts = DatabaseAccountStore(writer: writer, readers: readers)
        self.init(
            dataDirectory: directory, writer: writer, readers: readers, accounts: accounts,
            sessions: SessionStore(accounts: accounts, secureCookies: secureCookies), availability: availability,
            changeBell: changeBell,
            keys: try ServerKeys(ring: keyRing, store: keyStore), clock: clock, passwordHasher: passwordHasher,
            throttles: throttles, metrics: metrics, formTokenKey: formTokenKey, postgres: postgres)
    }
}

/// What a server on PostgreSQL runs beside its requests.
struct PostgresServices: Sendable {
    let store: PostgresStore
    let relay: PostgresChangeRelay
    let connections: BlockingPostgresPool
}
