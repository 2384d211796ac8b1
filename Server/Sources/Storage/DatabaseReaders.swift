import Shared
import Synchronization

/// Read-only connections to the server's database, lent out one caller at a time.
///
/// On SQLite, in WAL mode, readers never wait for the writer and see the last committed state.
/// Reads are short and synchronous, so the number of connections in use at once is bounded by
/// the threads running requests; the pool keeps what it has opened for reuse.
///
/// On PostgreSQL a read borrows a pooled connection (`BlockingPostgresPool`) and runs outside
/// any transaction, each statement seeing what is committed when it starts, as on SQLite.
public final class DatabaseReaders: Sendable {
    private enum Backend: Sendable {
        case sqlite(path: String)
        case postgres(BlockingPostgresPool)
    }

    private let backend: Backend
    private let idle = Mutex<[ConnectionHandOff]>([])

    public init(path: String) {
        backend = .sqlite(path: path)
    }

    init(postgres pool: BlockingPostgresPool) {
        backend = .postgres(pool)
    }

    /// Runs `body` with a read connection of its own for the duration of the call.
    public func read<Result>(_ body: (any SQLiteQuerying) throws -> Result) throws -> Result {
        switch backend {
        case .postgres(let pool):
            return try pool.withConnection { try body($0) }
        case .sqlite(let path):
            let connection = try idle.withLock { $0.popLast() } ?? ConnectionHandOff(
                SQLiteDatabase(path: path, durability: .normal, readOnly: true))
            defer { idle.withLock { $0.append(connection) } }
            return try body(connection.database)
        }
    }
}
