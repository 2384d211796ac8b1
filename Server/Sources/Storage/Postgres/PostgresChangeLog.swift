import GateProtocol
import Logging
import PostgresNIO
import Shared

/// The change log on PostgreSQL, read by gates as `seq > n`, with the trap of several writers
/// closed.
///
/// An identity (or `bigserial`) column hands out numbers when rows are inserted, not when their
/// transactions commit: writer 1 takes 41, writer 2 takes 42 and commits first, a gate reads 42
/// and asks for `seq > 42` from then on, and 41 is never seen. So a row is inserted with no
/// `seq`, in its writer's transaction, and numbered after it commits: a numbering round takes
/// an advisory lock, gives every committed row without a number the next numbers in insertion
/// order, and commits. Rounds follow one another, and each sees every number the rounds before
/// it gave, so numbers become visible in the order they are given: whoever reads `seq > n`
/// after seeing n has seen everything numbered up to n.
///
/// Why this and not the others (docs/SERVER.md): a lock per event around the append would make
/// every booking of an event wait for the one before it to commit, which is the event-wide lock
/// that capped pretix's sales; stopping readers at the oldest transaction in flight
/// (`pg_snapshot_xmin`) lets one long transaction hold every gate back. Numbering costs one
/// short transaction per round, shared by every change committed since the last one.
enum PostgresChangeLog {
    /// The advisory lock that makes numbering rounds follow one another.
    static let numberingLock: Int64 = 0x4647_5F73_6571  // "FG_seq"
    /// The channel a numbering round notifies, with the events it numbered changes of: every
    /// process's gates long-polling those events wake (a wake-up only; the table is the truth).
    static let channel = "festivalgate_changes"

    /// Appends an entry in the caller's transaction. It has no number, and gates do not see it,
    /// until a numbering round after the commit (`numberNew`).
    static func append(
        _ kind: ChangeKind, eventID: UInt32?, ticketID: UInt64? = nil, at now: Int64, detail: JSONValue = .object([]),
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO change_log (at, kind, event_id, ticket_id, detail)
            VALUES (\(now), \(kind.rawValue), \(eventID.map(Int64.init)), \(ticketID.map(Int64.init)), \(detail.description))
            """, logger: logger)
    }

    /// One numbering round: numbers every committed entry that has none, in insertion order,
    /// and notifies the events they belong to. Returns those events.
    ///
    /// READ COMMITTED, not serial: each statement must see every row committed up to when it
    /// starts, including those committed while the round waited for the lock.
    @discardableResult
    static func numberNew(_ store: PostgresStore) async throws -> Set<UInt32> {
        try await store.numbering.transaction(.lockedRows) { connection in
            try connection.run("SELECT pg_advisory_xact_lock(?)", arguments: [numberingLock])
            let numbered = try connection.rows(
                """
                WITH top AS (SELECT coalesce(max(seq), 0) AS seq FROM change_log),
                     waiting AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM change_log WHERE seq IS NULL)
                UPDATE change_log c SET seq = top.seq + waiting.n FROM top, waiting
                WHERE c.id = waiting.id
                RETURNING c.event_id
                """, arguments: [])
            let events = Set(try numbered.compactMap { row in (try row["event_id"] as Int64?).flatMap(UInt32.init(exactly:)) })
            if !events.isEmpty {
                let payload = events.sorted().map(String.init).joined(separator: ",")
                try connection.run("SELECT pg_notify(?, ?)", arguments: [channel, payload])
            }
            return events
        }
    }

    /// The highest number given so far, and the events of the entries numbered after `seq`
    /// (none when `seq` is nil: the caller is only learning where the log stands).
    static func eventsNumbered(after seq: Int64?, store: PostgresStore) async throws -> (top: Int64, events: Set<UInt32>) {
        try await store.numbering.transaction(.lockedRows) { connection in
            let top = try connection.scalar("SELECT coalesce(max(seq), 0) FROM change_log", arguments: [], as: Int64.self) ?? 0
            guard let seq, top > seq else { return (top, []) }
            let rows = try connection.rows(
                "SELECT DISTINCT event_id FROM change_log WHERE seq > ? AND seq <= ? AND event_id IS NOT NULL", arguments: [seq, top])
            return (top, Set(try rows.compactMap { UInt32(exactly: try $0["event_id"] as Int64) }))
        }
    }

    /// Numbered entries after `seq`, of one event or of all, in order.
    static func entries(after seq: Int64, eventID: UInt32?, limit: Int, client: PostgresClient, logger: Logger) async throws -> [ChangeLog.Entry] {
        let rows =
            if let eventID {
                try await client.query(
                    """
                    SELECT seq, at, kind, event_id, ticket_id, detail FROM change_log
                    WHERE event_id = \(Int64(eventID)) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                    """, logger: logger)
            } else {
                try await client.query(
                    "SELECT seq, at, kind, event_id, ticket_id, detail FROM change_log WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)",
                    logger: logger)
            }
        var entries: [ChangeLog.Entry] = []
        for try await (seq, at, kind, eventID, ticketID, detail) in rows.decode((Int64, Int64, String, Int64?, Int64?, String).self) {
            entries.append(
                ChangeLog.Entry(
                    seq: seq, at: at, kind: kind, eventID: eventID.flatMap(UInt32.init(exactly:)),
                    ticketID: ticketID.flatMap(UInt64.init(exactly:)), detail: detail))
        }
        return entries
    }
}
