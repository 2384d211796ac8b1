/// Versioned schema migrations: the database's `user_version` says how many have run; on open,
/// the rest run in order, each in its own transaction. Tables are never edited by hand.
public struct SQLiteMigrator: Sendable {
    public struct Migration: Sendable {
        public let name: String
        public let sql: String
        public init(_ name: String, sql: String) {
            self.name = name
            self.sql = sql
        }
    }

    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Brings `database` up to the newest version. Refuses a database from a newer program.
    public func migrate(_ database: SQLiteDatabase) throws {
        let version: Int = try database.row("PRAGMA user_version")?["user_version"] ?? 0
        guard version <= migrations.count else {
            throw SQLiteError(
                code: .error,
                message: "database schema version \(version) is newer than this program knows (\(migrations.count))")
        }
        for (index, migration) in migrations.enumerated().dropFirst(version) {
            try database.transaction { database in
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
