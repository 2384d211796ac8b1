// The Swift half of bench/server-load.sh: seeds a data directory for wrk, lists tickets whose
// QR codes wrk will fetch, and afterwards checks the database for oversell. wrk does the load.
import ArgumentParser
import Foundation
import LoadTesting
import Logging
import Server
import Shared

@main
struct ServerLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server-load",
        abstract: "Prepares and checks ticket-server load tests (see bench/server-load.sh).",
        subcommands: [Seed.self, QRTargets.self, Verify.self, Rush.self, OpeningMinute.self, WaitlistLoad.self])
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seed a fresh data directory; write load.lua and accounts.tsv.")

    @Option(help: "The fresh data directory.") var data: String
    @Option(help: "Where to write the Lua data for wrk.") var out: String
    @Option(help: "Halls: one per load level.") var halls = 2
    @Option(help: "Seats in each hall.") var seats = 100_000
    @Option(help: "Signed-in attendees.") var attendees = 4_000
    @Option(help: "General-admission tickets in each hall.") var generalAdmission = 300
    @Option(help: "Tickets one attendee may hold per hall (default: more than a run books).") var perPersonLimit: Int?
    @Option(help: "The sale opens this many seconds from now (default: it opened an hour ago).") var saleOpensIn: Int64?
    @Option(help: "A waiting room opens this many seconds from now, in front of every hall.") var waitingRoomOpensIn: Int64?
    @Option(help: "The waiting room's turns held at once.") var activeBuyers = 200
    @Option(help: "The waiting room's turn length in seconds.") var turnSeconds = 600

    func run() async throws {
        // The server's own opening creates the directory, the keys and the migrated database.
        let environment = try ServerEnvironment.open(dataDirectory: data, passwordHasher: .fast, logger: Logger(label: "server-load"))
        let now = Int64(Date().timeIntervalSince1970)
        var plan = LoadTestSeeder.Plan(
            halls: halls, seatsPerHall: seats, attendees: attendees, generalAdmission: generalAdmission, perPersonLimit: perPersonLimit)
        plan.saleOpensAt = saleOpensIn.map { now + $0 }
        plan.waitingRoom = waitingRoomOpensIn.map { (now + $0, activeBuyers, turnSeconds) }
        let seeded = try LoadTestSeeder.seed(databasePath: environment.dataDirectory.databasePath, plan: plan)
        var lua = "-- Written by server-load seed.\nreturn {\n  read_event = \(seeded.readEventID),\n  tokens = {\n"
        for token in seeded.sessionTokens { lua += "    \"\(token)\",\n" }
        lua += "  },\n  halls = {\n"
        for hall in seeded.halls {
            lua += "    { event = \(hall.eventID), seats = {" + hall.seatIDs.map(String.init).joined(separator: ",") + "} },\n"
        }
        lua += "  },\n}\n"
        try lua.write(toFile: "\(out)/load.lua", atomically: true, encoding: .utf8)
        let accounts = zip(seeded.accountIDs, seeded.sessionTokens).map { "\($0)\t\($1)\n" }.joined()
        try accounts.write(toFile: "\(out)/accounts.tsv", atomically: true, encoding: .utf8)
        try (seeded.organiserToken + "\n").write(toFile: "\(out)/organiser.token", atomically: true, encoding: .utf8)
        print("seeded \(seeded.halls.count) halls of \(seats) seats (events \(seeded.halls.map(\.eventID))), "
            + "read event \(seeded.readEventID), \(attendees) attendees")
    }
}

struct QRTargets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr-targets", abstract: "Write qr.lua: booked tickets with their holders' tokens.")

    @Option(help: "The data directory.") var data: String
    @Option(help: "Where load.lua and accounts.tsv are; qr.lua is written here.") var out: String
    @Option(help: "How many tickets.") var count = 2_000

    func run() throws {
        var tokens = [Int64: String]()
        for line in try String(contentsOfFile: "\(out)/accounts.tsv", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            tokens[Int64(fields[0])!] = String(fields[1])
        }
        let database = try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
        let tickets = try database.rows("SELECT id, account_id FROM ticket WHERE status = 'valid' LIMIT ?", count)
        guard !tickets.isEmpty else { throw ValidationError("no tickets booked yet: run the booking load first") }
        var lua = "-- Written by server-load qr-targets.\nreturn {\n"
        for ticket in tickets {
            let id: UInt64 = try ticket["id"], accountID: Int64 = try ticket["account_id"]
            lua += "  { id = \"\(id)\", token = \"\(tokens[accountID]!)\" },\n"
        }
        lua += "}\n"
        try lua.write(toFile: "\(out)/qr.lua", atomically: true, encoding: .utf8)
        print("\(tickets.count) tickets for QR renders")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an event for oversell, and that it holds exactly the bookings wrk saw acknowledged.")

    @Option(help: "The data directory.") var data: String
    @Option(help: "The event.") var event: UInt32
    @Option(help: "Bookings answered 201 Created, as wrk counted them.") var acknowledged: Int
    @Option(help: "Requests that may have been in flight when wrk stopped (its connections).") var inFlight: Int

    func run() throws {
        let database = try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
        let counts = try database.row(
            """
            SELECT COUNT(*) AS tickets, COUNT(seat_id) AS seated, COUNT(DISTINCT seat_id) AS seats FROM ticket
            WHERE event_id = ? AND status = 'valid'
            """, event)!
        let tickets: Int = try counts["tickets"], seated: Int = try counts["seated"], seats: Int = try counts["seats"]
        let overfull = try database.scalar(
            "SELECT COUNT(*) FROM ticket_class WHERE event_id = ? AND capacity IS NOT NULL AND sold > capacity", event, as: Int.self) ?? 0
        print("event \(event): \(tickets) live tickets, \(seated) of them on \(seats) distinct seats; \(acknowledged) acknowledged; "
            + "\(overfull) classes over capacity")
        guard seated == seats, overfull == 0 else { throw ExitCode(1) }
        // wrk hangs up on the requests still in flight when time is up; the server books those
        // anyway (it cannot know), so up to one booking per connection goes unacknowledged.
        guard (acknowledged...(acknowledged + inFlight)).contains(tickets) else {
            print("MISMATCH: the database holds \(tickets) tickets for \(acknowledged) acknowledged bookings and \(inFlight) in flight")
            throw ExitCode(1)
        }
    }
}
