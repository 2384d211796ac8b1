import AsyncHTTPClient
import Foundation
import Logging
@testable import Server
import Shared
import Testing
import TestSupport

/// Three real `ticket-server serve --database` processes on one PostgreSQL database, as behind
/// deploy/nginx-balanced.conf: racing buyers spread over them, a gate on one hearing a cancel made
/// on another, one of them killed mid-burst, and PostgreSQL itself restarted mid-burst.
@Suite("Several server processes on one PostgreSQL database", .serialized, TestStore.onceOnly)
struct SeveralProcessesTests {
    static let generalAdmission = 500
    static let seatRows = 12
    static let seatsPerRow = 20

    /// Three processes sharing `directory` (for keys.json) and `database`.
    struct Processes {
        let processes: [ChildProcess]
        let bases: [String]
        let database: String

        static func start(database: String, directory: TemporaryDirectory, count: Int = 3) async throws -> Processes {
            var processes: [ChildProcess] = []
            var bases: [String] = []
            for _ in 0..<count {
                let (process, base) = try await CrashDurabilityTests.start([
                    "serve", "--data", directory.file("data"), "--database", database, "--port", "0", "--pool", "8",
                ])
                processes.append(process)
                bases.append(base)
            }
            return Processes(processes: processes, bases: bases, database: database)
        }

        func stop() async {
            for process in processes where process.isRunning { await process.stop() }
        }
    }

