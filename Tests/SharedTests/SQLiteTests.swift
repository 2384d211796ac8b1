import Shared
import TestSupport
import Testing

@Suite("SQLite wrapper")
struct SQLiteTests {
    let migrator = SQLiteMigrator([
        .init("tickets", sql: "CREATE TABLE ticket (id INTEGER PRIMARY KEY, seat TEXT UNIQUE, data BLOB)"),
        .init("holder", sql: "ALTER TABLE ticket ADD COLUMN holder TEXT NOT NULL DEFAULT ''"),
    ])

    @Test("a database on disk opens in WAL mode with full sync, and migrations run once, in order")
    func openAndMigrate() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("test.sqlite")
        do {
            let database = try SQLiteDatabase(path: path)
            #expect(try database.row("PRAGMA journal_mode")?.string(0) == "wal")
            #expect(try database.row("PRAGMA synchronous")?.int(0) == 2)  // FULL
            try migrator.migrate(database)
            try database.run("INSERT INTO ticket (id, seat, holder) VALUES (?, ?, ?)", 1, "A-1", "Kim")
        }
        let reopened = try SQLiteDatabase(path: path)
        try migrator.migrate(reopened)  // nothing left to run: no error, no duplicate column
        #expect(try reopened.row("PRAGMA user_version")?.int(0) == 2)
        #expect(try reopened.row("SELECT holder FROM ticket WHERE id = ?", 1)?.string(0) == "Kim")
    }

    @Test("a database from a newer program is refused")
    func newerSchemaRefused() throws {
        let directory = TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("new.sqlite"))
        try database.execute("PRAGMA user_version = 9")
        #expect(throws: SQLiteError.self) { try migrator.migrate(database) }
    }

    @Test("values of every type round-trip, including u64 above Int64.max and blobs")
    func valuesRoundTrip() throws {
        let directory = TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("values.sqlite"))
        try database.execute("CREATE TABLE v (a INTEGER, b TEXT, c BLOB, d REAL, e INTEGER)")
        try database.run("INSERT INTO v VALUES (?, ?, ?, ?, ?)", UInt64.max, "김민수", [UInt8]([0, 255, 7]), 2.5, String?.none)
        let row = try #require(try database.row("SELECT a, b, c, d, e FROM v"))
        #expect(row.uint64(0) == UInt64.max)
        #expect(row.string(1) == "김민수")
        #expect(row.blob(2) == [0, 255, 7])
        #expect(row.double(3) == 2.5)
        #expect(row[4] == .null)
    }

    @Test("a unique violation is a constraint error and a failed transaction leaves nothing behind")
    func constraintAndRollback() throws {
        let directory = TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("tx.sqlite"))
        try migrator.migrate(database)
        try database.run("INSERT INTO ticket (id, seat) VALUES (1, 'A-1')")
        do {
            try database.transaction { database in
                try database.run("INSERT INTO ticket (id, seat) VALUES (2, 'A-2')")
                try database.run("INSERT INTO ticket (id, seat) VALUES (3, 'A-1')")
            }
            Issue.record("the duplicate seat was accepted")
        } catch let error as SQLiteError {
            #expect(error.isConstraintViolation)
            #expect(error.code == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        }
        #expect(try database.rows("SELECT id FROM ticket").compactMap { $0.int(0) } == [1])
    }

    @Test("a file that is not a database fails with a clear error")
    func notADatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("junk.sqlite")
        try "this is not a database, it is a text file with enough bytes in it to be read".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try SQLiteDatabase(path: path) } throws: { error in
            (error as? SQLiteError)?.message.contains("not a database") == true
        }
    }
}
