import Foundation
import Logging
import PostgresNIO
@testable import Server
import Shared
import Synchronization
import Testing
import TestSupport

/// The PostgreSQL store's foundations (issue 25), on a real cluster the tests start: the URL,
/// migrations that run once however many processes start together, the schema's last line of
/// defence, and a change log whose readers never skip a change that commits late.
@Suite("PostgreSQL: schema, rules and the change log's order", TestStore.onceOnly)
struct PostgresStoreTests {
    static let logger = Logger(label: "postgres-test")

    @Test("--database takes postgres:// URLs with user, host, port and name, and says what is wrong with others, never echoing a password")
    func location() throws {
        let full = try PostgresLocation("postgres://festival:secret@db.example:6543/tickets?sslmode=require", environment: [:])
        #expect(full.host == "db.example" && full.port == 6543 && full.user == "festival" && full.password == "secret")
        #expect(full.database == "tickets" && full.tls == .require)
        #expect(full.description == "postgres://festival@db.example:6543/tickets")
        let plain = try PostgresLocation("postgresql://festival@127.0.0.1/festival", environment: ["PGPASSWORD": "from-env"])
        #expect(plain.port == 5432 && plain.tls == .prefer && plain.password == "from-env")
        for (text, words) in [
            ("mysql://a@b/c", "must be a URL"), ("postgres://a@/c", "no host"), ("postgres://b:5432/c", "no user"),
            ("postgres://a@b:5432", "no database"), ("postgres://a@b/c?sslmode=maybe", "sslmode"),
            ("postgres://a:hunter2@b/c/d", "no database"),
        ] {
            let error = #expect(throws: PostgresLocationError.self) { try PostgresLocation(text, environment: [:]) }
            #expect(error?.description.contains(words) == true, "\(text): \(String(describing: error))")
            #expect(error?.description.contains("hunter2") == false)
        }
    }

    @Test("three processes starting together on an empty database migrate it once; a database from a newer program is refused")
    func migrationsRunOnce() async throws {
        let url = try await PostgresCluster.shared().database()
        let ran = try await Self.withStores(url, count: 3) { stores in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(ran.sorted() == [0, 0, PostgresSchema.migrations.count])
        try await Self.withStore(url) { store in
            #expect(try await store.migrate() == 0)
            let versions = try await Self.ints(store, "SELECT version FROM schema_migration ORDER BY version")
            #expect(versions == Array(1...PostgresSchema.migrations.count))
            try await store.client.query("INSERT INTO schema_migration (version, name) VALUES (999, 'from the future')")
            let error = await #expect(throws: (any Error).self) { try await store.migrate() }
            #expect("\(String(describing: error))".contains("newer than this program knows"))
        }
    }

    @Test("the schema keeps the rules itself: no class past its capacity, one live ticket per seat, a key once per account, the change log append-only")
    func schemaRules() async throws {
        try await Self.withStore(try await PostgresCluster.shared().database()) { store in
            try await store.migrate()
            let client = store.client
            try await Self.seedEvent(client, capacity: 2, seats: 1)
            try await client.query("UPDATE ticket_class SET sold = 2 WHERE event_id = 1 AND ticket_class = 1")
            await #expect(throws: (any Error).self) { try await client.query("UPDATE ticket_class SET sold = 3 WHERE event_id = 1 AND ticket_class = 1") }
            await #expect(throws: (any Error).self) { try await client.query("UPDATE ticket_class SET held = 1 WHERE event_id = 1 AND ticket_class = 1") }

            try await Self.insertTicket(client, seat: 1)
            await #expect(throws: (any Error).self) { try await Self.insertTicket(client, seat: 1) }
            try await client.query("UPDATE ticket SET status = 'cancelled' WHERE seat_id = 1")
            try await Self.insertTicket(client, seat: 1)

            try await client.query("INSERT INTO booking (account_id, event_id, idempotency_key, request, response, created_at) VALUES (1, 1, 'k', '', '', 0)")
            await #expect(throws: (any Error).self) {
                try await client.query("INSERT INTO booking (account_id, event_id, idempotency_key, request, response, created_at) VALUES (1, 1, 'k', '', '', 0)")
            }

            try await client.withTransaction(logger: Self.logger) { connection in
                try await PostgresChangeLog.append(.ticketIssued, eventID: 1, ticketID: 1, at: 5, on: connection, logger: Self.logger)
            }
            #expect(try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 10, client: client, logger: Self.logger).isEmpty, "not numbered yet")
            #expect(try await PostgresChangeLog.numberNew(store) == [1])
            #expect(try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 10, client: client, logger: Self.logger).map(\.seq) == [1])
            for statement in ["UPDATE change_log SET kind = 'ticket_revoked'", "UPDATE change_log SET seq = 7", "DELETE FROM change_log"] {
                let error = await #expect(throws: (any Error).self) { try await client.query(PostgresQuery(unsafeSQL: statement)) }
                #expect(String(reflecting: error).contains("append-only"), "\(statement)")
            }
        }
    }

