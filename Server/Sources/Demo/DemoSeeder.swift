import Shared

/// Seeds a fresh server with the demo festival: "Green Forest Festival 2026", a hall of 12 rows
/// of 20 seats in two classes, 300 general-admission tickets, and an organiser account.
public enum DemoSeeder {
    public struct Seeded: Sendable {
        public let eventID: UInt32
        public let organiserEmail: String
        public let organiserPassword: String
    }

    public static let organiserEmail = "organiser@greenforest.example"

    /// Refuses a server that already has events: the demo is for a fresh data directory.
    public static func seed(_ environment: ServerEnvironment) async throws -> Seeded {
        let hasEvents = try environment.readers.read { try $0.scalar("SELECT COUNT(*) FROM event", as: Int.self)! > 0 }
        guard !hasEvents else { throw DemoError.notFresh(environment.dataDirectory.path) }
        let password = Base64URL.encode(SecureRandom.bytes(count: 12))
        let hash = try environment.passwordHasher.hash(password)
        let now = environment.clock.now()
        let day: Int64 = 24 * 3600
        // The sale is open now; the festival is a month away, gates open two hours before it starts.
        let startsAt = (now / day + 30) * day + 9 * 3600  // 18:00 in Seoul
        let event = EventRepository.NewEvent(
            name: "Green Forest Festival 2026", venue: "Green Forest Hall", startsAt: startsAt, endsAt: startsAt + 8 * 3600,
            gatesOpenAt: startsAt - 2 * 3600, saleOpensAt: now - 3600, saleClosesAt: startsAt, perPersonLimit: 6,
            // The first users are a school festival in Seoul: its times and its won (no minor unit).
            timeZone: "Asia/Seoul", currency: "KRW",
            classes: [
                .init(ticketClass: 1, name: "Front stalls", priceCents: 45_000, capacity: nil),
                .init(ticketClass: 2, name: "Rear stalls", priceCents: 30_000, capacity: nil),
                .init(ticketClass: 3, name: "Meadow (general admission)", priceCents: 20_000, capacity: 300),
            ],
            // Sold through a waiting room that opened half an hour before the sale: everyone
            // joins the line, and with the draw long done, each gets a turn as one comes free.
            waitingRoom: .on(WaitingRoomSettings(opensAt: now - 3600 - 1800)))
        // Rows A–D are front stalls, E–L rear; seats 1–20 in each.
        let rows = "ABCDEFGHIJKL".map(String.init)
        let seats = rows.enumerated().flatMap { index, row in
            (1...20).map { EventRepository.Seat(row: row, seat: String($0), label: "\(row)-\($0)", ticketClass: index < 4 ? 1 : 2) }
        }
        let eventID = try await environment.writer.write { database in
            _ = try AccountRepository.create(
                email: organiserEmail, displayName: "Festival Office", passwordHash: hash, role: .organiser, now: now, in: database)
            let created = try EventRepository.create(event, now: now, in: database)
            _ = try EventRepository.replaceSeatMap(seats, eventID: created.id, now: now, in: database)
            return created.id
        }
        return Seeded(eventID: eventID, organiserEmail: organiserEmail, organiserPassword: password)
    }
}

public enum DemoError: Error, CustomStringConvertible {
    case notFresh(String)

    public var description: String {
        switch self {
        case .notFresh(let directory): "\(directory) already holds events; the demo needs a fresh data directory"
        }
    }
}
