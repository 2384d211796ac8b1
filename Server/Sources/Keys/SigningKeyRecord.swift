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
                        description: "kid \(key.kid) in the key file is not the key this database recorded under kid \(key.kid); "
                            + "tickets it signed would no longer verify. Restore the original keys.json")
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

/// What the database of a data directory says about keys, for the `keys` commands. Read-only;
/// a directory without a database (or without the table yet) has none of either.
public enum KeyHistory {
    /// Kids that ever signed (or could have signed) a ticket on this directory's database.
    public static func recordedKids(dataDirectory: String) throws -> Set<UInt8> {
        try reading(dataDirectory, table: "signing_key") { Set(try SigningKeyRecord.recorded(in: $0).keys) } ?? []
    }

    /// Tickets the directory's database holds, in any status.
    public static func ticketCount(dataDirectory: String) throws -> Int {
        try reading(dataDirectory, table: "ticket") { try $0.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) } ?? 0
    }

    private static func reading<Value>(_ dataDirectory: String, table: String, _ body: (SQLiteDatabase) throws -> Value?) throws -> Value? {
        let path = DataDirectory.databasePath(in: dataDirectory)
        guard (PrivateFiles.size(of: path) ?? 0) > 0 else { return nil }
        let database = try SQLiteDatabase(path: path, durability: .normal, readOnly: true)
        guard try database.row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table) != nil else { return nil }
        return try body(database)
    }
}
