/// One row a query returned. Columns are read by name (`try row["seat_id"]`), as in GRDB, and a
/// read throws when the stored value is not what the program expects: a NULL where a value must
/// be, text where a number must be, a number out of the type's range, an unknown status. A
/// damaged or hand-edited database is reported, never read as some default.
public struct SQLiteRow: Sendable {
    /// The result columns' names, shared by every row of a statement.
    public let columns: [String]
    public let values: [SQLiteValue]

    /// A row of `values` under `columns`; also how another database's rows are read as SQLite's.
    public init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value in column `index` (0-based), for callers that inspect any type.
    public subscript(index: Int) -> SQLiteValue { values[index] }

    /// The value of `column`; throws if the column is missing, NULL or of another type.
    public subscript<Value: SQLiteColumnValue>(column: String) -> Value {
        get throws(SQLiteError) {
            let value = try raw(column)
            guard value != .null else { throw mismatch(column, value, Value.self) }
            guard let decoded = Value(sqliteValue: value) else { throw mismatch(column, value, Value.self) }
            return decoded
        }
    }

    /// The value of `column`, or nil if it is NULL; throws if it is missing or of another type.
    public subscript<Value: SQLiteColumnValue>(column: String) -> Value? {
        get throws(SQLiteError) {
            let value = try raw(column)
            guard value != .null else { return nil }
            guard let decoded = Value(sqliteValue: value) else { throw mismatch(column, value, Value.self) }
            return decoded
        }
    }

    private func raw(_ column: String) throws(SQLiteError) -> SQLiteValue {
        guard let index = columns.firstIndex(of: column) else {
            throw SQLiteError(code: .misuse, message: "no column \(column) in this row (it has \(columns.joined(separator: ", ")))")
        }
        return values[index]
    }

    private func mismatch(_ column: String, _ value: SQLiteValue, _ type: Any.Type) -> SQLiteError {
        SQLiteError(code: .mismatch, message: "column \(column) holds \(value), which is not a valid \(type)")
    }
}

/// A Swift type a column can be read as. `init?` fails for a stored value that does not fit.
public protocol SQLiteColumnValue {
    init?(sqliteValue: SQLiteValue)
}

extension Int64: SQLiteColumnValue {
    public init?(sqliteValue: SQLiteValue) {
        guard case .integer(let value) = sqliteValue else { return nil }
        self = value
    }
}

/// Narrower integers are read with a range check: 70000 is not a class number.
extension FixedWidthInteger where Self: SQLiteColumnValue {
    fileprivate init?(checking value: SQLiteValue) {
        guard case .integer(let stored) = value, let narrowed = Self(exactly: stored) else { return nil }
        self = narrowed
    }
}
extension Int: SQLiteColumnValue { public init?(sqliteValue: SQLiteValue) { self.init(checking: sqliteValue) } }
extension Int32: SQLiteColumnValue { public init?(sqliteValue: SQLiteValue) { self.init(checking: sqliteValue) } }
extension UInt32: SQLiteColumnValue { public init?(sqliteValue: SQLiteValue) { self.init(checking: sqliteValue) } }
extension UInt16: SQLiteColumnValue { public init?(sqliteValue: SQLiteValue) { self.init(checking: sqliteValue) } }
extension UInt8: SQLiteColumnValue { public init?(sqliteValue: SQLiteValue) { self.init(checking: sqliteValue) } }

/// A u64 is stored by its bit pattern (SQLite integers are signed 64-bit) and read back so.
extension UInt64: SQLiteColumnValue {
    public init?(sqliteValue: SQLiteValue) {
        guard case .integer(let value) = sqliteValue else { return nil }
        self = UInt64(bitPattern: value)
    }
}

/// Only 0 and 1 are booleans.
extension Bool: SQLiteColumnValue {
    public init?(sqliteValue: SQLiteValue) {
        guard case .integer(let value) = sqliteValue, value == 0 || value == 1 else { return nil }
        self = value == 1
    }
}

extension Double: SQLiteColumnValue {
    public init?(sqliteValue: SQLiteValue) {
        switch sqliteValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension String: SQLiteColumnValue {
    public init?(sqliteValue: SQLiteValue) {
        guard case .text(let value) = sqliteValue else { return nil }
        self = value
    }
}

extension Array: SQLiteColumnValue where Element == UInt8 {
    public init?(sqliteValue: SQLiteValue) {
        guard case .blob(let value) = sqliteValue else { return nil }
        self = value
    }
}

/// A status stored as its name: an unknown name is an error, never a guessed default.
extension SQLiteColumnValue where Self: RawRepresentable, RawValue == String {
    public init?(sqliteValue: SQLiteValue) {
        guard case .text(let name) = sqliteValue else { return nil }
        self.init(rawValue: name)
    }
}
