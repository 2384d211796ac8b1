import Shared
import Synchronization

/// Read-only connections to the server's database, lent out one caller at a time.
///
/// In WAL mode readers never wait for the writer and see the last committed state. Reads are
/// short and synchronous, so the number of connections in use at once is bounded by the threads
/// running requests; the pool keeps what it has opened for reuse.
public final class DatabaseReaders: Sendable {
    private let path: String
    private let idle = Mutex<[ConnectionHandOff]>([])

    public init(path: String) {
        self.path = path
    }

    /// Runs `body` with a read connection of its own for the duration of the call.
    public func read<Result>(_ body: (SQLiteDatabase) throws -> Result) throws -> Result {
        let connection = try idle.withLock { $0.popLast() } ?? ConnectionHandOff(
            SQLiteDatabase(path: path, durability: .normal, readOnly: true))
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection.database)
    }
}
