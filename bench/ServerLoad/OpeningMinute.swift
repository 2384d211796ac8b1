import ArgumentParser
import Foundation
import LoadTesting
import Shared
import Synchronization

/// `server-load opening`: the opening minute through the waiting room, as people live it.
///
/// Every client belongs to one of the accounts (several devices per person, as on sale day)
/// and wants one ticket: half of each account's a seat (or a standing ticket once no seat is
/// left), the other half a standing ticket. Each joins
/// the line at a random moment of the minute before the opening, then looks at its place as
/// the waiting page does (every 10 to 20 s, with jitter). When its turn comes it books: a seat
/// picked at random from those the availability shows free (another one if it was just taken),
/// or a standing ticket. A `429` is waited out as its `Retry-After` says. Every request is on a
/// connection of its own, timed, and its status counted per endpoint.
struct OpeningMinute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opening", abstract: "Clients join a waiting room before the opening, then take their turns and book.")

    @Option(help: "The data directory `seed` filled (read for the hall's sale and waiting room).") var data: String
    @Option(help: "Where `seed` wrote accounts.tsv.") var out: String
    @Option(help: "The hall's event id.") var event: UInt32
    @Option(help: "The server's port on 127.0.0.1.") var port: Int
    @Option(help: "Clients, each wanting one ticket.") var clients = 10_000
    @Option(help: "Accounts the clients belong to, in turn.") var accounts = 1_000
    @Option(help: "Clients join within this many seconds before the opening.") var joinSeconds = 60.0
    @Option(help: "Clients look at their place every this many seconds at least (and at most twice that).") var pollSeconds = 10.0

    func validate() throws {
        guard (1...1_000_000).contains(clients), (1...1_000_000).contains(accounts) else {
            throw ValidationError("--clients and --accounts must be 1 to 1000000")
        }
        guard joinSeconds.isFinite, joinSeconds > 0, pollSeconds.isFinite, (0.1...3_600).contains(pollSeconds) else {
            throw ValidationError("--join-seconds must be above 0 and --poll-seconds 0.1 to 3600")
        }
    }

    func run() async throws {
        let tokens = Array(try String(contentsOfFile: "\(out)/accounts.tsv", encoding: .utf8).split(separator: "\n")
            .map { String($0.split(separator: "\t")[1]) }.prefix(accounts))
        let database = try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
        guard let saleOpensAt = try database.scalar("SELECT sale_opens_at FROM event WHERE id = ?", event, as: Int64.self) else {
            throw ValidationError("no event \(event)")
        }
        let roomOpensAt = try database.scalar("SELECT opens_at FROM waiting_room WHERE event_id = ?", event, as: Int64.self)
        guard let roomOpensAt else { throw ValidationError("event \(event) has no waiting room: seed with --waiting-room-opens-in") }
        let opening = Date(timeIntervalSince1970: TimeInterval(saleOpensAt))
        let firstJoin = max(Date(timeIntervalSince1970: TimeInterval(roomOpensAt)), opening.addingTimeInterval(-joinSeconds))
        print("opening: \(clients) clients from \(tokens.count) accounts join from \(Int(firstJoin.timeIntervalSinceNow)) s, "
            + "the sale opens in \(Int(opening.timeIntervalSinceNow)) s")
        fflush(nil)  // seen now, also through a pipe

        let log = EndpointLog()
        let person = Person(
            http: ConnectionBurst(host: "127.0.0.1", port: port), event: event, log: log, opening: opening, pollSeconds: pollSeconds)
        let joinSpan = opening.timeIntervalSince(firstJoin)
        await withDiscardingTaskGroup { group in
            for client in 0..<clients {
                let token = tokens[client % tokens.count]
                let joinAt = firstJoin.addingTimeInterval(Double.random(in: 0..<max(0.001, joinSpan)))
                // Every account's devices alternate: half want a seat, half a standing ticket.
                group.addTask { await person.live(token: token, wantsSeat: (client / tokens.count).isMultiple(of: 2), joinAt: joinAt) }
            }
        }
        log.report(opening: opening)
    }
}

/// What every client does, with its own token.
private struct Person: Sendable {
    let http: ConnectionBurst
    let event: UInt32
    let log: EndpointLog
    let opening: Date
    let pollSeconds: Double

    private enum Place {
        case waiting, turn
        case over(String)
    }

    func live(token: String, wantsSeat: Bool, joinAt: Date) async {
        await sleep(until: joinAt)
        let auth = [("Authorization", "Bearer \(token)")]
        guard await send("join", .init(method: .POST, path: "/api/v1/events/\(event)/queue", headers: auth)) != nil else {
            return log.ended("join failed")
        }
        while true {
            await sleep(until: Date().addingTimeInterval(Double.random(in: pollSeconds...(2 * pollSeconds))))
            guard let answer = await send("queue/me", .init(path: "/api/v1/events/\(event)/queue/me", headers: auth)) else {
                return log.ended("queue/me failed")
            }
            switch Self.place(answer.body) {
            case .waiting: continue
            case .over(let status): return log.ended("line says \(status)")
            case .turn:
                if let outcome = await book(auth: auth, wantsSeat: wantsSeat) { return log.ended(outcome) }
            }
        }
    }

