import CSQLite

/// One prepared statement of a `SQLiteDatabase`; `deinit` finalizes it.
public final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let database: SQLiteDatabase
    public let sql: String
    /// The result columns' names, read once when the statement is prepared.
    private let columns: [String]

    init(database: SQLiteDatabase, sql: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let result = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard result == SQLITE_OK, let handle else { throw database.lastError(sql: sql) }
        self.handle = handle
        self.database = database
        self.sql = sql
        columns = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `arguments` to parameters 1…n, after clearing earlier bindings.
    /// The corresponding C calls are `sqlite3_bind_*`.
    public func bind(_ arguments: [any SQLiteBindable]) throws(SQLiteError) {
        sqlite3_clear_bindings(handle)
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch argument.sqliteValue {
            case .null: result = sqlite3_bind_null(handle, index)
            case .integer(let value): result = sqlite3_bind_int64(handle, index, value)
            case .real(let value): result = sqlite3_bind_double(handle, index, value)
            case .text(let value):
                // Bound with its byte length: a NUL inside the text is kept, never a place where
                // the text silently ends ("alice@example.com\0junk" is not alice's email).
                var text = value
                result = text.withUTF8 {
                    sqlite3_bind_text64(
                        handle, index, UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
                        UInt64($0.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            case .blob(let value):
                result = value.withUnsafeBytes {
                    sqlite3_bind_blob64(handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64($0.count), csqlite_transient())
                }
            }
            guard result == SQLITE_OK else { throw database.lastError(sql: sql) }
        }
    }

    /// Steps to the next row, or returns nil (and resets) when there is none.
    /// The corresponding C call is `sqlite3_step`.
    public func next() throws(SQLiteError) -> SQLiteRow? {
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return SQLiteRow(columns: columns, values: (0..<Int32(columns.count)).map(value(at:)))
        case SQLITE_DONE:
            reset()
            return nil
        default:
            let error = database.lastError(sql: sql)
            reset()
            throw error
        }
    }

    /// Runs a statement to completion, ignoring any rows.
    public func run() throws(SQLiteError) {
        while try next() != nil {}
    }

    /// The corresponding C call is `sqlite3_reset`.
    public func reset() {
        sqlite3_reset(handle)
    }

    private func value(at column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let blob = sqlite3_column_blob(handle, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default: return .null
        }
    }
}
