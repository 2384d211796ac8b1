import CSQLite

/// A failed SQLite call: the result code, SQLite's message and the statement it concerned.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: SQLiteResultCode
    public let message: String
    public let sql: String?

    public init(code: SQLiteResultCode, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var isConstraintViolation: Bool { code.primary == .constraint }
    public var isBusy: Bool { code.primary == .busy || code.primary == .locked }

    /// A `UNIQUE` constraint on `column` (as SQLite names it: `ticket.seat_id`) failed. SQLite
    /// names the columns only in its message, so this is the one place that reads it.
    public func isUniqueViolation(on column: String) -> Bool {
        code == .constraintUnique && message.hasSuffix(": \(column)")
    }

    public var description: String {
        sql.map { "SQLite error \(code.rawValue): \(message) (in: \($0))" } ?? "SQLite error \(code.rawValue): \(message)"
    }
}

/// SQLite's extended result codes by name (https://sqlite.org/rescode.html), as GRDB names them.
public struct SQLiteResultCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code: the extended code's low byte.
    public var primary: SQLiteResultCode { SQLiteResultCode(rawValue: rawValue & 0xFF) }

    public static let error = SQLiteResultCode(rawValue: SQLITE_ERROR)
    public static let busy = SQLiteResultCode(rawValue: SQLITE_BUSY)
    public static let locked = SQLiteResultCode(rawValue: SQLITE_LOCKED)
    public static let constraint = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT)
    /// A stored value is not of the type the program reads it as (also raised by this layer).
    public static let mismatch = SQLiteResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = SQLiteResultCode(rawValue: SQLITE_MISUSE)
    public static let constraintPrimaryKey = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (6 << 8))
    public static let constraintUnique = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    public static let constraintCheck = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (1 << 8))
    public static let constraintForeignKey = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (3 << 8))
    public static let constraintNotNull = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT | (5 << 8))
}
