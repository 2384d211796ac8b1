import Foundation
import Logging
import Shared

/// What an operator with the data directory (or the PostgreSQL database) can do when nobody can
/// sign in as an organiser: make an organiser, or give an account a new password (ending its
/// sessions). Works beside running servers: the database serialises the writes, and the servers
/// read sessions again within `SessionStore.cacheLifetime`.
public enum AccountRecovery {
    /// A fresh random password of 16 URL-safe characters (96 bits).
    static func newPassword() -> String {
        Base64URL.encode(SecureRandom.bytes(count: 12))
    }

    /// Creates an organiser, or makes an existing account one; returns its new password.
    public static func createOrganiser(
        email rawEmail: String, name rawName: String, dataDirectory: String, database: PostgresLocation? = nil
    ) throws -> String {
        let email = try InputRules.email(rawEmail)
        let name = try InputRules.displayName(rawName)
        let password = newPassword()
        let hash = try PasswordHasher.standard.hash(password)
        try inTransaction(dataDirectory, database) { transaction in
            if let existing = try AccountRepository.credentials(email: email, in: transaction)?.0 {
                try transaction.run("UPDATE account SET role = 'organiser', password_hash = ? WHERE id = ?", hash, existing.id)
                try transaction.run("DELETE FROM session WHERE account_id = ?", existing.id)
            } else {
                _ = try AccountRepository.create(
                    email: email, displayName: name, passwordHash: hash, role: .organiser, now: Int64(Date().timeIntervalSince1970),
                    in: transaction)
            }
        }
        return password
    }

    /// Sets a new random password for `email` and ends its sessions; returns the password.
    public static func resetPassword(email: String, dataDirectory: String, database: PostgresLocation? = nil) throws -> String {
        let password = newPassword()
        let hash = try PasswordHasher.standard.hash(password)
        try inTransaction(dataDirectory, database) { transaction in
            guard let account = try AccountRepository.credentials(email: email, in: transaction)?.0
            else { throw AccountRecoveryError("no account has the email \(email)") }
            try transaction.run("UPDATE account SET password_hash = ? WHERE id = ?", hash, account.id)
            try transaction.run("DELETE FROM session WHERE account_id = ?", account.id)
        }
        return password
    }

    /// Runs `body` in one transaction on the server's database: PostgreSQL's with `location`,
    /// else the data directory's SQLite file.
    private static func inTransaction(_ dataDirectory: String, _ location: PostgresLocation?, _ body: (WriteTransaction) throws -> Void) throws {
        if let location {
            let pool = BlockingPostgresPool(location: location, size: 1, logger: Logger(label: "ticket-server"))
            try pool.transactionOnThisThread(.serial) { try body(WriteTransaction($0)) }
            return
        }
        try withDatabase(dataDirectory) { database in
            try database.transaction { try body(WriteTransaction($0)) }
        }
    }

    private static func withDatabase(_ dataDirectory: String, _ body: (SQLiteDatabase) throws -> Void) throws {
        let path = DataDirectory.databasePath(in: dataDirectory)
        guard (PrivateFiles.size(of: path) ?? 0) > 0 else {
            throw AccountRecoveryError("there is no server database at \(path)")
        }
        let database = try SQLiteDatabase(path: path, durability: .full)
        // A server not started since an upgrade may have left the schema behind.
        for collision in try ServerSchema.migrate(database) {
            FileHandle.standardError.write(Data("warning: \(collision)\n".utf8))
        }
        try body(database)
    }
}

public struct AccountRecoveryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
