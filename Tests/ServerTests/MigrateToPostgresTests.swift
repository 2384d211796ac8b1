import Foundation
import PostgresNIO
@testable import Server
import Shared
import Testing
import TestSupport

/// `ticket-server migrate-to-postgres` (issue 25) from a real server's data directory into a
/// real, empty PostgreSQL database.
@Suite("Moving a data directory into PostgreSQL", TestStore.onceOnly)
struct MigrateToPostgresTests {
    static let runner = ProductRunner(product: "ticket-server")

    @Test("the demo with bookings, a gate and scans moves whole: every table's rows, ids and change numbers; a second move is refused and changes nothing")
    func demoWithBookingsMoves() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http)
            let tickets = try await network.tickets(10)
            let others = try await network.tickets(2, fan: "other")
            let gate = try await network.enrolledGate("North-1")
            try gate.start()
            defer { gate.cancel() }
            try gate.show(others[0].token)
            #expect(await gate.waitForVerdicts(1).first?["verdict"] as? String == "admit")
            await gate.stop()
            let cancelled = try await network.client.send(.POST, "/api/v1/tickets/\(tickets[0].id)/revoke", token: network.organiser)
            #expect(cancelled.status == 200, "\(cancelled.text)")
            await network.stopServer()

            let url = try await PostgresCluster.shared().database()
            let moved = try await Self.runner.run(["migrate-to-postgres", "--data", network.serverData, "--database", url])
            try #require(moved.status == 0, "\(moved.standardError)")
            #expect(moved.standardOutput.contains("12 ticket"), "\(moved.standardOutput)")

            let sqlite = try SQLiteDatabase(path: network.serverData + "/festivalgate.sqlite", readOnly: true)
            let counts = try SQLiteToPostgres.tables.map { try sqlite.scalar("SELECT COUNT(*) FROM \($0)", as: Int.self) ?? -1 }
            let ticketIDs = try sqlite.rows("SELECT id FROM ticket ORDER BY id").map { try $0["id"] as Int }
            let seqs = try sqlite.rows("SELECT seq FROM change_log ORDER BY seq").map { try $0["seq"] as Int }
            let lastAccount = try sqlite.scalar("SELECT MAX(id) FROM account", as: Int.self) ?? 0
            try await PostgresStoreTests.withStore(url) { store in
                for (table, count) in zip(SQLiteToPostgres.tables, counts) {
                    let there = try await PostgresStoreTests.ints(store, "SELECT count(*)::bigint FROM \(table)")
                    #expect(there == [count], "\(table)")
                }
                #expect(try await PostgresStoreTests.ints(store, "SELECT id FROM ticket ORDER BY id") == ticketIDs)
                #expect(try await PostgresStoreTests.ints(store, "SELECT seq FROM change_log ORDER BY seq") == seqs)
                #expect(try await PostgresStoreTests.ints(store, "SELECT count(*)::bigint FROM ticket WHERE status = 'revoked'") == [1])
                #expect(try await PostgresStoreTests.ints(store, "SELECT count(*)::bigint FROM admission WHERE inside = 1") == [1])
                #expect(try await PostgresStoreTests.ints(store, "SELECT count(*)::bigint FROM gate_scan") == [1])
                // New rows go on after the moved ones.
                try await store.client.query(
                    "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES ('new@example.com', 'New', 'x', 'attendee', 0)")
                let newest = try await PostgresStoreTests.ints(store, "SELECT max(id) FROM account")
                #expect(newest == [lastAccount + 1])
                // Numbering goes on after the moved change log too.
                try await store.client.withTransaction(logger: PostgresStoreTests.logger) { connection in
                    try await PostgresChangeLog.append(.eventChanged, eventID: 1, at: 0, on: connection, logger: PostgresStoreTests.logger)
                }
                try await PostgresChangeLog.numberNew(store)
                #expect(try await PostgresStoreTests.ints(store, "SELECT max(seq) FROM change_log") == [(seqs.last ?? 0) + 1])
            }

            let again = try await Self.runner.run(["migrate-to-postgres", "--data", network.serverData, "--database", url])
            #expect(again.status != 0 && again.standardError.contains("is not empty"), "\(again.standardError)")
            let ticketsAfter = try await PostgresStoreTests.withStore(url) { store in
                try await PostgresStoreTests.ints(store, "SELECT count(*)::bigint FROM ticket")
            }
            #expect(ticketsAfter == [ticketIDs.count])
        }
    }

    @Test("a --database that is no PostgreSQL URL, and a directory with no database, are refused with the reason")
    func refusals() async throws {
        let directory = TemporaryDirectory("festivalgate-move")
        let badURL = try await Self.runner.run(["migrate-to-postgres", "--data", directory.path, "--database", "mysql://x@y/z"])
        #expect(badURL.status != 0 && badURL.standardError.contains("postgres://"), "\(badURL.standardError)")
        let url = try await PostgresCluster.shared().database()
        let empty = try await Self.runner.run(["migrate-to-postgres", "--data", directory.path, "--database", url])
        #expect(empty.status != 0 && empty.standardError.contains("has no database"), "\(empty.standardError)")
    }
}
