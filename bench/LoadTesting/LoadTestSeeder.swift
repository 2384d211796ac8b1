import Foundation
import Server
import Shared

/// Seeds a fresh data directory for a load test: halls of numbered seats on sale now, a
/// demo-sized hall for availability reads, and attendee accounts that are already signed in.
/// The sessions are made here rather than through log-in because scrypt is meant to be slow,
/// and thousands of log-ins would measure the KDF instead of booking.
///
/// It writes the rows with plain SQL on a connection of its own, after the server's code has
/// created and migrated the database: a bench tool, it needs none of the server's rules.
public enum LoadTestSeeder {
    public struct Plan: Sendable {
        /// One hall per load level, so that every level books seats nobody has taken.
        public var halls: Int
        public var seatsPerHall: Int
        public var attendees: Int
        /// Each hall's general-admission class (class 2) holds this many.
        public var generalAdmission = 300
        /// Tickets one attendee may hold per hall; nil: enough that the limit is never what is measured.
        public var perPersonLimit: Int?
        /// When the halls' sale opens (Unix seconds); nil: an hour ago, on sale now.
        public var saleOpensAt: Int64?
        /// A waiting room in front of every hall's sale, opening then (its seed drawn here).
        public var waitingRoom: (opensAt: Int64, activeBuyers: Int, turnSeconds: Int)?

        public init(halls: Int, seatsPerHall: Int, attendees: Int, generalAdmission: Int = 300, perPersonLimit: Int? = nil) {
            self.halls = halls
            self.seatsPerHall = seatsPerHall
            self.attendees = attendees
            self.generalAdmission = generalAdmission
            self.perPersonLimit = perPersonLimit
        }
    }

    public struct Seeded: Sendable {
        /// Per hall: its event id and its seat ids, in order.
        public let halls: [(eventID: UInt32, seatIDs: [Int64])]
        /// The 240-seat demo-sized hall whose availability is read.
        public let readEventID: UInt32
        /// Bearer tokens of the attendees, in account order.
        public let sessionTokens: [String]
        public let accountIDs: [Int64]
        /// Bearer token of an organiser, for what only organisers may do (raising a capacity).
        public let organiserToken: String
    }

    public static func seed(databasePath: String, plan: Plan) throws -> Seeded {
        let database = try SQLiteDatabase(path: databasePath, durability: .normal)
        guard try database.scalar("SELECT COUNT(*) FROM event", as: Int.self) == 0 else {
            throw SeedError(description: "\(databasePath) already holds events; a load test needs a fresh data directory")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let day: Int64 = 24 * 3600
        let startsAt = (now / day + 30) * day + 16 * 3600
        // Every attendee may book all the seats that fall to them; the limit is not what is measured.
        let limit = plan.perPersonLimit ?? max(10, plan.halls * plan.seatsPerHall / max(1, plan.attendees) + 10)
        return try database.transaction { database in
            func event(_ name: String, seats: Int, seatsPerRow: Int) throws -> (eventID: UInt32, seatIDs: [Int64]) {
                try database.run(
                    """
                    INSERT INTO event (name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at,
                                       per_person_limit, created_at, changed_at)
                    VALUES (?, 'Load Test Arena', ?, ?, ?, ?, ?, ?, ?, ?)
                    """, name, startsAt, startsAt + 8 * 3600, startsAt - 2 * 3600, plan.saleOpensAt ?? now - 3600, startsAt, limit, now, now)
                let eventID = UInt32(database.lastInsertRowID)
                if let room = plan.waitingRoom {
                    try database.run(
                        "INSERT INTO waiting_room (event_id, opens_at, active_buyers, turn_seconds, seed) VALUES (?, ?, ?, ?, ?)",
                        eventID, room.opensAt, room.activeBuyers, room.turnSeconds, SecureRandom.bytes(count: 32))
                }
                try database.run(
                    "INSERT INTO ticket_class (event_id, ticket_class, name, price_cents, capacity) VALUES (?, 1, 'Stalls', 3000, NULL)", eventID)
                try database.run(
                    "INSERT INTO ticket_class (event_id, ticket_class, name, price_cents, capacity) VALUES (?, 2, 'Meadow (general admission)', 2000, ?)",
                    eventID, plan.generalAdmission)
                var seatIDs: [Int64] = []
                for index in 0..<seats {
                    let row = "R\(index / seatsPerRow + 1)", seat = String(index % seatsPerRow + 1)
                    try database.run(
                        "INSERT INTO seat (event_id, row_label, seat_label, label, ticket_class) VALUES (?, ?, ?, ?, 1)", eventID, row, seat, "\(row)-\(seat)")
                    seatIDs.append(database.lastInsertRowID)
                }
                return (eventID, seatIDs)
            }
            let halls = try (1...max(1, plan.halls)).map { try event("Load test hall \($0)", seats: plan.seatsPerHall, seatsPerRow: 50) }
            let readEventID = try event("Availability hall", seats: 240, seatsPerRow: 20).eventID
            // One hash for every attendee: nobody logs in with it, it only fills the column.
            let passwordHash = try PasswordHasher.fast.hash(Hex.encode(SecureRandom.bytes(count: 12)))
            let tokens = (0..<plan.attendees).map { _ in Hex.encode(SecureRandom.bytes(count: 32)) }
            var accountIDs: [Int64] = []
            for (index, token) in tokens.enumerated() {
                try database.run(
                    "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES (?, ?, ?, 'attendee', ?)",
                    "attendee\(index)@load.example", "Attendee \(index)", passwordHash, now)
                let accountID = database.lastInsertRowID
                try database.run(
                    "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    SHA256.hash(Array(token.utf8)), accountID, now, now + 30 * day)
                accountIDs.append(accountID)
            }
            let organiserToken = Hex.encode(SecureRandom.bytes(count: 32))
            try database.run(
                "INSERT INTO account (email, display_name, password_hash, role, created_at) VALUES ('office@load.example', 'Office', ?, 'organiser', ?)",
                passwordHash, now)
            try database.run(
                "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                SHA256.hash(Array(organiserToken.utf8)), database.lastInsertRowID, now, now + 30 * day)
            return Seeded(halls: halls, readEventID: readEventID, sessionTokens: tokens, accountIDs: accountIDs, organiserToken: organiserToken)
        }
    }

    public struct SeedError: Error, CustomStringConvertible {
        public let description: String
    }
}