    @Test("three processes starting together draw one form-token key between them, and keep it")
    func oneServerSecret() async throws {
        let url = try await PostgresCluster.shared().database()
        try await Self.withStores(url, count: 3) { stores in
            try await stores[0].migrate()
            let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for store in stores { group.addTask { try await ServerSecret.formTokenKey(in: store) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(keys).count == 1 && keys[0].count == 32)
            #expect(try await ServerSecret.formTokenKey(in: stores[1]) == keys[0])
        }
    }

    @Test("a change that commits after a later-numbered one is still read: the reader that saw the later one gets it next")
    func lateCommitIsNotSkipped() async throws {
        try await Self.withStore(try await PostgresCluster.shared().database()) { store in
            try await store.migrate()
            let client = store.client
            try await Self.seedEvent(client, capacity: nil, seats: 0)
            let (slowInserted, slowInsertedSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            // Writer 1 inserts first (the lower identity) and holds its transaction open.
            let slow = Task {
                try await client.withTransaction(logger: Self.logger) { connection in
                    try await PostgresChangeLog.append(.ticketIssued, eventID: 1, ticketID: 1, at: 1, on: connection, logger: Self.logger)
                    slowInsertedSignal.yield()
                    for await _ in release { break }
                }
            }
            for await _ in slowInserted { break }
            // Writer 2 inserts after it and commits first.
            try await client.withTransaction(logger: Self.logger) { connection in
                try await PostgresChangeLog.append(.ticketIssued, eventID: 1, ticketID: 2, at: 2, on: connection, logger: Self.logger)
            }
            try await PostgresChangeLog.numberNew(store)
            let first = try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 10, client: client, logger: Self.logger)
            #expect(first.map(\.ticketID) == [2])
            // The trap, shown: by insertion order, the reader has already passed writer 1's row.
            let passedIdentity = try await Self.ints(store, "SELECT id FROM change_log")
            #expect(passedIdentity == [2])

            releaseSignal.yield()
            try await slow.value
            try await PostgresChangeLog.numberNew(store)
            let next = try await PostgresChangeLog.entries(after: first[0].seq, eventID: 1, limit: 10, client: client, logger: Self.logger)
            #expect(next.map(\.ticketID) == [1], "the late commit is numbered after what the reader saw")
        }
    }

    @Test("eight writers over three pools racing a reader: the reader sees every committed change exactly once, in order")
    func racingWritersAndReader() async throws {
        let url = try await PostgresCluster.shared().database()
        try await Self.withStores(url, count: 3) { stores in
            try await stores[0].migrate()
            try await Self.seedEvent(stores[0].client, capacity: nil, seats: 0)
            let writers = 8, perWriter = 60
            let done = WritersDone()
            let seen = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for writer in 0..<writers {
                    let store = stores[writer % stores.count]
                    group.addTask {
                        for index in 0..<perWriter {
                            let ticket = UInt64(writer * 1_000 + index)
                            try await store.client.withTransaction(logger: Self.logger) { connection in
                                try await PostgresChangeLog.append(.ticketIssued, eventID: 1, ticketID: ticket, at: 0, on: connection, logger: Self.logger)
                                // Hold the transaction open a little, so commits overtake inserts.
                                try await Task.sleep(for: .milliseconds(Int.random(in: 0...6)))
                            }
                            try await PostgresChangeLog.numberNew(store)
                        }
                        done.count.add(1, ordering: .sequentiallyConsistent)
                        return []
                    }
                }
                // The reader polls `seq > cursor`, as a gate's feed does.
                group.addTask {
                    var cursor: Int64 = 0
                    var tickets: [UInt64] = []
                    var finished = false
                    while true {
                        let page = try await PostgresChangeLog.entries(after: cursor, eventID: 1, limit: 50, client: stores[2].client, logger: Self.logger)
                        for entry in page {
                            #expect(entry.seq > cursor)
                            cursor = entry.seq
                            tickets.append(entry.ticketID ?? 0)
                        }
                        if page.isEmpty {
                            if finished { return tickets }
                            finished = done.count.load(ordering: .sequentiallyConsistent) == writers
                            try await Task.sleep(for: .milliseconds(2))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(seen.count == writers * perWriter)
            #expect(Set(seen).count == writers * perWriter, "each change once")
            let unnumbered = try await Self.ints(stores[0], "SELECT count(*)::bigint FROM change_log WHERE seq IS NULL")
            #expect(unnumbered == [0])
            // The race was real: some changes committed in another order than they were inserted,
            // which a reader of the identity column would have skipped.
            let overtaken = try await Self.ints(
                stores[0], "SELECT count(*)::bigint FROM (SELECT id, lag(id) OVER (ORDER BY seq) AS before FROM change_log) t WHERE before > id")
            #expect(overtaken[0] > 0)
        }
    }

    @Test("2,000 buyers over three pools racing for 500 general-admission tickets and 240 seats: exactly that many sold, no seat twice")
    func capacityAndSeatsUnderRace() async throws {
        let url = try await PostgresCluster.shared().database()
        try await Self.withStores(url, count: 3) { stores in
            try await stores[0].migrate()
            try await Self.seedEvent(stores[0].client, capacity: 500, seats: 240)
            let results = try await withThrowingTaskGroup(of: (ga: Bool, seat: Bool).self) { group in
                for buyer in 0..<2_000 {
                    let client = stores[buyer % stores.count].client
                    group.addTask {
                        // The booking's capacity step: a conditional update, checked by its count.
                        let ga = try await client.withTransaction(logger: Self.logger) { connection in
                            let updated = try await connection.query(
                                "UPDATE ticket_class SET sold = sold + 1 WHERE event_id = 1 AND ticket_class = 1 AND sold + held + 1 <= capacity RETURNING sold",
                                logger: Self.logger)
                            var won = false
                            for try await _ in updated.decode(Int64.self) { won = true }
                            return won
                        }
                        let seat = Int64.random(in: 1...240)
                        let gotSeat: Bool
                        do {
                            try await Self.insertTicket(client, seat: seat)
                            gotSeat = true
                        } catch {
                            gotSeat = false
                        }
                        return (ga, gotSeat)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter(\.ga).count == 500)
            let sold = try await Self.ints(stores[1], "SELECT sold FROM ticket_class WHERE event_id = 1 AND ticket_class = 1")
            #expect(sold == [500])
            let liveSeats = try await Self.ints(stores[1], "SELECT count(*)::bigint FROM ticket WHERE status = 'valid'")
            let distinctSeats = try await Self.ints(stores[1], "SELECT count(DISTINCT seat_id)::bigint FROM ticket WHERE status = 'valid'")
            #expect(liveSeats == distinctSeats && liveSeats == [Int(results.filter(\.seat).count)])
            #expect(liveSeats[0] <= 240 && liveSeats[0] > 200, "2,000 random picks of 240 seats take nearly all: \(liveSeats)")
        }
    }

    @Test("a change committed by process A wakes a gate waiting on process B within a second; one whose process died before numbering it, within the sweep")
    func changesWakeOtherProcesses() async throws {
        // Held to a second: not while the rush loads the machine.
        try await MachineLoad.timed {
            let url = try await PostgresCluster.shared().database()
            try await Self.withTwoProcesses(url) { stores, relayA, bellB in
                // The fast path: A commits, numbers, notifies; B's waiter wakes.
                // Waited for up to 10 s so that a miss says by how much (CI under load missed twice).
                let heard = try await Self.heardAfter(ticket: 7, writer: stores[0], relay: relayA, heardBy: bellB, waitingUpTo: .seconds(10))
                #expect(heard < .seconds(1), "heard after \(heard)")
                let numbered = try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 10, client: stores[1].client, logger: Self.logger)
                #expect(numbered.map(\.ticketID) == [7])

                // A process killed between its commit and its numbering: no notification at all.
                let waiter = bellB.waiter(for: 1)
                let started = ContinuousClock.now
                try await stores[0].transaction { connection in
                    try await PostgresChangeLog.append(.ticketRevoked, eventID: 1, ticketID: 8, at: 2, on: connection, logger: Self.logger)
                }
                await waiter.wait(upTo: .seconds(10))
                let swept = ContinuousClock.now - started
                #expect(swept < .seconds(3), "heard after \(swept)")
                let all = try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 10, client: stores[1].client, logger: Self.logger)
                #expect(all.map(\.ticketID) == [7, 8])
            }
        }
    }

    @Test("PostgreSQL crashed and started again under two processes: nothing is acknowledged while it is down, then the pools and the relays recover by themselves")
    func recoveryAfterRestart() async throws {
        let cluster = try await PostgresCluster.dedicated()
        defer { cluster.stop() }
        let url = try await cluster.database()
        let knownHang: Comment = "After PostgreSQL crashed, the listening relay sometimes does not end when cancelled (issue 25, open)"
        try await Self.withTwoProcesses(url, knownHang: knownHang) { stores, relayA, bellB in
            // Only that the relays work before the crash: the second is the test above's (this
            // one failed once at 1 s in CI, under the whole suite's load).
            #expect(try await Self.append(ticket: 1, writer: stores[0], relay: relayA, heardBy: bellB, within: .seconds(5)))

            try await offThePool { try cluster.crash() }
            // A write while PostgreSQL is down is refused after the connection wait, as
            // DatabaseUnavailable (503 with Retry-After to a client), and changes nothing.
            await #expect(throws: DatabaseUnavailable.self) {
                try await stores[0].transaction { connection in
                    try await PostgresChangeLog.append(.ticketCancelled, eventID: 1, ticketID: 999, at: 0, on: connection, logger: Self.logger)
                }
            }
            try await offThePool { try cluster.start() }
            // Whatever the pools and the listeners held died with the server. Within a few
            // seconds of its return, by themselves, a change on A is heard on B again.
            let deadline = ContinuousClock.now + .seconds(30)
            var acknowledged: [UInt64] = [1]
            var recovered = false
            while !recovered, ContinuousClock.now < deadline {
                let ticket = UInt64(acknowledged.count + 1)
                do {
                    recovered = try await Self.append(ticket: ticket, writer: stores[0], relay: relayA, heardBy: bellB, within: .seconds(1))
                    acknowledged.append(ticket)
                } catch {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(recovered, "a change on A was not heard on B within a second after the restart")
            // A change is read once numbered: the last one may wait for its round (or the sweep).
            var tickets: [UInt64?] = []
            let numberedBy = ContinuousClock.now + .seconds(5)
            repeat {
                tickets = try await PostgresChangeLog.entries(after: 0, eventID: 1, limit: 100, client: stores[1].client, logger: Self.logger)
                    .map(\.ticketID)
                if tickets != acknowledged { try await Task.sleep(for: .milliseconds(100)) }
            } while tickets != acknowledged && ContinuousClock.now < numberedBy
            #expect(tickets == acknowledged, "every acknowledged change is there, numbered; the refused one is not")
        }
    }

    /// Two processes on `url` (event 1 seeded), each with its relay running and listening: the
    /// stores, A's relay and B's bell.
    static func withTwoProcesses(
        _ url: String, knownHang: Comment? = nil, _ body: @Sendable ([PostgresStore], PostgresChangeRelay, ChangeBell) async throws -> Void
    ) async throws {
        try await withStores(url, count: 2) { stores in
            try await stores[0].migrate()
            try await seedEvent(stores[0].client, capacity: nil, seats: 0)
            let (bellA, bellB) = (ChangeBell(), ChangeBell())
            let relayA = PostgresChangeRelay(store: stores[0], bell: bellA)
            let relayB = PostgresChangeRelay(store: stores[1], bell: bellB)
            let describe: [String: @Sendable () -> String] = [
                "relay A": { "still running: \(relayA.runningParts.joined(separator: ", "))" },
                "relay B": { "still running: \(relayB.runningParts.joined(separator: ", "))" },
            ]
            try await whileRunning(
                [("relay A", { await relayA.run() }), ("relay B", { await relayB.run() })], knownHang: knownHang, describe: describe
            ) {
                while !(relayA.isListening && relayB.isListening) { try await Task.sleep(for: .milliseconds(20)) }
                try await body(stores, relayA, bellB)
            }
        }
    }

    /// Appends a change on `writer`'s process; whether `listener`'s process heard of it within
    /// `limit` of the commit.
    static func append(
        ticket: UInt64, writer: PostgresStore, relay: PostgresChangeRelay, heardBy listener: ChangeBell, within limit: Duration
    ) async throws -> Bool {
        try await heardAfter(ticket: ticket, writer: writer, relay: relay, heardBy: listener, waitingUpTo: limit) < limit
    }

    /// How long after its commit the change was heard (`wait` or more: not heard).
    static func heardAfter(
        ticket: UInt64, writer: PostgresStore, relay: PostgresChangeRelay, heardBy listener: ChangeBell, waitingUpTo wait: Duration
    ) async throws -> Duration {
        let waiter = listener.waiter(for: 1)
        try await writer.transaction { connection in
            try await PostgresChangeLog.append(.ticketCancelled, eventID: 1, ticketID: ticket, at: 0, on: connection, logger: Self.logger)
        }
        // From the commit: the write itself may have waited for the pool to reconnect.
        let started = ContinuousClock.now
        relay.committed()
        await waiter.wait(upTo: wait)
        return ContinuousClock.now - started
    }

    // MARK: Helpers

    /// A store on `url` whose pool runs for the length of `body`.
    static func withStore<T: Sendable>(_ url: String, _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        try await withStores(url, count: 1) { try await body($0[0]) }
    }

    /// `count` stores on one database, each with a pool of its own, as `count` processes have.
    static func withStores<T: Sendable>(_ url: String, count: Int, _ body: @Sendable ([PostgresStore]) async throws -> T) async throws -> T {
        let location = try PostgresLocation(url)
        let stores = (0..<count).map { _ in PostgresStore(location: location, pool: 10, logger: logger) }
        return try await whileRunning(stores.enumerated().map { index, store in ("pool \(index)", { await store.run() }) }) {
            try await body(stores)
        }
    }

    /// Runs `services` (pools, relays) for the length of `body`, then cancels them and waits for
    /// each to end. One still running 15 s later is a failure named here, not a suite that
    /// hangs until CI gives up.
    ///
    /// `knownHang`: a service known to stay running now and then (said in the note of the issue
    /// that will fix it); its hang is reported as a known issue.
    static func whileRunning<T: Sendable>(
        _ services: [(name: String, run: @Sendable () async -> Void)], knownHang: Comment? = nil,
        describe: [String: @Sendable () -> String] = [:], _ body: () async throws -> T
    ) async throws -> T {
        let tasks = services.map { service in (service.name, Task { await service.run() }) }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        for (name, task) in tasks {
            task.cancel()
            guard !(await ended(task, within: .seconds(15))) else { continue }
            // What it is doing at 15 s, before waiting longer: late or never, that tells where to look.
            let state = describe[name].map { " (\($0()))" } ?? ""
            let late = await ended(task, within: .seconds(60))
            let problem: Comment = "\(name) was still running 15 s after it was cancelled, \(late ? "and ended within a minute" : "and still after 75 s")\(state)"
            if let knownHang {
                withKnownIssue(knownHang, isIntermittent: true) { Issue.record(problem) }
            } else {
                Issue.record(problem)
            }
        }
        return try result.get()
    }

    /// Whether `task` ended within `limit`, without waiting longer for one that does not.
    private static func ended(_ task: Task<Void, Never>, within limit: Duration) async -> Bool {
        let once = ResumeOnce()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            Task {
                await task.value
                once.resume(true)
            }
            Task {
                try? await Task.sleep(for: limit)
                once.resume(false)
            }
        }
    }

    /// Event 1 with class 1 (`capacity`, nil for seated only), `seats` seats of class 1, and account 1.
    static func seedEvent(_ client: PostgresClient, capacity: Int64?, seats: Int) async throws {
        try await client.query(
            "INSERT INTO account (id, email, display_name, password_hash, role, created_at) VALUES (1, 'a@example.com', 'A', 'x', 'attendee', 0)")
        try await client.query(
            """
            INSERT INTO event (id, name, venue, starts_at, ends_at, gates_open_at, sale_opens_at, sale_closes_at, per_person_limit, created_at, changed_at)
            VALUES (1, 'Tonight', 'Field', 100, 200, 50, 0, 90, 10, 0, 0)
            """)
        try await client.query("INSERT INTO ticket_class (event_id, ticket_class, name, capacity) VALUES (1, 1, 'Field', \(capacity))")
        if seats > 0 {
            try await client.query(
                """
                INSERT INTO seat (id, event_id, row_label, seat_label, label, ticket_class)
                SELECT n, 1, 'A', n::text, 'A-' || n, 1 FROM generate_series(1, \(Int64(seats))) AS n
                """)
        }
    }

    /// A live ticket on `seat` for account 1.
    static func insertTicket(_ client: PostgresClient, seat: Int64) async throws {
        try await client.query(
            """
            INSERT INTO ticket (event_id, ticket_class, seat_id, account_id, holder, status, token, created_at, changed_at)
            VALUES (1, 1, \(seat), 1, 'A', 'valid', '', 0, 0)
            """)
    }

    /// The first column of every row, as integers.
    static func ints(_ store: PostgresStore, _ sql: String) async throws -> [Int] {
        var values: [Int] = []
        for try await value in try await store.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { values.append(value) }
        return values
    }
}

/// How many writers of a race have finished.
private final class WritersDone: Sendable {
    let count = Atomic<Int>(0)
}

/// A continuation resumed by whichever of two racers comes first.
private final class ResumeOnce: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ value: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
