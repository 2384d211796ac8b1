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
            #expect(try database.scalar("PRAGMA journal_mode", as: String.self) == "wal")
            #expect(try database.scalar("PRAGMA synchronous", as: Int.self) == 2)  // FULL
            try migrator.migrate(database)
            try database.run("INSERT INTO ticket (id, seat, holder) VALUES (?, ?, ?)", 1, "A-1", "Kim")
        }
        let reopened = try SQLiteDatabase(path: path)
        try migrator.migrate(reopened)  // nothing left to run: no error, no duplicate column
        #expect(try reopened.scalar("PRAGMA user_version", as: Int.self) == 2)
        #expect(try reopened.scalar("SELECT holder FROM ticket WHERE id = ?", 1, as: String.self) == "Kim")
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
        #expect(try row["a"] as UInt64 == UInt64.max)
        #expect(try row["b"] as String == "김민수")
        #expect(try row["c"] as [UInt8] == [0, 255, 7])
        #expect(try row["d"] as Double == 2.5)
        #expect(row[4] == .null)
        #expect(try row["e"] as Int64? == nil)
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
            #expect(error.code == .constraintUnique)
            #expect(error.isUniqueViolation(on: "ticket.seat"))
        }
        #expect(try database.rows("SELECT id FROM ticket").map { try $0["id"] as Int } == [1])
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

    @Test("a stored value of the wrong type, out of range, NULL or an unknown name is an error naming the column, never a default")
    func storedValuePolicy() throws {
        enum Status: String, SQLiteColumnValue { case valid, revoked }
        let directory = TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("policy.sqlite"))
        try database.execute("CREATE TABLE t (zone INTEGER, status TEXT, note TEXT)")
        try database.run("INSERT INTO t VALUES (70000, 'lost', NULL)")
        let row = try #require(try database.row("SELECT zone, status, note FROM t"))
        #expect(try row["zone"] as Int64 == 70000)
        #expect { try row["zone"] as UInt16 } throws: { ($0 as? SQLiteError)?.code == .mismatch && "\($0)".contains("zone") }
        #expect { try row["status"] as Status } throws: { ($0 as? SQLiteError)?.code == .mismatch && "\($0)".contains("lost") }
        #expect { try row["note"] as String } throws: { ($0 as? SQLiteError)?.code == .mismatch }
        #expect(try row["note"] as String? == nil)
        #expect { try row["zone"] as String } throws: { ($0 as? SQLiteError)?.code == .mismatch }
        #expect { try row["seat"] as String } throws: { ($0 as? SQLiteError)?.code == .misuse && "\($0)".contains("no column seat") }
    }

    @Test("a primary key clash has its own named code")
    func namedCodes() throws {
        let directory = TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("codes.sqlite"))
        try migrator.migrate(database)
        try database.run("INSERT INTO ticket (id) VALUES (1)")
        #expect { try database.run("INSERT INTO ticket (id) VALUES (1)") } throws: { ($0 as? SQLiteError)?.code == .constraintPrimaryKey }
    }
}
