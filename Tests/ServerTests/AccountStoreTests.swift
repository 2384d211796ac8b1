import Foundation
import Logging
@testable import Server
import Shared
import Testing
import TestSupport

/// The accounts store's rules, once for each store: SQLite through the writer, and PostgreSQL
/// on the private cluster (issue 25: a parameter, not a copy of each test).
@Suite("Accounts and sessions, on either store", TestStore.onceOnly)
struct AccountStoreTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    @Test("one account per address however it is typed; credentials by any spelling; an unknown id is nil", arguments: Kind.allCases)
    func accounts(kind: Kind) async throws {
        try await Self.withAccountStore(kind) { store in
            let ada = try await store.create(email: "Ada@Example.com", displayName: "Ada", passwordHash: "hash-a", role: .attendee, now: 1)
            for spelling in ["ada@example.com", "ADA@EXAMPLE.COM"] {
                await #expect(throws: AccountError.emailTaken) {
                    _ = try await store.create(email: spelling, displayName: "Copy", passwordHash: "x", role: .attendee, now: 2)
                }
            }
            let found = try await store.credentials(email: "  aDa@example.COM ")
            #expect(found?.account == ada && found?.passwordHash == "hash-a")
            #expect(try await store.credentials(email: "nobody@example.com") == nil)
            #expect(try await store.account(id: ada.id) == ada)
            #expect(try await store.account(id: ada.id + 1_000) == nil)
        }
    }

    @Test("a session answers until it ends or is deleted", arguments: Kind.allCases)
    func sessions(kind: Kind) async throws {
        try await Self.withAccountStore(kind) { store in
            let ada = try await store.create(email: "ada@example.com", displayName: "Ada", passwordHash: "h", role: .staff, now: 1)
            let hash = SHA256.hash(Array("token".utf8))
            try await store.createSession(tokenHash: hash, accountID: ada.id, now: 10, expiresAt: 100)
            let live = try await store.sessionAccount(tokenHash: hash, now: 99)
            #expect(live?.account == ada && live?.expiresAt == 100)
            #expect(try await store.sessionAccount(tokenHash: hash, now: 100) == nil, "ended")
            #expect(try await store.sessionAccount(tokenHash: SHA256.hash(Array("other".utf8)), now: 50) == nil)
            try await store.deleteSession(tokenHash: hash)
            #expect(try await store.sessionAccount(tokenHash: hash, now: 50) == nil, "deleted")
        }
    }

    @Test("the last two organisers demoted at once: one is, the other stays; no role change for an unknown account", arguments: Kind.allCases)
    func lastOrganiser(kind: Kind) async throws {
        try await Self.withAccountStore(kind) { store in
            let first = try await store.create(email: "one@example.com", displayName: "One", passwordHash: "h", role: .organiser, now: 1)
            let second = try await store.create(email: "two@example.com", displayName: "Two", passwordHash: "h", role: .organiser, now: 1)
            let outcomes = await withTaskGroup(of: Result<Account, any Error>.self) { group in
                for account in [first, second] {
                    group.addTask { await Result(catching: { () async throws(any Error) -> Account in try await store.setRole(.staff, accountID: account.id) }) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
            #expect(outcomes.contains { ($0.failure as? AccountError) == .lastOrganiser })
            let roles = [try await store.account(id: first.id)?.role, try await store.account(id: second.id)?.role]
            #expect(roles.filter { $0 == .organiser }.count == 1)
            await #expect(throws: AccountError.notFound) { _ = try await store.setRole(.staff, accountID: 9_999) }
        }
    }

    // MARK: Helpers

    /// A fresh store of `kind`, running for the length of `body`.
    static func withAccountStore(_ kind: Kind, _ body: @Sendable (any AccountStore) async throws -> Void) async throws {
        switch kind {
        case .sqlite:
            let directory = TemporaryDirectory("festivalgate-accounts")
            let environment = try ServerEnvironment.open(dataDirectory: directory.path, logger: Logger(label: "accounts-test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await environment.writer.run() }
                defer { group.cancelAll() }
                try await body(environment.accounts)
            }
        case .postgres:
            let url = try await PostgresCluster.shared().database()
            try await PostgresStoreTests.withStore(url) { try await $0.migrate() }
            let connections = BlockingPostgresPool(location: try PostgresLocation(url), size: 4, logger: Logger(label: "accounts-test"))
            try await body(
                DatabaseAccountStore(
                    writer: DatabaseWriter(postgres: connections, logger: Logger(label: "accounts-test")) { _ in },
                    readers: DatabaseReaders(postgres: connections)))
        }
    }
}

extension Result {
    /// Runs `body`, keeping its error.
    init(catching body: () async throws(Failure) -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
