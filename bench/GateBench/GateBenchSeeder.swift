import Foundation
import Server
import Shared

/// Seeds a fresh data directory for the gate benchmark: one event whose gates are open, with
/// `tickets` issued tickets (each with its `ticket_issued` change-log entry, as a sale writes
/// it), and an organiser who is already signed in. Plain SQL after the server's own code made
/// and migrated the database: a bench tool, it needs none of the server's rules.
enum GateBenchSeeder {
    struct Seeded {
        let eventID: UInt32
        let ticketIDs: [UInt64]
        let organiserToken: String
    }

    static func seed(dataDirectory: String, tickets: Int) throws -> Seeded {
        let environment = try ServerEnvironment.open(dataDirectory: dataDirectory, passwordHasher: .fast, logger: .init(label: "gate-bench"))
        let database = try SQLiteDatabase(path: environment.dataDirectory.databasePath, durability: .normal)
        let now = Int64(Date().timeIntervalSince1970)
        let organiserToken = Hex.encode(SecureRandom.bytes(count: 32))
        var generator = SystemRandomNumberGenerator()
        var ids = Set<UInt64>()
        while ids.count < tickets { ids.insert(UInt64.random(in: 1...UInt64.max, using: &generator)) }
        let ticketIDs = Array(ids)
        let eventID = try database.transaction { database in
            try database.run(
                """
                INSERT INTO event (name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit, created_at, changed_at)
                VALUES ('Gate bench festival', 'Field', ?, ?, ?, ?, ?, 10, ?, ?)
                """, now + 3_600, now + 36_000, now - 600, now - 7_200, now + 30_000, now, now)
            let eventID = UInt32(database.lastInsertRowID)
            try database.run(
                "INSERT INTO ticket_class (event_id, ticket_class, name, price_cents, capacity) VALUES (?, 1, 'Field', 2000, NULL)", eventID)
            let hash = try PasswordHasher.fast.hash("not used")
            try database.run(
                "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES ('office@bench.example', 'Office', ?, 'organiser', ?)",
                hash, now)
            let accountID = database.lastInsertRowID
            try database.run(
                "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                SHA256.hash(Array(organiserToken.utf8)), accountID, now, now + 86_400)
            for (index, id) in ticketIDs.enumerated() {
                try database.run(
                    """
                    INSERT INTO ticket (id, event_id, ticket_class, account_id, holder, status, token, created_at, changed_at)
                    VALUES (?, ?, 1, ?, ?, 'valid', 'FT1:bench', ?, ?)
                    """, id, eventID, accountID, "Holder \(index)", now, now)
                try database.run(
                    "INSERT INTO change_log (at, kind, event_id, ticket_id) VALUES (?, 'ticket_issued', ?, ?)", now, eventID, id)
            }
            return eventID
        }
        return Seeded(eventID: eventID, ticketIDs: ticketIDs, organiserToken: organiserToken)
    }
}
