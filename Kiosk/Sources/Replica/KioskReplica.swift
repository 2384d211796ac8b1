import Foundation
import Shared

/// The gate's running totals, for the screen.
public struct GateCounters: Sendable, Equatable {
    public var admitted = 0
    public var rejected = 0
    public var exited = 0
    public var inside = 0
    /// Scans not yet sent to the server.
    public var pending = 0

    public init(admitted: Int = 0, rejected: Int = 0, exited: Int = 0, inside: Int = 0, pending: Int = 0) {
        self.admitted = admitted
        self.rejected = rejected
        self.exited = exited
        self.inside = inside
        self.pending = pending
    }
}

/// The kiosk's SQLite file: its settings, the server's keys, the tickets it knows and every scan
/// it made. WAL with `synchronous=FULL`: a scan is on disk when `record` returns.
///
/// Not thread-safe: `Gatekeeper` serialises every use behind its lock.
public final class KioskReplica {
    public static let fileName = "kiosk.sqlite"
    public let database: SQLiteDatabase
    public let eventID: UInt32
    public let gate: String

    /// Throws `ReplicaError.notInitialised` unless `gate-kiosk init` has made a replica in
    /// `directory`: checked before anything else is done there (such as taking its lock).
    public static func requireInitialised(_ directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw ReplicaError.notInitialised(directory) }
    }

    /// Opens the replica in `directory`, which `gate-kiosk init` must have made.
    public init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        try Self.requireInitialised(directory)
        // The replica holds the event's AES keys: owner-only, whatever the umask.
        try PrivateFiles.directory(directory)
        try PrivateFiles.database(path)
        database = try SQLiteDatabase(path: path, durability: .full)
        try KioskSchema.migrator.migrate(database)
        guard let event = try Self.setting("event_id", in: database).flatMap(UInt32.init),
            let gate = try Self.setting("gate", in: database)
        else { throw ReplicaError.notInitialised(directory) }
        eventID = event
        self.gate = gate
    }

    /// Creates (or re-keys) the replica in `directory` for one event at one gate. A replica made
    /// for another event is refused: its scans belong to that event.
    @discardableResult
    public static func initialise(directory: String, eventID: UInt32, gate: String, keys: KeyRing, now: Int64) throws -> KioskReplica {
        guard !keys.holdsSecrets else { throw ReplicaError.keysHoldSeeds }
        try PrivateFiles.directory(directory)
        let path = (directory as NSString).appendingPathComponent(fileName)
        try PrivateFiles.database(path)
        let database = try SQLiteDatabase(path: path, durability: .full)
        try KioskSchema.migrator.migrate(database)
        try database.transaction { database in
            if let existing = try setting("event_id", in: database), existing != String(eventID) {
                throw ReplicaError.otherEvent(directory: directory, eventID: existing)
            }
            try store("event_id", String(eventID), in: database)
            try store("gate", gate, in: database)
            if try setting("initialised_at", in: database) == nil {
                try store("initialised_at", String(now), in: database)
            }
            try replaceKeys(with: keys, in: database)
            try store("keys_at", String(now), in: database)
        }
        return try KioskReplica(directory: directory)
    }

    /// The keys tokens are checked against.
    public func keyRing() throws -> KeyRing {
        let keys = try database.rows("SELECT kid, aes_key, public_key, status FROM key ORDER BY kid").map { row in
            try TokenKey(kid: try row["kid"], status: try row["status"], aesKey: try row["aes_key"], publicKey: try row["public_key"], seed: nil)
        }
        return try KeyRing(keys: keys)
    }

    public func ticket(id: UInt64) throws -> ReplicaTicket? {
        try database.row("SELECT \(ReplicaTicket.columns) FROM ticket WHERE id = ?", id).map(ReplicaTicket.init(row:))
    }

    /// Tickets whose id starts with `query`'s digits or whose holder's name contains it, for
    /// staff looking a ticket up by hand.
    public func search(_ query: String, limit: Int = 20) throws -> [ReplicaTicket] {
        try Self.search(query, limit: limit, in: database)
    }

    /// `search` on any connection to a replica (the gatekeeper keeps a read-only one for it).
    public static func search(_ query: String, limit: Int = 20, in database: SQLiteDatabase) throws -> [ReplicaTicket] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        let pattern = "%" + trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        var found = try database.rows(
            "SELECT \(ReplicaTicket.columns) FROM ticket WHERE holder LIKE ? ESCAPE '\\' ORDER BY holder LIMIT ?", pattern, limit
        ).map(ReplicaTicket.init(row:))
        // Ids are stored as u64 bit patterns; printf('%llu') spells them as the ticket shows them.
        if trimmed.allSatisfy(\.isASCII) && trimmed.allSatisfy(\.isNumber), found.count < limit {
            found += try database.rows(
                """
                SELECT \(ReplicaTicket.columns) FROM ticket
                WHERE printf('%llu', id) LIKE ? AND NOT holder LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?
                """, trimmed + "%", pattern, limit - found.count
            ).map(ReplicaTicket.init(row:))
        }
        return found
    }

    /// Appends `scan` to the log and applies `change` to its ticket, in one durable transaction.
    public func record(_ scan: Verdict, change: TicketChange?) throws {
        try database.transaction { database in
            switch change {
            case nil: break
            case .insert(let ticket):
                try database.run(
                    """
                    INSERT INTO ticket (id, event_id, status, holder, seat, ticket_class, origin, inside, used_at, used_gate, moved_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    ticket.id, ticket.eventID, ticket.status.rawValue, ticket.holder, ticket.seat, ticket.ticketClass,
                    ticket.origin.rawValue, ticket.inside, ticket.usedAt, ticket.usedGate, ticket.movedAt, scan.time)
            case .update(_, let ticket):
                try database.run(
                    "UPDATE ticket SET status = ?, inside = ?, used_at = ?, used_gate = ?, moved_at = ?, updated_at = ? WHERE id = ?",
                    ticket.status.rawValue, ticket.inside, ticket.usedAt, ticket.usedGate, ticket.movedAt, scan.time, ticket.id)
            }
            try database.run(
                """
                INSERT INTO scan (ticket_id, at, verdict, reason, direction, source, gate, in_replica, mode, redeem_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                scan.ticketID, scan.time, scan.admitted ? "admit" : "reject", scan.reason.rawValue, scan.direction.rawValue,
                scan.source.rawValue, scan.gate, scan.inReplica, scan.mode.rawValue, scan.redeemID)
        }
    }

    public func counters() throws -> GateCounters {
        let scans = try database.row(
            """
            SELECT COUNT(*) FILTER (WHERE verdict = 'admit' AND direction = 'entry') AS admitted,
                   COUNT(*) FILTER (WHERE verdict = 'reject') AS rejected,
                   COUNT(*) FILTER (WHERE verdict = 'admit' AND direction = 'exit') AS exited,
                   COUNT(*) FILTER (WHERE synced = 0) AS pending
            FROM scan
            """)!
        let inside = try database.scalar("SELECT COUNT(*) FROM ticket WHERE inside = 1", as: Int.self) ?? 0
        return GateCounters(
            admitted: try scans["admitted"], rejected: try scans["rejected"], exited: try scans["exited"], inside: inside,
            pending: try scans["pending"])
    }

    /// When tickets were last imported (milliseconds since 1970), if ever.
    public func lastImportAt() throws -> Int64? {
        try Self.lastImportAt(in: database)
    }

    static func lastImportAt(in database: SQLiteDatabase) throws -> Int64? {
        try setting("last_import_at", in: database).flatMap(Int64.init)
    }

    /// When `gate-kiosk init` last stored keys from a file (milliseconds since 1970); an enrolled
    /// gate gets them again with every sync instead.
    public func keysStoredAt() throws -> Int64? {
        try Self.setting("keys_at", in: database).flatMap(Int64.init)
    }

    public func ticketCount() throws -> Int {
        try Self.ticketCount(in: database)
    }

    static func ticketCount(in database: SQLiteDatabase) throws -> Int {
        try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0
    }

    static func setting(_ name: String, in database: SQLiteDatabase) throws -> String? {
        try database.scalar("SELECT value FROM setting WHERE name = ?", name, as: String.self)
    }

    /// Sets (or with nil, removes) one setting.
    static func store(_ name: String, _ value: String?, in database: SQLiteDatabase) throws {
        if let value {
            try database.run(
                "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value)
        } else {
            try database.run("DELETE FROM setting WHERE name = ?", name)
        }
    }

    /// The server's kiosk keys, in place of those held: from `init`, an enrollment, or the feed.
    static func replaceKeys(with keys: KeyRing, in database: SQLiteDatabase) throws {
        try database.run("DELETE FROM key")
        for key in keys.keys {
            try database.run(
                "INSERT INTO key (kid, aes_key, public_key, status) VALUES (?, ?, ?, ?)", key.kid, key.aesKey, key.publicKey,
                key.status.rawValue)
        }
    }
}

/// How a scan changes the ticket it is about.
public enum TicketChange: Sendable {
    /// A validly signed ticket the replica did not know.
    case insert(ReplicaTicket)
    /// Entered or left.
    case update(from: ReplicaTicket, to: ReplicaTicket)

    /// How the number of people inside changes.
    var insideDelta: Int {
        switch self {
        case .insert(let ticket): ticket.inside ? 1 : 0
        case .update(let before, let after): (after.inside ? 1 : 0) - (before.inside ? 1 : 0)
        }
    }
}

public enum ReplicaError: Error, Equatable, CustomStringConvertible {
    case notInitialised(String)
    case otherEvent(directory: String, eventID: String)
    case keysHoldSeeds

    public var description: String {
        switch self {
        case .notInitialised(let directory):
            "\(directory) holds no kiosk replica: run 'gate-kiosk init --data \(directory) --event ID --keys FILE' first"
        case .otherEvent(let directory, let eventID):
            "\(directory) is the replica of event \(eventID); use another --data directory for another event"
        case .keysHoldSeeds:
            "the key file holds signing seeds: give the kiosk the export ('ticket-server keys export-kiosk'), never the server's own keys"
        }
    }
}
