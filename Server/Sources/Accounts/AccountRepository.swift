import Shared

/// Accounts and sessions in SQL. Each function runs on the connection it is given: the writer's
/// inside a group commit, or a reader's.
enum AccountRepository {
    static func create(
        email: String, displayName: String, passwordHash: String, role: Account.Role, now: Int64, in transaction: WriteTransaction
    ) throws -> Account {
        let email = EmailAddress.stored(email)
        do {
            try transaction.run(
                "INSERT INTO account (email, email_key, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                email, EmailAddress.key(email), displayName, passwordHash, role.rawValue, now)
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw AccountError.emailTaken
        }
        return Account(id: transaction.lastInsertRowID, email: email, displayName: displayName, role: role)
    }

    /// The account and its password hash for `email` however it is typed (EmailAddress), if there
    /// is one. An account left without a key by a collision answers to its exact address.
    static func credentials(email: String, in database: some SQLiteQuerying) throws -> (Account, String)? {
        let typed = EmailAddress.stored(email.trimmingCharacters(in: .whitespaces))
        return try database.row(
            "SELECT \(Account.columns), password_hash FROM account WHERE email_key = ? OR (email_key IS NULL AND email = ?) ORDER BY email_key IS NULL LIMIT 1",
            EmailAddress.key(typed), typed
        ).map { (try Account(row: $0), try $0["password_hash"]) }
    }

    static func account(id: Int64, in database: some SQLiteQuerying) throws -> Account? {
        try database.row("SELECT \(Account.columns) FROM account WHERE id = ?", id).map(Account.init(row:))
    }

    static func setRole(_ role: Account.Role, accountID: Int64, in transaction: WriteTransaction) throws -> Account {
        guard let current = try account(id: accountID, in: transaction) else { throw AccountError.notFound }
        if current.role == .organiser, role != .organiser,
            try transaction.scalar("SELECT COUNT(*) FROM account WHERE role = 'organiser'", as: Int.self) == 1
        {
            throw AccountError.lastOrganiser
        }
        try transaction.run("UPDATE account SET role = ? WHERE id = ?", role.rawValue, accountID)
        return Account(id: current.id, email: current.email, displayName: current.displayName, role: role)
    }

    static func createSession(tokenHash: [UInt8], accountID: Int64, now: Int64, expiresAt: Int64, in transaction: WriteTransaction) throws {
        try transaction.run(
            "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            tokenHash, accountID, now, expiresAt)
    }

    static func deleteSession(tokenHash: [UInt8], in transaction: WriteTransaction) throws {
        try transaction.run("DELETE FROM session WHERE token_hash = ?", tokenHash)
    }

    /// The account a live session belongs to.
    static func sessionAccount(tokenHash: [UInt8], now: Int64, in database: some SQLiteQuerying) throws -> (Account, expiresAt: Int64)? {
        try database.row(
            """
            SELECT a.id, a.email, a.display_name, a.role, s.expires_at FROM session s JOIN account a ON a.id = s.account_id
            WHERE s.token_hash = ? AND s.expires_at > ?
            """, tokenHash, now
        ).map { (try Account(row: $0), try $0["expires_at"]) }
    }
}