    /// Books one ticket in a turn and says how it ended; nil when the turn turned out not to be
    /// there (look at the line again).
    private func book(auth: [(String, String)], wantsSeat: Bool) async -> String? {
        let json = auth + [("Content-Type", "application/json")]
        for _ in 0..<5 {
            var body = #"{"ticket_class":2,"count":1}"#
            if wantsSeat {
                guard let seats = await send("availability", .init(path: "/api/v1/events/\(event)/availability", headers: auth)) else {
                    return "availability failed"
                }
                // With every seat gone, a standing ticket will do.
                if let seat = Self.freeSeats(seats.body).randomElement() { body = #"{"seats":[\#(seat)]}"# }
            }
            guard let answer = await send("book", .init(method: .POST, path: "/api/v1/events/\(event)/bookings", headers: json, body: body)) else {
                return "booking failed"
            }
            switch answer.outcome.status {
            case 201: return "booked"
            case 409 where answer.body.contains("seat_taken"): continue  // pick another
            case 403: return nil  // not (or no longer) this client's turn
            default: return "refused: " + (Self.errorCode(answer.body) ?? "\(answer.outcome.status ?? 0)")
            }
        }
        return "five seats taken under it"
    }

    /// Sends, waiting out `429`s; nil when the connection failed (logged).
    private func send(_ endpoint: String, _ request: ConnectionBurst.Request) async -> ConnectionBurst.Answer? {
        while true {
            let answer = await http.exchange(request)
            log.record(endpoint, answer.outcome, at: Date())
            guard let status = answer.outcome.status else { return nil }
            guard status == 429 else { return answer }
            try? await Task.sleep(for: .seconds(answer.retryAfter ?? 1))
        }
    }

    private func sleep(until date: Date) async {
        let seconds = date.timeIntervalSinceNow
        if seconds > 0 { try? await Task.sleep(for: .seconds(seconds)) }
    }

    private struct EntryAnswer: Decodable {
        struct Entry: Decodable { let status: String }
        let entry: Entry
    }

    private static func place(_ body: String) -> Place {
        guard let entry = try? JSONDecoder().decode(EntryAnswer.self, from: Data(body.utf8)).entry else {
            return .over(errorCode(body) ?? "something unreadable")
        }
        switch entry.status {
        case "waiting": return .waiting
        case "turn": return .turn
        default: return .over(entry.status)  // done, expired, sold_out
        }
    }

    private struct ErrorAnswer: Decodable {
        struct Detail: Decodable { let code: String }
        let error: Detail
    }

    private static func errorCode(_ body: String) -> String? {
        (try? JSONDecoder().decode(ErrorAnswer.self, from: Data(body.utf8)))?.error.code
    }

    private struct AvailabilityAnswer: Decodable {
        struct Seat: Decodable {
            let id: Int64
            let free: Bool
        }
        let seats: [Seat]
    }

    private static func freeSeats(_ body: String) -> [Int64] {
        (try? JSONDecoder().decode(AvailabilityAnswer.self, from: Data(body.utf8)))?.seats.filter(\.free).map(\.id) ?? []
    }
}

/// Every request's time and status, by endpoint, and when tickets were booked.
private final class EndpointLog: Sendable {
    private struct Entries {
        var seconds: [String: [Double]] = [:]
        var statuses: [String: [String: Int]] = [:]
        var booked: [Date] = []
        var failures: [String: Int] = [:]
        var ends: [String: Int] = [:]
    }

    private let entries = Mutex(Entries())

    func record(_ endpoint: String, _ outcome: ConnectionBurst.Outcome, at date: Date) {
        entries.withLock { entries in
            let status = outcome.status.map(String.init) ?? "no answer"
            entries.statuses[endpoint, default: [:]][status, default: 0] += 1
            if let seconds = outcome.seconds { entries.seconds[endpoint, default: []].append(seconds) }
            if endpoint == "book", outcome.status == 201 { entries.booked.append(date) }
            if outcome.status == nil { entries.failures["\(endpoint): \(String(describing: outcome).prefix(120))", default: 0] += 1 }
        }
    }

    /// How a client's morning ended.
    func ended(_ how: String) {
        entries.withLock { $0.ends[how, default: 0] += 1 }
    }

    func report(opening: Date) {
        let entries = entries.withLock { $0 }
        func milliseconds(_ sorted: [Double], _ fraction: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.1f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] * 1000)
        }
        print("| endpoint | requests | p50 ms | p99 ms | max ms | answers |")
        print("|---|---|---|---|---|---|")
        var serverErrors = 0, unanswered = 0
        for endpoint in ["join", "queue/me", "availability", "book"] {
            let times = (entries.seconds[endpoint] ?? []).sorted()
            let statuses = entries.statuses[endpoint] ?? [:]
            serverErrors += statuses.filter { $0.key.hasPrefix("5") }.values.reduce(0, +)
            unanswered += statuses["no answer"] ?? 0
            let answers = statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            print("| \(endpoint) | \(statuses.values.reduce(0, +)) | \(milliseconds(times, 0.5)) | \(milliseconds(times, 0.99)) | "
                + "\(milliseconds(times, 1)) | \(answers) |")
        }
        let booked = entries.booked.sorted()
        let last = booked.last.map { String(format: "%.1f s", $0.timeIntervalSince(opening)) } ?? "-"
        print("tickets booked: \(booked.count); the last one \(last) after the opening; 5xx: \(serverErrors); without an answer: \(unanswered)")
        print("how clients ended: " + entries.ends.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for (failure, count) in entries.failures.sorted(by: { $0.value > $1.value }).prefix(5) { print("  \(count) × \(failure)") }
    }
}
