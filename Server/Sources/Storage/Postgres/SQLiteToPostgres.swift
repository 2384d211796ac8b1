import Foundation
import Logging
import NIOCore
import PostgresNIO
import Shared

/// `ticket-server migrate-to-postgres`: a SQLite data directory's content moved into an empty
/// PostgreSQL database, in one transaction, then checked table by table.
///
/// Rows keep their ids (tickets' ids are in their signed tokens; gates know them) and the change
/// log keeps its numbers (gates' feed positions). The copy reads the SQLite file the way a
/// backup does, so a server may still run on it; whatever it commits after the copy began is
/// not moved, so stop it first for a final move.
public enum SQLiteToPostgres {
    /// Every table, parents before children, so each row's references exist when it arrives.
    static let tables = [
        "account", "session", "event", "ticket_class", "seat", "booking", "ticket", "signing_key", "device", "gate_scan",
        "admission", "gate_conflict", "server_secret", "waiting_room", "queue_entry", "sale_pause", "waitlist_entry",
        "waitlist_offer", "offer_seat", "change_log",
    ]
    /// Tables whose rows must arrive in an order: a reissued ticket refers to the one before
    /// it, and the change log's numbers are the order gates read it in.
    static let orderedTables = ["ticket": "id", "change_log": "seq"]
    /// Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table.
    static let batch = 500

    /// How many rows each table holds on both sides after the copy, in `tables`' order.
    public struct Summary: Sendable, CustomStringConvertible {
        public let rows: [(table: String, count: Int)]
        public var description: String {
            rows.filter { $0.count > 0 }.map { "\($0.count) \($0.table)" }.joined(separator: ", ")
        }
    }

    public static func copy(dataDirectory: String, to store: PostgresStore) async throws -> Summary {
        let path = DataDirectory.databasePath(in: dataDirectory)
        guard FileManager.default.fileExists(atPath: path) else {
            throw MigrationRefusal(description: "\(dataDirectory) has no database (\(DataDirectory.databaseName)): nothing to move")
        }
        let source = try SQLiteDatabase(path: path, readOnly: true)
        let version: Int = try source.row("PRAGMA user_version")?["user_version"] ?? 0
        guard version == ServerSchema.migrator.migrations.count else {
            throw MigrationRefusal(
                description: "\(path) is at schema version \(version), not \(ServerSchema.migrator.migrations.count): start this ticket-server on it once to bring it up to date, then move it")
        }
        // One consistent view of the SQLite file, read whole before the database is touched.
        var read: [String: [SQLiteRow]] = [:]
        try source.transaction { source in
            for table in tables {
                read[table] = try source.rows("SELECT * FROM \(table)" + (orderedTables[table].map { " ORDER BY \($0)" } ?? ""))
            }
        }
        let sourceRows = read
        // The keys move too: on PostgreSQL the ring is the database's (`PostgresKeyStore`).
        let keyFile = ServerKeyStore(dataDirectory: dataDirectory)
        let keyRing = keyFile.exists ? try keyFile.load() : nil
        try await store.migrate()
        let logger = store.logger
        return try await store.transaction { connection in
            for table in tables + ["key_ring"] {
                let existing = try await count(table, on: connection, logger: logger)
                guard existing == 0 else {
                    throw MigrationRefusal(description: "\(store.location) is not empty (\(existing) rows in \(table)): move into a new database")
                }
            }
            var rows: [(String, Int)] = []
            for table in tables {
                let copied = sourceRows[table] ?? []
                try await insert(copied, into: table, on: connection, logger: logger)
                let stored = try await count(table, on: connection, logger: logger)
                guard stored == copied.count else {
                    throw MigrationRefusal(description: "\(table): \(copied.count) rows read from SQLite but \(stored) in PostgreSQL")
                }
                rows.append((table, stored))
            }
            if let keyRing {
                let (text, digest) = PostgresKeyStore.document(keyRing)
                let now = Int64(Date().timeIntervalSince1970)
                try await connection.query(
                    "INSERT INTO key_ring (id, document, digest, changed_at) VALUES (1, \(text), \(digest), \(now))", logger: logger)
                rows.append(("key_ring", 1))
            }
            try await restartIdentities(on: connection, logger: logger)
            return Summary(rows: rows)
        }
    }

    /// Inserts one table's rows, each value converted to the PostgreSQL column of its name.
    private static func insert(_ all: [SQLiteRow], into table: String, on connection: PostgresConnection, logger: Logger) async throws {
        let columns = try await postgresColumns(table, on: connection, logger: logger)
        guard let first = all.first else { return }
        // The change log's numbers are its ids too: `id` only orders rows not yet numbered.
        let positions = try columns.map { column in
            let name = table == "change_log" && column.name == "id" ? "seq" : column.name
            guard let position = first.columns.firstIndex(of: name) else {
                throw MigrationRefusal(description: "\(table) has no column \(name) in SQLite")
            }
            return position
        }
        let overriding = table == "change_log" ? " OVERRIDING SYSTEM VALUE" : ""
        for start in stride(from: 0, to: all.count, by: batch) {
            let rows = all[start..<min(all.count, start + batch)]
            var bindings = PostgresBindings(capacity: rows.count * columns.count)
            var tuples: [String] = []
            for (rowIndex, row) in rows.enumerated() {
                var placeholders: [String] = []
                for (column, position) in zip(columns, positions) {
                    try bind(row[position], as: column, table: table, row: start + rowIndex + 1, into: &bindings)
                    placeholders.append("$\(bindings.count)")
                }
                tuples.append("(\(placeholders.joined(separator: ", ")))")
            }
            let sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", ")))\(overriding) VALUES \(tuples.joined(separator: ", "))"
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        }
    }

    private struct Column {
        let name: String
        let type: String
    }

    private static func postgresColumns(_ table: String, on connection: PostgresConnection, logger: Logger) async throws -> [Column] {
        var columns: [Column] = []
        let rows = try await connection.query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position",
            logger: logger)
        for try await (name, type) in rows.decode((String, String).self) { columns.append(Column(name: name, type: type)) }
        return columns
    }

    /// `value` bound as `column`'s type; a value SQLite holds that the column cannot take is an
    /// error naming where it is, never a silent change.
    private static func bind(_ value: SQLiteValue, as column: Column, table: String, row: Int, into bindings: inout PostgresBindings) throws {
        switch (value, column.type) {
        case (.null, _): bindings.appendNull()
        case (.integer(let number), "bigint"): bindings.append(number)
        case (.text(let text), "text"): bindings.append(text)
        case (.blob(let bytes), "bytea"): bindings.append(ByteBuffer(bytes: bytes))
        default:
            throw MigrationRefusal(description: "\(table) row \(row): \(column.name) holds \(value), which a \(column.type) column cannot take")
        }
    }

    /// Each identity column goes on from the largest id copied, so new rows never reuse one.
    private static func restartIdentities(on connection: PostgresConnection, logger: Logger) async throws {
        let identities = try await connection.query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
            logger: logger)
        var pairs: [(String, String)] = []
        for try await pair in identities.decode((String, String).self) { pairs.append(pair) }
        for (table, column) in pairs {
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce(max(\(column)), 0) + 1, false) FROM \(table)"),
                logger: logger)
        }
    }

    private static func count(_ table: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var count = 0
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: logger).decode(Int.self) {
            count = value
        }
        return count
    }
}

/// Why a data directory cannot be moved into a database as they are.
public struct MigrationRefusal: Error, CustomStringConvertible {
    public let description: String
}
