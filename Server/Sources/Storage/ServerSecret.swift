import Shared

/// Keys the server draws itself on first start and keeps in its database: the key of the form
/// tokens (FormProtection). One connection of its own at start, before the writer runs; a
/// second process starting beside it finds the key the first one drew (INSERT OR IGNORE).
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
}
