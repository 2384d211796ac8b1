import Shared

/// Accounts and sessions in SQL. Each function runs on the connection it is given: the writer's
/// inside a group commit, or a reader's.
enum AccountRepository {
    static func create(
        email: String, displayName: String, passwordHash: String, role: Account.Role, now: Int64, in database: SQLiteDatabase
    ) throws -> Account {
        do {
            try database.run(
                "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                email, displayName, passwordHash, role.rawValue, now)
        } catch {
            guard error.isConstraintViolation else { throw error }
            throw APIError(.conflict, "email_taken", "an account with this email already exists")
        }
        return Account(row: try database.row("SELECT \(Account.columns) FROM account WHERE id = ?", database.lastInsertRowID)!)
    }

    /// The account and its password hash for `email`, if there is one.
    static func credentials(email: String, in database: SQLiteDatabase) throws -> (Account, String)? {
        try database.row("SELECT \(Account.columns), password_hash FROM account WHERE email = ?", email).map {
            (Account(row: $0), $0.string(4)!)
        }
    }

    static func account(id: Int64, in database: SQLiteDatabase) throws -> Account? {
        try database.row("SELECT \(Account.columns) FROM account WHERE id = ?", id).map(Account.init(row:))
    }

    static func setRole(_ role: Account.Role, accountID: Int64, in database: SQLiteDatabase) throws -> Account {
        guard let current = try account(id: accountID, in: database) else { throw APIError.notFound("account") }
        if current.role == .organiser, role != .organiser,
            try database.row("SELECT COUNT(*) FROM account WHERE role = 'organiser'")?.int(0) == 1
        {
            throw APIError(
                .conflict, "last_organiser",
                "this is the only organiser: make someone else an organiser first, or nobody could run the event")
        }
        try database.run("UPDATE account SET role = ? WHERE id = ?", role.rawValue, accountID)
        guard database.changes == 1, let account = try account(id: accountID, in: database) else { throw APIError.notFound("account") }
        return account
    }

    static func createSession(tokenHash: [UInt8], accountID: Int64, now: Int64, expiresAt: Int64, in database: SQLiteDatabase) throws {
        try database.run(
            "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            tokenHash, accountID, now, expiresAt)
    }

    static func deleteSession(tokenHash: [UInt8], in database: SQLiteDatabase) throws {
        try database.run("DELETE FROM session WHERE token_hash = ?", tokenHash)
    }

    /// The account a live session belongs to.
    static func sessionAccount(tokenHash: [UInt8], now: Int64, in database: SQLiteDatabase) throws -> (Account, expiresAt: Int64)? {
        try database.row(
            """
            SELECT a.id, a.email, a.display_name, a.role, s.expires_at FROM session s JOIN account a ON a.id = s.account_id
            WHERE s.token_hash = ? AND s.expires_at > ?
            """, tokenHash, now
        ).map { (Account(row: $0), $0.int64(4)!) }
    }
}
