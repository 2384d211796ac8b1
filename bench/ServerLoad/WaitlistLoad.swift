import ArgumentParser
import Foundation
import LoadTesting
import Shared
import Synchronization

/// `server-load waitlist …`: a sold-out class's waitlist under load, in the steps of
/// bench/waitlist.sh. `sell-out` books a hall's standing class (class 2) to the last ticket,
/// `line` has thousands join its line, and `offers` measures what a person in line lives: the
/// time from a cancel to the offer on their screen and to the notify command starting, and how
/// fast offers are accepted once an organiser adds capacity.
///
/// Who holds what is read from the data directory (read-only), as the other steps do: a bench
/// tool may look where a client could not.
struct WaitlistLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waitlist", abstract: "Sell a standing class out, line people up for it, and time its offers.",
        subcommands: [SellOut.self, Line.self, Offers.self])

    /// Where the steps find the hall, its accounts and the server.
    struct Target: ParsableArguments {
        @Option(help: "The data directory `seed` filled.") var data: String
        @Option(help: "Where `seed` wrote accounts.tsv and organiser.token.") var out: String
        @Option(help: "The hall's event id (its class 2 is the standing class).") var event: UInt32
        @Option(help: "The server's port on 127.0.0.1.") var port: Int

        var http: ConnectionBurst { ConnectionBurst(host: "127.0.0.1", port: port) }

        /// The seeded accounts' ids and bearer tokens, in account order.
        func accounts() throws -> [(id: Int64, token: String)] {
            try String(contentsOfFile: "\(out)/accounts.tsv", encoding: .utf8).split(separator: "\n").map { line in
                let fields = line.split(separator: "\t")
                return (Int64(fields[0])!, String(fields[1]))
            }
        }

        func database() throws -> SQLiteDatabase {
            try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
        }

        /// The standing class's capacity and tickets sold.
        func standing(_ database: SQLiteDatabase) throws -> (capacity: Int, sold: Int) {
            guard let row = try database.row("SELECT capacity, sold FROM ticket_class WHERE event_id = ? AND ticket_class = 2", event) else {
                throw ValidationError("event \(event) has no class 2: run `seed` first")
            }
            return (try row["capacity"], try row["sold"])
        }

        func bearer(_ token: String) -> [(String, String)] {
            [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
        }
    }

    struct SellOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sell-out", abstract: "The first accounts book the standing class, one ticket each, to the last.")
        @OptionGroup var target: Target

        func run() async throws {
            let (capacity, sold) = try target.standing(try target.database())
            let accounts = try target.accounts()
            guard accounts.count >= capacity else { throw ValidationError("\(capacity) tickets need as many accounts; seed more") }
            let body = #"{"ticket_class":2,"count":1}"#
            let timed = try await Timed.run(capacity - sold, target: target) { index in
                .init(method: .POST, path: "/api/v1/events/\(target.event)/bookings", headers: target.bearer(accounts[sold + index].token), body: body)
            }
            print("sell-out: \(timed.summary)")
        }
    }

    struct Line: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accounts after the holders join the sold-out class's line, 64 at a time.")
        @OptionGroup var target: Target
        @Option(help: "People who join.") var waiting = 10_000

        func validate() throws {
            guard (1...1_000_000).contains(waiting) else { throw ValidationError("--waiting must be 1 to 1000000") }
        }

        func run() async throws {
            let (capacity, _) = try target.standing(try target.database())
            let accounts = try target.accounts()
            guard accounts.count >= capacity + waiting else { throw ValidationError("seed at least \(capacity + waiting) attendees") }
            let body = #"{"ticket_class":2,"count":1}"#
            let timed = try await Timed.run(waiting, target: target) { index in
                .init(method: .POST, path: "/api/v1/events/\(target.event)/waitlist", headers: target.bearer(accounts[capacity + index].token), body: body)
            }
            print("line: \(timed.summary)")
        }
    }

    struct Offers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel tickets one at a time while the head of the line looks; then raise the capacity and accept every offer.")
        @OptionGroup var target: Target
        @Option(help: "Tickets cancelled one at a time.") var rounds = 20
        @Option(help: "Tickets an organiser adds to the class at once afterwards, each offered and accepted.") var raise = 1_000
        @Option(help: "The file the server's --notify-command appends `<unix time> <offer JSON>` to.") var notifyLog: String?

        func validate() throws {
            guard (1...10_000).contains(rounds), (0...100_000).contains(raise) else {
                throw ValidationError("--rounds must be 1 to 10000 and --raise 0 to 100000")
            }
        }

        func run() async throws {
            let database = try target.database()
            let tokens = Dictionary(uniqueKeysWithValues: try target.accounts().map { ($0.id, $0.token) })
            let holders = try database.rows(
                "SELECT id, account_id FROM ticket WHERE event_id = ? AND ticket_class = 2 AND status = 'valid' ORDER BY id LIMIT ?",
                target.event, rounds
            ).map { (ticket: String(try $0["id"] as UInt64), token: tokens[try $0["account_id"] as Int64]!) }
            guard holders.count == rounds else { throw ValidationError("only \(holders.count) tickets to cancel: run `sell-out` first") }

            var visible: [Double] = [], cancels: [Double] = [], accepts: [Double] = []
            var cancelledAt: [Int64: Date] = [:]
            for holder in holders {
                guard let head = try database.scalar(
                    "SELECT account_id FROM waitlist_entry WHERE event_id = ? AND ticket_class = 2 AND status = 'waiting' ORDER BY id LIMIT 1",
                    target.event, as: Int64.self), let headToken = tokens[head]
                else { throw ValidationError("nobody waits: run `line` first") }
                // The head of the line looks at their offers back to back, from before the cancel.
                let looking = Task { try await firstOffer(token: headToken) }
                try await Task.sleep(for: .milliseconds(20))
                let sent = Date()
                let cancelled = await target.http.exchange(
                    .init(method: .POST, path: "/api/v1/tickets/\(holder.ticket)/cancel", headers: target.bearer(holder.token)))
                guard cancelled.outcome.status == 200, let cancelSeconds = cancelled.outcome.seconds else {
                    looking.cancel()
                    throw ValidationError("a cancel was answered \(cancelled.outcome): \(cancelled.body.prefix(200))")
                }
                let (offerID, seenAt) = try await looking.value
                visible.append(seenAt.timeIntervalSince(sent))
                cancels.append(cancelSeconds)
                cancelledAt[offerID] = sent
                let accepted = await target.http.exchange(
                    .init(method: .POST, path: "/api/v1/offers/\(offerID)/accept", headers: target.bearer(headToken)))
                guard accepted.outcome.status == 201, let acceptSeconds = accepted.outcome.seconds else {
                    throw ValidationError("an accept was answered \(accepted.outcome): \(accepted.body.prefix(200))")
                }
                accepts.append(acceptSeconds)
                try await Task.sleep(for: .milliseconds(100))
            }
            print("cancel → offer seen by the head of the line (\(rounds) rounds): \(Timed.percentiles(visible))")
            print("  the cancel's own answer: \(Timed.percentiles(cancels)); one accept alone: \(Timed.percentiles(accepts))")
            if let notifyLog {
                let started = try await notices(in: notifyLog, for: Set(cancelledAt.keys))
                let delays = cancelledAt.compactMap { offerID, sent in started[offerID].map { $0.timeIntervalSince(sent) } }
                print("cancel → notify command started: \(Timed.percentiles(delays)) (\(delays.count) of \(rounds) notices seen)")
            }
            if raise > 0 { try await raiseAndAccept(database: database, tokens: tokens) }
        }

        /// Looks at the person's offers until one appears: its id, and when it was seen.
        private func firstOffer(token: String) async throws -> (Int64, Date) {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let answer = await target.http.exchange(.init(path: "/api/v1/waitlist", headers: target.bearer(token)))
                if let offers = try? JSONDecoder().decode(WaitlistAnswer.self, from: Data(answer.body.utf8)).offers, let offer = offers.first {
                    return (offer.id, Date())
                }
                try Task.checkCancellation()
            }
            throw ValidationError("no offer within 10 s of a cancel")
        }

        /// An organiser adds `raise` tickets: each is offered at once to the next in line, and
        /// they all accept, 64 at a time.
        private func raiseAndAccept(database: SQLiteDatabase, tokens: [Int64: String]) async throws {
            let organiser = try String(contentsOfFile: "\(target.out)/organiser.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let (capacity, _) = try target.standing(database)
            let raisedAt = Date()
            let raised = await target.http.exchange(
                .init(method: .PATCH, path: "/api/v1/events/\(target.event)/classes/2", headers: target.bearer(organiser),
                      body: #"{"capacity":\#(capacity + raise)}"#))
            guard raised.outcome.status == 200, let raiseSeconds = raised.outcome.seconds else {
                throw ValidationError("raising the capacity was answered \(raised.outcome): \(raised.body.prefix(200))")
            }
            let open = try database.rows(
                """
                SELECT o.id, e.account_id FROM waitlist_offer o JOIN waitlist_entry e ON e.id = o.entry_id
                WHERE e.event_id = ? AND o.status = 'open' ORDER BY o.id
                """, target.event
            ).map { (offer: try $0["id"] as Int64, token: tokens[try $0["account_id"] as Int64]!) }
            print(String(format: "capacity +%d: answered in %.1f ms with %d offers made", raise, raiseSeconds * 1000, open.count))
            // Everyone is told before anyone accepts: an accepted offer needs no notice.
            if let notifyLog {
                let started = try await notices(in: notifyLog, for: Set(open.map(\.offer)), waitingUpTo: 120)
                if let last = started.values.max() {
                    let seconds = last.timeIntervalSince(raisedAt)
                    print(String(format: "notify command: %d of %d started within %.1f s of the raise (%.0f a second, one at a time)",
                                 started.count, open.count, seconds, Double(started.count) / seconds))
                }
            }
            let timed = try await Timed.run(open.count, target: target) { index in
                .init(method: .POST, path: "/api/v1/offers/\(open[index].offer)/accept", headers: target.bearer(open[index].token))
            }
            print("accepts: \(timed.summary)")
        }

        /// When the notify command started for each of `offers`, from its log; waits for them all.
        private func notices(in path: String, for offers: Set<Int64>, waitingUpTo seconds: Double = 10) async throws -> [Int64: Date] {
            let deadline = Date().addingTimeInterval(seconds)
            var started: [Int64: Date] = [:]
            repeat {
                let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                for line in log.split(separator: "\n") {
                    guard let space = line.firstIndex(of: " "), let time = Double(line[..<space]),
                          let notice = try? JSONDecoder().decode(Notice.self, from: Data(line[line.index(after: space)...].utf8)),
                          offers.contains(notice.offer_id)
                    else { continue }
                    started[notice.offer_id] = Date(timeIntervalSince1970: time)
                }
                if started.count == offers.count { break }
                try await Task.sleep(for: .milliseconds(200))
            } while Date() < deadline
            return started
        }

        private struct WaitlistAnswer: Decodable {
            struct Offer: Decodable { let id: Int64 }
            let offers: [Offer]
        }

        private struct Notice: Decodable {
            let offer_id: Int64
        }
    }
}

/// Requests sent 64 at a time, each on a connection of its own, with their times and answers.
private struct Timed {
    let count: Int
    let seconds: Double
    let times: [Double]
    let statuses: [Int: Int]
    let unanswered: Int

    static func run(
        _ count: Int, target: WaitlistLoad.Target, request: @escaping @Sendable (Int) -> ConnectionBurst.Request
    ) async throws -> Timed {
        let http = target.http
        let started = Date()
        let outcomes = try await withThrowingTaskGroup(of: ConnectionBurst.Outcome.self) { group in
            var outcomes: [ConnectionBurst.Outcome] = []
            for index in 0..<count {
                if index >= 64, let outcome = try await group.next() { outcomes.append(outcome) }
                group.addTask { await http.once(request(index)) }
            }
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let seconds = Date().timeIntervalSince(started)
        return Timed(
            count: count, seconds: seconds, times: outcomes.compactMap(\.seconds),
            statuses: Dictionary(grouping: outcomes.compactMap(\.status), by: { $0 }).mapValues(\.count),
            unanswered: outcomes.count { $0.status == nil })
    }

    var summary: String {
        let answers = statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return String(format: "%d requests in %.2f s, %.0f a second; ", count, seconds, Double(count) / max(seconds, 1e-9))
            + "\(Self.percentiles(times)); answers \(answers)\(unanswered > 0 ? ", \(unanswered) without an answer" : "")"
    }

    static func percentiles(_ values: [Double]) -> String {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return "-" }
        func at(_ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] * 1000 }
        return String(format: "p50 %.1f ms, p99 %.1f ms, max %.1f ms", at(0.5), at(0.99), at(1))
    }
}
