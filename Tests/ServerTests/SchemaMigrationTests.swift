import Foundation
@testable import Server
import Shared
import Testing

/// A database written by an older server opens under the newer schema with nothing lost.
@Suite("Schema migrations")
struct SchemaMigrationTests {
    @Test("a database from before 'one name for the ticket class' keeps its classes, seats and tickets, and its keys still hold")
    func ticketClassRename() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("server.sqlite").path)

        let before = ServerSchema.migrator.migrations.prefix { $0.name != "one name for the ticket class" }
        try SQLiteMigrator(Array(before)).migrate(database)
        try database.execute("""
            INSERT INTO account VALUES (1, 'a@example.org', 'Ada', 'x', 'attendee', 0);
            INSERT INTO event VALUES (7, 'Gig', 'Hall', 100, 200, 50, 0, 90, 4, 0, 0);
            INSERT INTO ticket_class (event_id, zone, name, capacity) VALUES (7, 2, 'Stalls', NULL);
            INSERT INTO seat (id, event_id, row_label, seat_label, label, zone) VALUES (1, 7, 'A', '1', 'A-1', 2);
            INSERT INTO ticket (id, event_id, zone, seat_id, account_id, holder, status, token, created_at, changed_at)
                VALUES (42, 7, 2, 1, 1, 'Ada', 'valid', 'FT1:x', 0, 0);
            """)

        try ServerSchema.migrator.migrate(database)
        #expect(try database.scalar("SELECT ticket_class FROM ticket WHERE id = 42", as: Int.self) == 2)
        #expect(try database.scalar("SELECT ticket_class FROM seat WHERE id = 1", as: Int.self) == 2)
        #expect(try database.scalar("SELECT name FROM ticket_class WHERE event_id = 7 AND ticket_class = 2", as: String.self) == "Stalls")
        #expect(try database.rows("PRAGMA foreign_key_check").isEmpty)
        // The foreign key now names the renamed column: a seat of a class the event lacks is refused.
        #expect { try database.execute("INSERT INTO seat (event_id, row_label, seat_label, label, ticket_class) VALUES (7, 'A', '2', 'A-2', 9)") }
            throws: { ($0 as? SQLiteError)?.code == .constraintForeignKey }
    }
}
