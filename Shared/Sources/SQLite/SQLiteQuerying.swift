/// Reading rows: what a connection and a write job's handle have in common, so that a
/// repository's queries run on either.
public protocol SQLiteQuerying {
    func rows(_ sql: String, arguments: [any SQLiteBindable]) throws -> [SQLiteRow]
    func row(_ sql: String, arguments: [any SQLiteBindable]) throws -> SQLiteRow?
    func scalar<Value: SQLiteColumnValue>(_ sql: String, arguments: [any SQLiteBindable], as type: Value.Type) throws -> Value?
}

extension SQLiteQuerying {
    /// Every row of `sql` with `arguments`.
    public func rows(_ sql: String, _ arguments: any SQLiteBindable...) throws -> [SQLiteRow] {
        try rows(sql, arguments: arguments)
    }

    /// The first row of `sql` with `arguments`, if any.
    public func row(_ sql: String, _ arguments: any SQLiteBindable...) throws -> SQLiteRow? {
        try row(sql, arguments: arguments)
    }

    /// The first column of the first row of `sql`, or nil if there is no row or it is NULL: for
    /// `SELECT COUNT(*) …` and the like. Throws if the value is of another type.
    public func scalar<Value: SQLiteColumnValue>(
        _ sql: String, _ arguments: any SQLiteBindable..., as type: Value.Type = Value.self
    ) throws -> Value? {
        try scalar(sql, arguments: arguments, as: type)
    }
}
