import Shared

/// Accounts and their sign-in sessions, as sign-up, log-in and sessions see them.
/// `DatabaseAccountStore` keeps them in the server's database, SQLite or PostgreSQL, through the
/// same repository (`AccountRepository`), so its rules are written once; `AccountStoreTests`
/// holds both databases to them.
protocol AccountStore: Sendable {
    /// A new account; `AccountError.emailTaken` when the address, however it is typed, has one.
    func create(email: String, displayName: String, passwordHash: String, role: Account.Role, now: Int64) async throws -> Account
    /// The account and its password hash for `email` however it is typed (EmailAddress). An
    /// account left without a key by a collision answers to its exact address.
    func credentials(email: String) async throws -> (account: Account, passwordHash: String)?
    func account(id: Int64) async throws -> Account?
    /// `AccountError.lastOrganiser` rather than leave no organiser, however many processes try
    /// at once.
    func setRole(_ role: Account.Role, accountID: Int64) async throws -> Account
    func createSession(tokenHash: [UInt8], accountID: Int64, now: Int64, expiresAt: Int64) async throws
    func deleteSession(tokenHash: [UInt8]) async throws
    /// The account a live session belongs to, and when the session ends.
    func sessionAccount(tokenHash: [UInt8], now: Int64) async throws -> (account: Account, expiresAt: Int64)?
}

/// Accounts in the server's database: writes as writer jobs, reads on a reader.
struct DatabaseAccountStore: AccountStore {
    let writer: DatabaseWriter
    let readers: DatabaseReaders

    func create(email: String, displayName: String, passwordHash: String, role: Account.Role, now: Int64) async throws -> Account {
        try await writer.write { transaction in
            try AccountRepository.create(email: email, displayName: displayName, passwordHash: passwordHash, role: role, now: now, in: transaction)
        }
    }

    func credentials(email: String) async throws -> (account: Account, passwordHash: String)? {
        // No account has a NUL in its address (sign-up refuses one), and PostgreSQL's text
        // cannot even hold it for the comparison: a log-in with one is an unknown address.
        guard !email.contains("\u{0}") else { return nil }
        return try readers.read { try AccountRepository.credentials(email: email, in: $0) }.map { (account: $0.0, passwordHash: $0.1) }
    }

    func account(id: Int64) async throws -> Account? {
        try readers.read { try AccountRepository.account(id: id, in: $0) }
    }

    func setRole(_ role: Account.Role, accountID: Int64) async throws -> Account {
        try await writer.write { try AccountRepository.setRole(role, accountID: accountID, in: $0) }
    }

    func createSession(tokenHash: [UInt8], accountID: Int64, now: Int64, expiresAt: Int64) async throws {
        try await writer.write { transaction in
            try AccountRepository.createSession(tokenHash: tokenHash, accountID: accountID, now: now, expiresAt: expiresAt, in: transaction)
        }
    }

    func deleteSession(tokenHash: [UInt8]) async throws {
        try await writer.write { try AccountRepository.deleteSession(tokenHash: tokenHash, in: $0) }
    }

    func sessionAccount(tokenHash: [UInt8], now: Int64) async throws -> (account: Account, expiresAt: Int64)? {
        try readers.read { try AccountRepository.sessionAccount(tokenHash: tokenHash, now: now, in: $0) }.map { (account: $0.0, expiresAt: $0.expiresAt) }
    }
}
