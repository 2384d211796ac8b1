import NIOCore
import PostgresNIO
import Shared

/// Keys the server draws itself on first start and keeps in its database: the key of the form
/// tokens (FormProtection). Every process on the database must use the same one, or a form
/// drawn by one would be refused by another: whichever process starts first draws it, and the
/// others find it (INSERT OR IGNORE on SQLite, ON CONFLICT DO NOTHING on PostgreSQL). On SQLite,
/// one connection of its own at start, before the writer runs.
enum ServerSecret {
    static func formTokenKey(databasePath: String) throws -> [UInt8] {
        try key(named: "form_token", databasePath: databasePath)
    }

    private static func key(named name: String, databasePath: String) throws -> [UInt8] {
        let database = try SQLiteDatabase(path: databasePath, durability: .full)
        _ = try database.run("INSERT OR IGNORE INTO server_secret (name, value) VALUES (?, ?)", name, SecureRandom.bytes(count: 32))
        guard let key = try database.scalar("SELECT value FROM server_secret WHERE name = ?", name, as: [UInt8].self) else {
            throw SQLiteError(code: .error, message: "server_secret.\(name) is missing just after it was stored")
        }
        return key
    }

    /// The form tokens' key on PostgreSQL.
    static func formTokenKey(in store: PostgresStore) async throws -> [UInt8] {
        try await key(named: "form_token", in: store)
    }

    private static func key(named name: String, in store: PostgresStore) async throws -> [UInt8] {
        // A process that loses the race waits for the winner's commit, but its statement's
        // snapshot is older than that commit and sees no row: the next statement does.
        for _ in 0..<3 {
            let drawn = ByteBuffer(bytes: SecureRandom.bytes(count: 32))
            let rows = try await store.client.query(
                """
                WITH drawn AS (INSERT INTO server_secret (name, value) VALUES (\(name), \(drawn)) ON CONFLICT (name) DO NOTHING RETURNING value)
                SELECT value FROM drawn UNION ALL SELECT value FROM server_secret WHERE name = \(name)
                """, logger: store.logger)
            var found: [UInt8]?
            for try await value in rows.decode(ByteBuffer.self) where found == nil {
                found = Array(value.readableBytesView)
            }
            if let found { return found }
        }
        throw PostgresSchemaError(description: "server_secret.\(name) is missing just after it was stored")
    }
}
