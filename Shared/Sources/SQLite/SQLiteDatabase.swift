import CSQLite

/// One SQLite connection. Not thread-safe: own it from one thread, actor or lock at a time.
/// Every other file reaches SQLite through this class and `SQLiteStatement`.
public final class SQLiteDatabase: SQLiteQuerying {
    let handle: OpaquePointer
    public let path: String
    private var statementCache: [String: SQLiteStatement] = [:]

    /// How the connection trades speed against durability.
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: a committed transaction survives a power cut. Bookings and scans.
        case full = "FULL"
        /// `synchronous=NORMAL`: in WAL mode, safe from corruption, may lose the last commits.
        case normal = "NORMAL"
    }

    /// Opens (creating if needed) the database at `path` in WAL mode with foreign keys on.
    /// The corresponding C call is `sqlite3_open_v2`.
    public init(path: String, durability: Durability = .full, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: SQLiteResultCode(rawValue: result), message: "\(message): \(path)")
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        if !readOnly { try execute("PRAGMA journal_mode = WAL") }
        try execute("PRAGMA synchronous = \(durability.rawValue)")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows. The corresponding C call is `sqlite3_exec`.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard result == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: SQLiteResultCode(rawValue: sqlite3_extended_errcode(handle)), message: message, sql: sql)
        }
    }

    /// A new prepared statement. The corresponding C call is `sqlite3_prepare_v3`.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// The statement for `sql`, prepared on first use and reused afterwards (reset and unbound).
    public func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `sql` with `arguments` and returns the rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: any SQLiteBindable...) throws(SQLiteError) -> Int {
        try run(sql, arguments: arguments)
    }

    @discardableResult
    public func run(_ sql: String, arguments: [any SQLiteBindable]) throws(SQLiteError) -> Int {
        let statement = try cached(sql)
        try statement.bind(arguments)
        try statement.run()
        return changes
    }

    public func rows(_ sql: String, arguments: [any SQLiteBindable]) throws(SQLiteError) -> [SQLiteRow] {
        let statement = try cached(sql)
        try statement.bind(arguments)
        var rows: [SQLiteRow] = []
        while let row = try statement.next() { rows.append(row) }
        return rows
    }

    public func row(_ sql: String, arguments: [any SQLiteBindable]) throws(SQLiteError) -> SQLiteRow? {
        let statement = try cached(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.next()
    }

    public func scalar<Value: SQLiteColumnValue>(
        _ sql: String, arguments: [any SQLiteBindable], as type: Value.Type
    ) throws(SQLiteError) -> Value? {
        guard let value = try row(sql, arguments: arguments)?.values.first, value != .null else { return nil }
        guard let decoded = Value(sqliteValue: value) else {
            throw SQLiteError(code: .mismatch, message: "\(value) is not a valid \(Value.self)", sql: sql)
        }
        return decoded
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws (the
    /// error passes through unchanged). `IMMEDIATE` takes the write lock at the start, so two
    /// writers never deadlock upgrading a read lock.
    public func transaction<Result>(_ body: (SQLiteDatabase) throws -> Result) throws -> Result {
        try execute("BEGIN IMMEDIATE")
        let result: Result
        do {
            result = try body(self)
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        return result
    }

    /// Rows changed by the last statement. The corresponding C call is `sqlite3_changes64`.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    func lastError(sql: String?) -> SQLiteError {
        SQLiteError(
            code: SQLiteResultCode(rawValue: sqlite3_extended_errcode(handle)), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

