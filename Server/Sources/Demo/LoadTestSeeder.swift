import Shared

/// Seeds a fresh server for a load test: halls of numbered seats on sale now, a demo-sized hall
/// for availability reads, and attendee accounts that are already signed in. The sessions are
/// made here rather than through log-in because scrypt is meant to be slow, and thousands of
/// log-ins would measure the KDF instead of booking.
public enum LoadTestSeeder {
    public struct Plan: Sendable {
        /// One hall per load level, so that every level books seats nobody has taken.
        public var halls: Int
        public var seatsPerHall: Int
        public var attendees: Int

        public init(halls: Int, seatsPerHall: Int, attendees: Int) {
            self.halls = halls
            self.seatsPerHall = seatsPerHall
            self.attendees = attendees
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
    }

    public static func seed(_ environment: ServerEnvironment, plan: Plan) async throws -> Seeded {
        let hasEvents = try environment.readers.read { try $0.row("SELECT COUNT(*) FROM event")!.int(0)! > 0 }
        guard !hasEvents else { throw DemoError.notFresh(environment.dataDirectory.path) }
        let now = environment.clock.now()
        let day: Int64 = 24 * 3600
        let startsAt = (now / day + 30) * day + 16 * 3600
        // Every attendee may book all the seats that fall to them; the limit is not what is measured.
        let limit = max(10, plan.halls * plan.seatsPerHall / max(1, plan.attendees) + 10)
        let template = EventRepository.NewEvent(
            name: "", venue: "Load Test Arena", startsAt: startsAt, endsAt: startsAt + 8 * 3600,
            gatesOpenAt: startsAt - 2 * 3600, saleOpensAt: now - 3600, saleClosesAt: startsAt, perPersonLimit: limit,
            classes: [.init(zone: 1, name: "Stalls", priceCents: 3_000, capacity: nil),
                      .init(zone: 2, name: "Meadow (general admission)", priceCents: 2_000, capacity: 300)])
        let seatsPerRow = 50
        var halls: [(eventID: UInt32, seatIDs: [Int64])] = []
        for number in 1...max(1, plan.halls) {
            let seats = (0..<plan.seatsPerHall).map { index in
                let row = "R\(index / seatsPerRow + 1)", seat = String(index % seatsPerRow + 1)
                return EventRepository.Seat(row: row, seat: seat, label: "\(row)-\(seat)", zone: 1)
            }
            var hall = template
            hall.name = "Load test hall \(number)"
            halls.append(try await environment.writer.write { [hall] database in
                let event = try EventRepository.create(hall, now: now, in: database)
                _ = try EventRepository.replaceSeatMap(seats, eventID: event.id, now: now, in: database)
                let seatIDs = try database.rows("SELECT id FROM seat WHERE event_id = ? ORDER BY id", event.id).map { $0.int64(0)! }
                return (eventID: event.id, seatIDs: seatIDs)
            })
        }
        var readHall = template
        readHall.name = "Availability hall"
        let readEventID = try await environment.writer.write { [readHall] database in
            let event = try EventRepository.create(readHall, now: now, in: database)
            let seats = (0..<240).map { index in
                EventRepository.Seat(row: "R\(index / 20 + 1)", seat: String(index % 20 + 1), label: "R\(index / 20 + 1)-\(index % 20 + 1)", zone: 1)
            }
            _ = try EventRepository.replaceSeatMap(seats, eventID: event.id, now: now, in: database)
            return event.id
        }
        // One hash for every attendee: nobody logs in with it, it only fills the column.
        let passwordHash = try environment.passwordHasher.hash(Base64URL.encode(SecureRandom.bytes(count: 12)))
        let tokens = (0..<plan.attendees).map { _ in Base64URL.encode(SecureRandom.bytes(count: 32)) }
        let accountIDs = try await environment.writer.write { database in
            try tokens.enumerated().map { index, token in
                let account = try AccountRepository.create(
                    email: "attendee\(index)@load.example", displayName: "Attendee \(index)", passwordHash: passwordHash,
                    role: .attendee, now: now, in: database)
                try AccountRepository.createSession(
                    tokenHash: SHA256.hash(Array(token.utf8)), accountID: account.id, now: now,
                    expiresAt: now + SessionStore.lifetime, in: database)
                return account.id
            }
        }
        return Seeded(halls: halls, readEventID: readEventID, sessionTokens: tokens, accountIDs: accountIDs)
    }
}
