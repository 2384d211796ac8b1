import ArgumentParser
import Foundation
import LoadTesting
import Server
import Shared
import Synchronization

/// `server-load rush`: the opening instant without a waiting room. Every connection is opened,
/// then all book at once (half a seat each, every seat asked for by several; half a standing
/// ticket), while a health probe runs every 100 ms. Reports every connection's fate and the
/// answers' times; the database is checked for oversell afterwards by `verify`.
struct Rush: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Book from many connections at one instant; report answers and probe times.")

    @Option(help: "The data directory `seed` filled (read for the hall's seats).") var data: String
    @Option(help: "Where `seed` wrote accounts.tsv.") var out: String
    @Option(help: "The hall's event id.") var event: UInt32
    @Option(help: "The server's port on 127.0.0.1.") var port: Int
    @Option(help: "Connections, all booking at once.") var connections = 10_000
    @Option(help: "Accounts the connections book for, in turn.") var accounts = 1_000
    @Flag(help: "Print one JSON object with the counts instead of the report (for the tests).") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(connections), (1...1_000_000).contains(accounts) else {
            throw ValidationError("--connections and --accounts must be 1 to 1000000")
        }
    }

    func run() async throws {
        // One descriptor per connection, beside the probes'.
        let limit = FileDescriptorLimit.raise(toFit: connections + 512)
        guard limit >= connections + 512 else { throw ValidationError("the open-file limit (\(limit)) is too low for \(connections) connections") }
        let tokens = try String(contentsOfFile: "\(out)/accounts.tsv", encoding: .utf8).split(separator: "\n")
            .map { String($0.split(separator: "\t")[1]) }.prefix(accounts)
        let database = try SQLiteDatabase(path: "\(data)/festivalgate.sqlite", readOnly: true)
        let seats: [Int64] = try database.rows("SELECT id FROM seat WHERE event_id = ? ORDER BY id", event).map { try $0["id"] }
        guard !tokens.isEmpty, !seats.isEmpty else { throw ValidationError("no accounts or no seats: run `seed` first") }
        let requests = (0..<connections).map { index in
            ConnectionBurst.Request(
                method: .POST, path: "/api/v1/events/\(event)/bookings",
                headers: [("Authorization", "Bearer \(tokens[index % tokens.count])"), ("Content-Type", "application/json")],
                body: index.isMultiple(of: 2) ? #"{"seats":[\#(seats[(index / 2) % seats.count])]}"# : #"{"ticket_class":2,"count":1}"#)
        }
        let burst = ConnectionBurst(host: "127.0.0.1", port: port)
        let probes = Mutex<[(seconds: Double?, answeredBefore: Int)]>([])
        let started = Date()
        let outcomes = await burst.run(requests) { progress in
            repeat {
                let outcome = await burst.once(.init(path: "/healthz"))
                probes.withLock { $0.append((outcome.status == 200 ? outcome.seconds : nil, progress.answered)) }
                try? await Task.sleep(for: .milliseconds(100))
            } while !progress.isOver
        }
        let elapsed = Date().timeIntervalSince(started)
        let statuses = Dictionary(grouping: outcomes.compactMap(\.status), by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        let failures = Dictionary(grouping: outcomes.filter { $0.status == nil }, by: { "\($0)".prefix(60) }).mapValues(\.count)
        let times = outcomes.compactMap(\.seconds).sorted()
        func percentile(_ p: Double, _ values: [Double]) -> String {
            values.isEmpty ? "-" : String(format: "%.0f ms", values[min(values.count - 1, Int(Double(values.count) * p))] * 1000)
        }
        let probeLog = probes.withLock { $0 }
        if json {
            let summary = JSONValue.object([
                ("statuses", .object(statuses.map { ("\($0.key)", JSONValue.integer(Int64($0.value))) })),
                ("unanswered", .integer(Int64(outcomes.count { $0.status == nil }))),
                ("first_unanswered", .string(outcomes.first { $0.status == nil }.map { "\($0)" } ?? "")),
                ("probes", .integer(Int64(probeLog.count))), ("probes_answered", .integer(Int64(probeLog.count { $0.seconds != nil }))),
            ])
            print(summary.description)
            return
        }
        print("rush: \(connections) connections from \(tokens.count) accounts, all answered in \(String(format: "%.2f", elapsed)) s")
        print("answers: \(statuses.map { "\($0.key): \($0.value)" }.joined(separator: ", ")); without an answer: \(failures.isEmpty ? "none" : "\(failures)")")
        print("answer times: p50 \(percentile(0.5, times)), p99 \(percentile(0.99, times)), max \(percentile(1, times))")
        let probeTimes = probeLog.compactMap(\.seconds).sorted()
        print("health probes: \(probeLog.count), answered \(probeTimes.count), p50 \(percentile(0.5, probeTimes)), max \(percentile(1, probeTimes)); "
            + "bookings answered before each: \(probeLog.map(\.answeredBefore))")
    }
}
