import Shared

/// Which database a connection speaks to. The repositories' SQL is written once, in SQLite's
/// dialect, and `PostgresDialect` translates the few spellings that differ; the rare rule that
/// needs a different statement asks this.
enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// What the server's repositories run their SQL on: SQLite's connection, or a PostgreSQL one
/// that answers the same way (`BlockingPostgresConnection`).
protocol SQLConnection: SQLiteQuerying, AnyObject {
    var dialect: SQLDialect { get }
    /// Runs `sql` and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, arguments: [any SQLiteBindable]) throws -> Int
    /// Runs `sql`, which takes no arguments (SAVEPOINT and the like).
    func execute(_ sql: String) throws
    /// The id the last INSERT into a table with an `id` gave its row.
    var lastInsertRowID: Int64 { get }
    /// Rows changed by the last statement.
    var changes: Int { get }
}

extension SQLiteDatabase: SQLConnection {
    var dialect: SQLDialect { .sqlite }
}
