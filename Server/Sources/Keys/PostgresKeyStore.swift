import Foundation
import Logging
import Shared

/// The key ring kept in the PostgreSQL database (table `key_ring`, one row), so that every server
/// process on every machine issues under the same keys and `keys rotate` reaches all of them.
/// The row holds the ring as `keys.json` spells it, signing seeds included: a dump of the
/// database is as secret as the key file was (docs/SERVER.md).
///
/// Each running process reports what it made of each version in `key_ring_loaded`, under the
/// `application_name` its connections carry (`PostgresLocation.serverApplicationName`);
/// `pg_stat_activity` tells which of them still run.
public struct PostgresKeyStore: KeyRingStore {
    let connections: BlockingPostgresPool
    /// This process's name in `pg_stat_activity`, under which it reports.
    let process: String

    /// For a command: one connection of its own, on a database brought to the newest schema
    /// (the ring may be made before any server ever started on it).
    public static func migrated(_ location: PostgresLocation) async throws -> PostgresKeyStore {
        let logger = Logger(label: "ticket-server")
        let setup = PostgresStore(location: location, pool: 1, logger: logger)
        try await setup.whileRunning { _ = try await setup.migrate() }
        return PostgresKeyStore(connections: BlockingPostgresPool(location: location, size: 1, logger: logger))
    }

    init(connections: BlockingPostgresPool) {
        self.connections = connections
        process = connections.location.applicationName
    }

    public var place: String { "\(connections.location) (table key_ring)" }

    /// Locks the ring's row against a concurrent first start (there is no row to lock yet).
    private static let creationLock: Int64 = 0x4647_5F6B_6579  // "FG_key"

    public func digest() throws(ServerKeyStoreError) -> String? {
        try withDatabase { try $0.scalar("SELECT digest FROM key_ring WHERE id = 1", arguments: [], as: String.self) }
    }

    public func load() throws(ServerKeyStoreError) -> KeyRing {
        let document = try withDatabase { try $0.scalar("SELECT document FROM key_ring WHERE id = 1", arguments: [], as: String.self) }
        guard let document else { throw .missing(path: place) }
        return try decode(document)
    }

    @discardableResult
    public func create(avoiding usedKids: Set<UInt8>) throws(ServerKeyStoreError) -> KeyRing {
        try inTransaction { connection in
            try lockAgainstCreation(connection)
            guard try stored(connection) == nil else { throw ServerKeyStoreError.alreadyExists(path: place) }
            let ring: KeyRing
            do throws(KeyRingError) { ring = try KeyRing.generate(avoiding: usedKids) } catch { throw ServerKeyStoreError.keyRing(error) }
            try store(ring, on: connection, replacing: false)
            return ring
        }
    }

    public func update<Result>(_ change: (inout KeyRing) throws(KeyRingError) -> Result) throws(ServerKeyStoreError) -> Result {
        try inTransaction { connection in
            let document = try connection.scalar("SELECT document FROM key_ring WHERE id = 1 FOR UPDATE", arguments: [], as: String.self)
            guard let document else { throw ServerKeyStoreError.missing(path: place) }
            var ring = try decode(document)
            let result: Result
            do throws(KeyRingError) { result = try change(&ring) } catch { throw ServerKeyStoreError.keyRing(error) }
            try store(ring, on: connection, replacing: true)
            return result
        }
    }

    /// Where a starting server's ring comes from.
    public enum Origin: Equatable, Sendable {
        /// The database held it.
        case database
        /// It was `keys.json`, moved into the database by this start.
        case imported(path: String)
        /// It is new: neither the database nor the data directory had one, and no ticket was issued yet.
        case created
    }

    /// The ring a starting server issues under: the database's; else `file` (a `keys.json` from
    /// before the ring moved into the database), imported; else a new one, unless the database
    /// holds tickets issued under keys now gone. Processes starting together get the same ring:
    /// the first makes or imports it, the others wait for its commit and load it.
    func ringOnStart(importing file: ServerKeyStore, ticketCount: Int, recordedKids: Set<UInt8>) throws -> (KeyRing, Origin) {
        try inTransaction { connection in
            try lockAgainstCreation(connection)
            if let document = try stored(connection) { return (try decode(document), .database) }
            if file.exists {
                let ring = try file.load()
                try store(ring, on: connection, replacing: false)
                return (ring, .imported(path: file.path))
            }
            guard ticketCount == 0 else {
                throw ServerKeyStoreError.database(
                    """
                    \(place) holds no key ring, but the database holds \(ticketCount) tickets signed under kid \
                    \(recordedKids.sorted().map(String.init).joined(separator: ", ")). Put the keys.json they were signed with \
                    into the data directory to have it imported, or restore the database from a dump that holds its key_ring.
                    """)
            }
            let ring: KeyRing
            do throws(KeyRingError) { ring = try KeyRing.generate(avoiding: recordedKids) } catch { throw ServerKeyStoreError.keyRing(error) }
            try store(ring, on: connection, replacing: false)
            return (ring, .created)
        }
    }

