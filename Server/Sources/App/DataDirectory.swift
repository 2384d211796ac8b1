import Foundation
import Shared

/// The server's data directory: `festivalgate.sqlite` and `keys.json`, owner-only, held by one
/// server at a time. Opening it refuses every state in which starting would lose or split
/// tickets: a database gone beside its keys, keys gone beside issued tickets, a key file that is
/// not the one the tickets were signed with.
public final class DataDirectory: Sendable {
    public static let databaseName = "festivalgate.sqlite"
    public static let lockName = "server.lock"

    public let path: String
    /// Held for the server's lifetime. @unchecked Sendable: never touched after init; its
    /// descriptor is closed once, in its own deinit. Shared when the database is PostgreSQL: the
    /// directory then holds only the keys, which the processes on this machine share.
    private let lock: LockHolder

    public var databasePath: String { Self.databasePath(in: path) }
    public var keyStore: ServerKeyStore { ServerKeyStore(dataDirectory: path) }

    public static func databasePath(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(databaseName)
    }

    /// Whether a server is running on `directory` now.
    public static func isInUse(_ directory: String) -> Bool {
        DirectoryLock.isHeld(directory: directory, name: lockName)
    }

    /// Opens (on first start, creates) the directory and returns it with its key ring.
    /// `acceptNewDatabase` is the operator saying on purpose that a missing or empty database
    /// beside existing keys is to start empty.
    public static func open(_ path: String, acceptNewDatabase: Bool = false, now: Int64) throws -> (DataDirectory, KeyRing) {
        try refusing { try PrivateFiles.directory(path) }
        let lock = try refusing { try DirectoryLock(directory: path, name: lockName, program: "ticket-server") }
        let keyStore = ServerKeyStore(dataDirectory: path)
        let databasePath = databasePath(in: path)
        let databaseSize = PrivateFiles.size(of: databasePath)
        if keyStore.exists, (databaseSize ?? 0) == 0, !acceptNewDatabase {
            throw StartupRefusal(
                """
                \(databasePath) is \(databaseSize == nil ? "missing" : "empty"), but \(keyStore.path) exists: this directory \
                has issued tickets before, and they would be lost. Restore the database from a backup; to start with an empty \
                database on purpose, run again with --accept-new-database.
                """)
        }
        try PrivateFiles.database(databasePath)
        let database = try SQLiteDatabase(path: databasePath, durability: .full)
        try ServerSchema.migrator.migrate(database)

        let ring: KeyRing
        if keyStore.exists {
            ring = try keyStore.load()
            try keyStore.makePrivate()
        } else {
            let tickets = try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0
            let kids = try SigningKeyRecord.recorded(in: database).keys.sorted()
            guard tickets == 0 else {
                throw StartupRefusal(
                    """
                    \(keyStore.path) is missing, but the database holds \(tickets) tickets signed under kid \
                    \(kids.map(String.init).joined(separator: ", ")). Restore keys.json from a backup. To issue under new \
                    keys on purpose (gates will still need the old kiosk export for the old tickets), run \
                    'ticket-server keys init --data \(path) --replace-lost-keys'.
                    """)
            }
            ring = try keyStore.create(avoiding: Set(kids))
        }
        do {
            try database.transaction { try SigningKeyRecord.record(ring, now: now, in: WriteTransaction($0)) }
        } catch let mismatch as SigningKeyMismatch {
            throw StartupRefusal(mismatch.description)
        }
        return (DataDirectory(path: path, lock: LockHolder(lock)), ring)
    }

    /// Opens (on first start, creates) the directory of a server whose database is PostgreSQL.
    /// The key ring is in the database then (`PostgresKeyStore`); the directory holds at most a
    /// `keys.json` from before, to be imported. Several processes may share it: the lock is
    /// shared, and keeps a SQLite server off the directory while they run.
    public static func openShared(_ path: String) throws -> DataDirectory {
        try refusing { try PrivateFiles.directory(path) }
        let running = try refusing {
            try DirectoryLock(directory: path, name: lockName, program: "ticket-server (on SQLite)", shared: true)
        }
        return DataDirectory(path: path, lock: LockHolder(running))
    }

    /// `body`'s failure (a directory or lock that cannot be had) as the reason not to start.
    private static func refusing<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch {
            throw StartupRefusal(String(describing: error))
        }
    }

    private init(path: String, lock: LockHolder) {
        self.path = path
        self.lock = lock
    }

    private struct LockHolder: @unchecked Sendable {
        let lock: DirectoryLock
        init(_ lock: DirectoryLock) { self.lock = lock }
    }
}

/// Why the server will not start on a data directory, with what to do about it.
public struct StartupRefusal: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
