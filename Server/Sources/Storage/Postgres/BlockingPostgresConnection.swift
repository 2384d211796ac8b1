import Foundation
import Logging
import NIOCore
import PostgresNIO
import Shared
import Synchronization

/// One PostgreSQL connection that the server's repositories use as they use SQLite: each call
/// waits for its answer. It runs only on threads of the store's own (`BlockingPostgresPool`),
/// never on Swift's shared threads nor on an event loop: the connection's I/O happens on its
/// event loop while the calling thread waits.
///
/// Rows come back as `SQLiteRow`s of the same values SQLite would give (integers, reals, text,
/// blobs), and failures as `SQLiteError`s with SQLite's codes, so the domain's checks ("was this
/// the one-ticket-per-seat index?") read the same on both.
final class BlockingPostgresConnection: SQLConnection, @unchecked Sendable {
    // @unchecked: one thread uses it at a time; the pool lends it out and takes it back.
    let connection: PostgresConnection
    private let logger: Logger
    private(set) var lastInsertRowID: Int64 = 0
    private(set) var changes: Int = 0

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var dialect: SQLDialect { .postgres }
    var isClosed: Bool { connection.isClosed }

    func execute(_ sql: String) throws {
        _ = try perform(sql, arguments: [])
    }

    @discardableResult
    func run(_ sql: String, arguments: [any SQLiteBindable]) throws -> Int {
        try perform(sql, arguments: arguments)
        return changes
    }

    func rows(_ sql: String, arguments: [any SQLiteBindable]) throws -> [SQLiteRow] {
        try perform(sql, arguments: arguments)
    }

    func row(_ sql: String, arguments: [any SQLiteBindable]) throws -> SQLiteRow? {
        try rows(sql, arguments: arguments).first
    }

    func scalar<Value: SQLiteColumnValue>(_ sql: String, arguments: [any SQLiteBindable], as type: Value.Type) throws -> Value? {
        guard let first = try row(sql, arguments: arguments), !first.values.isEmpty, first.values[0] != .null else { return nil }
        guard let value = Value(sqliteValue: first.values[0]) else {
            throw SQLiteError(code: .mismatch, message: "\(first.values[0]) is not a valid \(Value.self)", sql: sql)
        }
        return value
    }

    @discardableResult
    private func perform(_ sql: String, arguments: [any SQLiteBindable]) throws -> [SQLiteRow] {
        let statement = PostgresDialect.translate(sql)
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqliteValue {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .real(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            }
        }
        let result: PostgresQueryResult
        do {
            result = try answer(to: connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: binds), logger: logger))
        } catch {
            throw Self.translate(error, sql: sql)
        }
        changes = result.metadata.rows ?? 0
        let rows = try result.rows.map(Self.sqliteRow)
        if statement.returnsNewID, let last = rows.last, case .integer(let id) = last.values.last {
            lastInsertRowID = id
            return []
        }
        return rows
    }

    /// The server's statements are short. One that has no answer after this long is on a
    /// connection that will never give one (a server gone without closing it): the connection is
    /// closed, and the caller told the database is unavailable.
    static let answerPatience: TimeInterval = 30

    private func answer(to query: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<PostgresQueryResult, any Error>?>(nil)
        query.whenComplete { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + Self.answerPatience) == .success, let result = outcome.withLock({ $0 }) else {
            logger.warning("no answer from PostgreSQL in \(Int(Self.answerPatience)) s; closing the connection")
            let closing: EventLoopFuture<Void> = connection.close()
            closing.whenComplete { [connection] _ in withExtendedLifetime(connection) {} }
            throw DatabaseUnavailable(retryAfter: PostgresStore.retryAfterSeconds)
        }
        return try result.get()
    }

    private static func sqliteRow(_ row: PostgresRow) throws -> SQLiteRow {
        var columns: [String] = []
        var values: [SQLiteValue] = []
        for cell in row {
            columns.append(cell.columnName)
            values.append(try sqliteValue(cell))
        }
        return SQLiteRow(columns: columns, values: values)
    }

    /// The value as SQLite would hold it: PostgreSQL's booleans as 0 and 1, whole numerics (a
    /// sum of bigints) as integers.
    private static func sqliteValue(_ cell: PostgresCell) throws -> SQLiteValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            // A sum of bigints is numeric: whole, it is the integer SQLite's SUM gives.
            let value = NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue
            if value == value.rounded(), abs(value) < 9e15 { return .integer(Int64(value)) }
            return .real(value)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// PostgreSQL's error as the SQLite error the repositories check for; a lost or unreachable
    /// server as `DatabaseUnavailable` (503, nothing was changed: the transaction never
    /// committed); a serialization failure or deadlock as `PostgresConflict`, retried whole.
    static func translate(_ error: any Error, sql: String) -> any Error {
        guard let error = error as? PSQLError else { return error }
        guard let state = error.serverInfo?[.sqlState] else {
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
                return DatabaseUnavailable(retryAfter: PostgresStore.retryAfterSeconds)
            default:
                return SQLiteError(code: .error, message: "PostgreSQL: \(String(reflecting: error))", sql: sql)
            }
        }
        let message = error.serverInfo?[.message] ?? "no message"
        switch state {
        case "40001", "40P01": return PostgresConflict(state: state, message: message)
        case "23505":
            // SQLite names a unique constraint by its columns: "UNIQUE constraint failed: ticket.seat_id".
            let table = error.serverInfo?[.tableName] ?? "?"
            let detail = error.serverInfo?[.detail] ?? ""
            let columns = detail.firstRange(of: "Key (").flatMap { start in
                detail[start.upperBound...].firstIndex(of: ")").map { detail[start.upperBound..<$0] }
            } ?? ""
            let named = columns.split(separator: ",").map { "\(table).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
            let primary = error.serverInfo?[.constraintName]?.hasSuffix("_pkey") == true
            return SQLiteError(code: primary ? .constraintPrimaryKey : .constraintUnique, message: "UNIQUE constraint failed: \(named)", sql: sql)
        case "23514": return SQLiteError(code: .constraintCheck, message: "CHECK constraint failed: \(message)", sql: sql)
        case "23503": return SQLiteError(code: .constraintForeignKey, message: "FOREIGN KEY constraint failed: \(message)", sql: sql)
        case "23502": return SQLiteError(code: .constraintNotNull, message: "NOT NULL constraint failed: \(message)", sql: sql)
        // RAISE EXCEPTION in the schema's triggers, as SQLite's RAISE(ABORT) in its own.
        case _ where state.hasPrefix("23"), "P0001": return SQLiteError(code: .constraint, message: message, sql: sql)
        case _ where state.hasPrefix("08") || state.hasPrefix("57P"):
            return DatabaseUnavailable(retryAfter: PostgresStore.retryAfterSeconds)
        default: return SQLiteError(code: .error, message: "PostgreSQL \(state): \(message)", sql: sql)
        }
    }
}

/// Two transactions that PostgreSQL could not both let through (a deadlock, or a serialization
/// failure): the loser's transaction is rolled back whole and may simply run again.
struct PostgresConflict: Error, CustomStringConvertible {
    let state: String
    let message: String
    var description: String { "PostgreSQL \(state): \(message)" }
}
