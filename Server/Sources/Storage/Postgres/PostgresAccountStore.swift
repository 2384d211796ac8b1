import NIOCore
import PostgresNIO
import Shared

/// Accounts and sessions in PostgreSQL, shared by every server process on the database.
struct PostgresAccountStore: AccountStore {
    let store: PostgresStore
    private var client: PostgresClient { store.client }

    func create(email: String, displayName: String, passwordHash: String, role: Account.Role, now: Int64) async throws -> Account {
        let email = EmailAddress.stored(email)
        do {
            let rows = try await client.query(
                """
                INSERT INTO account (email, email_key, display_name, password_hash, role, created_at)
                VALUES (\(email), \(EmailAddress.key(email)), \(displayName), \(passwordHash), \(role.rawValue), \(now)) RETURNING id
                """, logger: store.logger)
            for try await id in rows.decode(Int64.self) {
                return Account(id: id, email: email, displayName: displayName, role: role)
            }
            throw PostgresSchemaError(description: "INSERT INTO account returned no id")
        } catch let error as PSQLError where error.isUniqueViolation {
            throw AccountError.emailTaken
        }
    }

    func credentials(email: String) async throws -> (account: Account, passwordHash: String)? {
        // PostgreSQL's text cannot hold NUL, so no account has such an address (SQLite's can
        // hold it, and finds none either).
        guard !email.contains("\u{0}") else { return nil }
        let typed = EmailAddress.stored(email.trimmingCharacters(in: .whitespaces))
        let rows = try await client.query(
            """
            SELECT id, email, display_name, role, password_hash FROM account
            WHERE email_key = \(EmailAddress.key(typed)) OR (email_key IS NULL AND email = \(typed))
            ORDER BY email_key IS NULL LIMIT 1
            """, logger: store.logger)
        for try await (id, email, name, role, hash) in rows.decode((Int64, String, String, String, String).self) {
            return (try Self.account(id, email, name, role), hash)
        }
        return nil
    }

    func account(id: Int64) async throws -> Account? {
        let rows = try await client.query("SELECT id, email, display_name, role FROM account WHERE id = \(id)", logger: store.logger)
        for try await (id, email, name, role) in rows.decode((Int64, String, String, String).self) {
            return try Self.account(id, email, name, role)
        }
        return nil
    }

    /// The organisers' rows are locked first, so two processes demoting the last two at once
    /// take turns, and the second one sees only one left.
    func setRole(_ role: Account.Role, accountID: Int64) async throws -> Account {
        try await store.transaction { connection in
            var organisers: [Int64] = []
            let locked = try await connection.query(
                "SELECT id FROM account WHERE role = 'organiser' OR id = \(accountID) ORDER BY id FOR UPDATE", logger: store.logger)
            for try await id in locked.decode(Int64.self) { organisers.append(id) }
            var current: Account?
            for try await (id, email, name, stored) in try await connection.query(
                "SELECT id, email, display_name, role FROM account WHERE id = \(accountID)", logger: store.logger
            ).decode((Int64, String, String, String).self) {
                current = try Self.account(id, email, name, stored)
            }
            guard let current else { throw AccountError.notFound }
            if current.role == .organiser, role != .organiser {
                var count = 0
                for try await value in try await connection.query(
                    "SELECT count(*)::bigint FROM account WHERE role = 'organiser'", logger: store.logger
                ).decode(Int.self) { count = value }
                if count == 1 { throw AccountError.lastOrganiser }
            }
            try await connection.query("UPDATE account SET role = \(role.rawValue) WHERE id = \(accountID)", logger: store.logger)
            return Account(id: current.id, email: current.email, displayName: current.displayName, role: role)
        }
    }

    func createSession(tokenHash: [UInt8], accountID: Int64, now: Int64, expiresAt: Int64) async throws {
        try await client.query(
            "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (\(ByteBuffer(bytes: tokenHash)), \(accountID), \(now), \(expiresAt))",
            logger: store.logger)
    }

    func deleteSession(tokenHash: [UInt8]) async throws {
        try await client.query("DELETE FROM session WHERE token_hash = \(ByteBuffer(bytes: tokenHash))", logger: store.logger)
    }

    func sessionAccount(tokenHash: [UInt8], now: Int64) async throws -> (account: Account, expiresAt: Int64)? {
        let rows = try await client.query(
            """
            SELECT a.id, a.email, a.display_name, a.role, s.expires_at FROM session s JOIN account a ON a.id = s.account_id
            WHERE s.token_hash = \(ByteBuffer(bytes: tokenHash)) AND s.expires_at > \(now)
            """, logger: store.logger)
        for try await (id, email, name, role, expiresAt) in rows.decode((Int64, String, String, String, Int64).self) {
            return (try Self.account(id, email, name, role), expiresAt)
        }
        return nil
    }

    /// An account from its columns; an unknown role is a damaged row, reported, never guessed.
    private static func account(_ id: Int64, _ email: String, _ name: String, _ role: String) throws -> Account {
        guard let role = Account.Role(rawValue: role) else {
            throw PostgresSchemaError(description: "account \(id) has the unknown role '\(role)'")
        }
        return Account(id: id, email: email, displayName: name, role: role)
    }
}

extension PSQLError {
    /// A unique constraint refused the row (SQLSTATE 23505).
    var isUniqueViolation: Bool { serverInfo?[.sqlState] == "23505" }
}
