import Shared

/// What a write job may do with the writer's connection: read, change rows, and nest work in
/// savepoints. It cannot begin, commit or roll back: the writer owns the transaction that
/// groups a batch of jobs, and one job ending it would commit or discard the others' work.
///
/// It also collects the events a job changed, so that once the batch is durable the writer
/// can tell the caches (`DatabaseWriter.onCommit`), wherever the change was made.
public final class WriteTransaction: SQLiteQuerying {
    private let database: any SQLConnection
    private var savepoints = 0
    /// Events whose sales, seats, classes or tickets this batch changed.
    private(set) var changedEvents: Set<UInt32> = []

    init(_ database: any SQLConnection) {
        self.database = database
    }

    /// Whether the job runs on SQLite or PostgreSQL, for the rare statement that differs.
    var dialect: SQLDialect { database.dialect }

    /// Appended to a SELECT whose rows the job relies on: `FOR UPDATE` on PostgreSQL, where jobs
    /// run side by side (`WriteIsolation.lockedRows`); nothing on SQLite, whose one writer
    /// already runs them one at a time.
    var lockingRows: String { dialect == .postgres ? " FOR UPDATE" : "" }

    /// Runs `sql` with `arguments` and returns the rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: any SQLiteBindable...) throws -> Int {
        guard !Self.controlsTransaction(sql) else {
            throw SQLiteError(code: .misuse, message: "a write job cannot begin, end or roll back the writer's transaction", sql: sql)
        }
        return try database.run(sql, arguments: arguments)
    }

    public func rows(_ sql: String, arguments: [any SQLiteBindable]) throws -> [SQLiteRow] {
        try database.rows(sql, arguments: arguments)
    }

    public func row(_ sql: String, arguments: [any SQLiteBindable]) throws -> SQLiteRow? {
        try database.row(sql, arguments: arguments)
    }

    public func scalar<Value: SQLiteColumnValue>(_ sql: String, arguments: [any SQLiteBindable], as type: Value.Type) throws -> Value? {
        try database.scalar(sql, arguments: arguments, as: type)
    }

    public var lastInsertRowID: Int64 { database.lastInsertRowID }
    public var changes: Int { database.changes }

    /// Runs `body` in a savepoint nested in the job's own: if it throws, only its changes are
    /// undone and the error passes through; the job may catch it and go on.
    public func savepoint<Result>(_ body: (WriteTransaction) throws -> Result) throws -> Result {
        savepoints += 1
        let name = "nested\(savepoints)"
        defer { savepoints -= 1 }
        try database.execute("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try database.execute("RELEASE \(name)")
            return result
        } catch {
            // If even the rollback fails, the job's state is unknown: that error ends the job.
            try database.execute("ROLLBACK TO \(name)")
            try database.execute("RELEASE \(name)")
            throw error
        }
    }

    /// Notes that this job changed `eventID`; the writer passes it on after the commit.
    func changed(event eventID: UInt32) {
        changedEvents.insert(eventID)
    }

    /// Called by the writer, on the same connection, around each job and batch.
    var connection: any SQLConnection { database }

    func forgetChanges() { changedEvents = [] }

    private static let transactionKeywords: Set<String> = ["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]

    /// Whether `sql` starts with a transaction keyword. Runs on every statement of every job, so
    /// it reads ASCII bytes rather than Characters (SQL keywords are ASCII).
    private static func controlsTransaction(_ sql: String) -> Bool {
        let start = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "(") }
        // `& 0xDF` upper-cases an ASCII letter; no other byte lands in A...Z that way.
        let word = start.prefix(10).prefix { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & 0xDF) }.map { $0 & 0xDF }
        return transactionKeywords.contains(String(decoding: word, as: UTF8.self))
    }
}