    public func report(_ loaded: LoadedKeys) throws {
        let process = self.process
        try connections.withConnection { connection in
            _ = try connection.run(
                """
                INSERT INTO key_ring_loaded (process, digest, active_kid, error, loaded_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (process) DO UPDATE SET digest = excluded.digest, active_kid = excluded.active_kid,
                    error = excluded.error, loaded_at = excluded.loaded_at
                """,
                arguments: [process, loaded.digest, loaded.activeKid, loaded.error, Int64(Date().timeIntervalSince1970)])
            // Reports of processes that are gone: nobody waits for them any more.
            _ = try connection.run(
                """
                DELETE FROM key_ring_loaded WHERE NOT EXISTS (
                    SELECT 1 FROM pg_stat_activity WHERE application_name = key_ring_loaded.process)
                """,
                arguments: [])
        }
    }

    public func runningServers() throws -> [RunningServer] {
        let rows = try connections.withConnection { connection in
            try connection.rows(
                """
                SELECT running.name, loaded.digest, loaded.active_kid, loaded.error
                FROM (SELECT DISTINCT application_name AS name FROM pg_stat_activity
                      WHERE datname = current_database() AND application_name LIKE ?) AS running
                LEFT JOIN key_ring_loaded AS loaded ON loaded.process = running.name
                ORDER BY running.name
                """,
                arguments: [PostgresLocation.serverApplicationPrefix + "%"])
        }
        return try rows.map { row in
            let digest: String? = try row["digest"]
            return RunningServer(
                name: try row["name"] ?? "?",
                loaded: try digest.map { LoadedKeys(digest: $0, activeKid: try row["active_kid"], error: try row["error"]) })
        }
    }

    // MARK: The row

    private func stored(_ connection: BlockingPostgresConnection) throws -> String? {
        try connection.scalar("SELECT document FROM key_ring WHERE id = 1", arguments: [], as: String.self)
    }

    /// Taken first by whoever may create the row. The transaction reads committed rows, so
    /// whoever waited here then sees the row the first one made.
    private func lockAgainstCreation(_ connection: BlockingPostgresConnection) throws {
        try connection.execute("SELECT pg_advisory_xact_lock(\(Self.creationLock))")
    }

    /// The row's text for `ring`: the key file's spelling, and its digest (as a file's is taken).
    static func document(_ ring: KeyRing) -> (text: String, digest: String) {
        let document = KeyFile.encode(ring)
        return (String(decoding: document, as: UTF8.self), Hex.encode(SHA256.hash(Array(document))))
    }

    private func store(_ ring: KeyRing, on connection: BlockingPostgresConnection, replacing: Bool) throws {
        let document = Self.document(ring)
        let arguments: [any SQLiteBindable] = [document.text, document.digest, Int64(Date().timeIntervalSince1970)]
        if replacing {
            _ = try connection.run("UPDATE key_ring SET document = ?, digest = ?, changed_at = ? WHERE id = 1", arguments: arguments)
        } else {
            _ = try connection.run("INSERT INTO key_ring (id, document, digest, changed_at) VALUES (1, ?, ?, ?)", arguments: arguments)
        }
    }

    private func decode(_ document: String) throws(ServerKeyStoreError) -> KeyRing {
        do {
            return try KeyFile.decode(Data(document.utf8))
        } catch {
            throw .file(.invalid(path: place, reason: error.description))
        }
    }

    // MARK: Errors as the key store's

    private func withDatabase<Value>(_ body: (BlockingPostgresConnection) throws -> Value) throws(ServerKeyStoreError) -> Value {
        try run { try connections.withConnection(body) }
    }

    /// One transaction, reading committed rows (see `lockAgainstCreation`). The key store's own
    /// errors come out as they are, the database's as `.database`; a conflict runs it again.
    private func inTransaction<Value>(_ body: (BlockingPostgresConnection) throws -> Value) throws(ServerKeyStoreError) -> Value {
        try run { try connections.transactionOnThisThread(.lockedRows, body) }
    }

    private func run<Value>(_ body: () throws -> Value) throws(ServerKeyStoreError) -> Value {
        do {
            return try body()
        } catch let error as ServerKeyStoreError {
            throw error
        } catch {
            throw .database("\(connections.location): \(error)")
        }
    }
}