    /// People made straight in the database, each with a session token: signing 2,000 people up
    /// through scrypt would measure the hashing, not the race.
    static func seedPeople(_ count: Int, organiser: Bool = false, database: String, prefix: String) throws -> [String] {
        let pool = BlockingPostgresPool(location: try PostgresLocation(database), size: 1, logger: Logger(label: "seed"))
        let now = Int64(Date().timeIntervalSince1970)
        return try pool.transactionOnThisThread(.serial) { connection in
            var tokens: [String] = []
            for index in 0..<count {
                let email = "\(prefix)\(index)@example.com"
                try connection.run(
                    "INSERT INTO account (email, email_key, display_name, password_hash, role, created_at) VALUES (?, ?, ?, 'none', ?, ?)",
                    arguments: [email, email, "\(prefix) \(index)", organiser ? "organiser" : "attendee", now])
                let token = "\(prefix)-token-\(index)-" + Hex.encode(SecureRandom.bytes(count: 16))
                try connection.run(
                    "INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    arguments: [SHA256.hash(Array(token.utf8)), connection.lastInsertRowID, now, now + 86_400])
                tokens.append(token)
            }
            return tokens
        }
    }

    /// An event on sale now with a standing class of 500 and a seated class of 240 seats.
    static func event(organiser: String, client: APIClient) async throws -> (eventID: UInt32, seatIDs: [Int64]) {
        let now = Int64(Date().timeIntervalSince1970)
        let created = try await client.send(
            .POST, "/api/v1/events", token: organiser,
            json: [
                "name": "City Festival", "venue": "Park", "starts_at": now + 30 * 86_400, "ends_at": now + 30 * 86_400 + 3600,
                "gates_open_at": now + 30 * 86_400 - 3600, "sale_opens_at": now - 60, "sale_closes_at": now + 30 * 86_400,
                "per_person_limit": 10,
                "classes": [["ticket_class": 1, "name": "Meadow", "capacity": generalAdmission], ["ticket_class": 2, "name": "Stand"]],
            ])
        try #require(created.status == 201, "\(created.text)")
        let eventID = try #require(UInt32(exactly: try created.field("id", as: Int.self)))
        let imported = try await client.send(
            .PUT, "/api/v1/events/\(eventID)/seatmap", token: organiser,
            body: LiveServer.seatMap(rows: seatRows, seatsPerRow: seatsPerRow, ticketClass: 2), headers: [("Content-Type", "text/csv")])
        try #require(imported.status == 200, "\(imported.text)")
        let availability = try await client.send(.GET, "/api/v1/events/\(eventID)/availability")
        let seatIDs = try availability.fields("seats", "id", as: Int.self).map(Int64.init)
        try #require(seatIDs.count == seatRows * seatsPerRow)
        return (eventID, seatIDs)
    }

    /// What the database holds of `eventID`'s live tickets.
    static func sold(eventID: UInt32, database: String) throws -> (tickets: Int, seated: Int, distinctSeats: Int, overCapacity: Int) {
        let pool = BlockingPostgresPool(location: try PostgresLocation(database), size: 1, logger: Logger(label: "check"))
        return try pool.withConnection { connection in
            let row = try #require(try connection.row(
                """
                SELECT COUNT(*) AS tickets, COUNT(seat_id) AS seated, COUNT(DISTINCT seat_id) AS seats FROM ticket
                WHERE event_id = ? AND status = 'valid'
                """, arguments: [eventID]))
            let over = try connection.scalar("SELECT COUNT(*) FROM ticket_class WHERE sold + held > capacity", arguments: [], as: Int.self) ?? 0
            return (try row["tickets"], try row["seated"], try row["seats"], over)
        }
    }

    @Test(
        "2,000 buyers spread over three processes race for 500 tickets and 240 seats: exactly that many sold, no seat twice; a gate long-polling one process hears a cancel made on another within a second",
        .timeLimit(.minutes(5)))
    func threeProcessesRace() async throws {
        let directory = TemporaryDirectory("festivalgate-three")
        let database = try await PostgresCluster.shared().database()
        let servers = try await Processes.start(database: database, directory: directory)
        try await LiveServer.withHTTPClient { http in
            let clients = servers.bases.map { APIClient(http: http, base: $0) }
            let organiser = try #require(try Self.seedPeople(1, organiser: true, database: database, prefix: "boss").first)
            let (eventID, seatIDs) = try await Self.event(organiser: organiser, client: clients[0])
            let buyers = try Self.seedPeople(2_000, database: database, prefix: "fan")

            // Half want one standing ticket, half one seat (each seat wanted by about four).
            let replies = try await LiveServer.all(buyers.count) { index in
                let client = clients[index % clients.count]
                let order: [String: Any] =
                    index % 2 == 0 ? ["ticket_class": 1, "count": 1] : ["seats": [seatIDs[(index / 2) % seatIDs.count]]]
                return try await client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: buyers[index], json: order).status
            }
            let statuses = Dictionary(grouping: replies, by: { $0 }).mapValues(\.count)
            #expect(statuses[201] == Self.generalAdmission + seatIDs.count, "\(statuses)")
            #expect(Set(statuses.keys).isSubset(of: [201, 409]), "the others are told it is taken or sold out: \(statuses)")
            let sold = try Self.sold(eventID: eventID, database: database)
            #expect(sold.tickets == Self.generalAdmission + seatIDs.count)
            #expect(sold.seated == seatIDs.count && sold.distinctSeats == seatIDs.count, "no seat sold twice")
            #expect(sold.overCapacity == 0)

            // A gate enrolled and long-polling on process B; the cancel is made on process A.
            let device = try await clients[1].send(
                .POST, "/api/v1/events/\(eventID)/devices", token: organiser, json: ["name": "North-1", "direction": "entry"])
            try #require(device.status == 201, "\(device.text)")
            let enrolled = try await clients[1].send(.POST, "/api/v1/gate/enroll", json: ["code": try device.field("enrollment_code", as: String.self)])
            let gate = try enrolled.field("credential", as: String.self)
            let pulled = try await clients[1].send(.GET, "/api/v1/gate/changes?after=0&limit=5000", token: gate)
            let after = try pulled.field("last_seq", as: Int.self)
            let holder = buyers[0]
            let mine = try await clients[0].send(.GET, "/api/v1/tickets", token: holder)
            let ticketID = try #require(try mine.fields("tickets", "id", as: String.self).first)

            let clientB = clients[1]
            async let waited = clientB.send(.GET, "/api/v1/gate/changes?after=\(after)&wait=25", token: gate)
            try await Task.sleep(for: .milliseconds(500))  // the long-poll is waiting on B
            let cancelledAt = ContinuousClock.now
            let cancelled = try await clients[0].send(.POST, "/api/v1/tickets/\(ticketID)/cancel", token: holder)
            #expect(cancelled.status == 200, "\(cancelled.text)")
            let heard = try await waited
            let delay = ContinuousClock.now - cancelledAt
            let kinds = try heard.fields("changes", "kind", as: String.self)
            #expect(kinds.contains("ticket_cancelled"), "\(heard.text)")
            #expect(delay < .seconds(1), "the gate on B heard the cancel on A after \(delay)")
        }
        await servers.stop()
    }
}
