import Logging
import Shared

/// The kids a server on this database has ever loaded (`signing_key`), so that none is reused
/// for another key and a lost or swapped key file is caught.
enum SigningKeyRecord {
    /// Every recorded kid with its Ed25519 public key.
    static func recorded(in database: some SQLiteQuerying) throws -> [UInt8: [UInt8]] {
        var kids: [UInt8: [UInt8]] = [:]
        for row in try database.rows("SELECT kid, ed25519_public_key FROM signing_key") {
            kids[try row["kid"]] = try row["ed25519_public_key"]
        }
        return kids
    }

    /// Records every key of `ring`; a kid recorded with another public key is refused, since
    /// tickets signed under the old key would then fail and the new key's would clash with them.
    static func record(_ ring: KeyRing, now: Int64, in transaction: WriteTransaction) throws {
        let known = try recorded(in: transaction)
        for key in ring.keys {
            if let earlier = known[key.kid] {
                guard earlier == key.publicKey else {
                    throw SigningKeyMismatch(
                        description: "kid \(key.kid) in the key ring is not the key this database recorded under kid \(key.kid); "
                            + "tickets it signed would no longer verify. Restore the original keys (keys.json, or on PostgreSQL the key_ring table)")
                }
            } else {
                try transaction.run(
                    "INSERT INTO signing_key (kid, ed25519_public_key, recorded_at) VALUES (?, ?, ?)", key.kid, key.publicKey, now)
            }
        }
    }
}

/// A key file that does not match the keys this database has recorded.
public struct SigningKeyMismatch: Error, CustomStringConvertible {
    public let description: String
}

/// What the server's database says about keys, for the `keys` commands: the data directory's
/// SQLite file, or the PostgreSQL database of `--database`. Read-only; a database without the
/// tables yet has none of either.
public enum KeyHistory {
    /// Kids that ever signed (or could have signed) a ticket on this database.
    public static func recordedKids(dataDirectory: String, database: PostgresLocation? = nil) throws -> Set<UInt8> {
        try reading(dataDirectory, database, table: "signing_key") { Set(try SigningKeyRecord.recorded(in: $0).keys) } ?? []
    }

    /// Tickets the database holds, in any status.
    public static func ticketCount(dataDirectory: String, database: PostgresLocation? = nil) throws -> Int {
        try reading(dataDirectory, database, table: "ticket") { try $0.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) } ?? 0
    }

    private static func reading<Value>(
        _ dataDirectory: String, _ location: PostgresLocation?, table: String, _ body: (any SQLiteQuerying) throws -> Value?
    ) throws -> Value? {
        if let location {
            let pool = BlockingPostgresPool(location: location, size: 1, logger: Logger(label: "ticket-server"))
            return try pool.withConnection { connection in
                let exists = try connection.row(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", arguments: [table])
                return exists == nil ? nil : try body(connection)
            }
        }
        let path = DataDirectory.databasePath(in: dataDirectory)
        guard (PrivateFiles.size(of: path) ?? 0) > 0 else { return nil }
        let database = try SQLiteDatabase(path: path, durability: .normal, readOnly: true)
        guard try database.row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table) != nil else { return nil }
        return try body(database)
    }
}
