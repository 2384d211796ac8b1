import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Shared

/// Runs `--notify-command` once per waitlist offer, with a JSON description of the offer on its
/// standard input, so a festival can send an e-mail or a messenger message. The command runs
/// on a blocking thread of its own, never on the writer's thread or a request's; an offer is marked
/// notified only once the command exits 0, and a failure is tried again later (5 s, then twice
/// as long each time, at most 5 minutes apart) for as long as the offer is open. The marks are in
/// the database, so a restart neither loses nor repeats a notice that succeeded. The command
/// waits on a thread of the notifier's own: one that hangs for its 30 s keeps no thread from
/// the health probes or the pages' exports, which share NIO's pool.
struct OfferNotifier: Service {
    let command: String
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let clock: ServerClock
    /// Rung after every commit that changed an event, offers made among them.
    let changeBell: ChangeBell
    let logger: Logger
    /// A command that has not exited by then is stopped and counts as failed.
    var timeout: Duration = .seconds(30)

    func run() async {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Registered before the read, so an offer committed meanwhile rings it and the
                // wait ends at once: a notice starts within milliseconds of the offer, not at
                // the next round. Retries that come due are found by the round every second.
                let bell = changeBell.waiterForAnyEvent()
                let round = ContinuousClock.now
                // A full batch means more are due: straight on to the next.
                if await notifyDue(on: thread) < OfferNotice.batch { await bell.wait(upTo: .seconds(1)) } else { bell.cancel() }
                // Every commit rings in a booking rush: at most 20 rounds a second then.
                try? await Task.sleep(until: round + .milliseconds(50))
            }
        }
        try? await thread.shutdownGracefully()
    }

    /// Notifies the open offers whose notice is due (a batch of them), one at a time; how many.
    @discardableResult
    func notifyDue(on thread: NIOThreadPool) async -> Int {
        let now = clock.now()
        guard let due = try? readers.read({ try OfferNotice.due(now: now, in: $0) }) else { return 0 }
        for notice in due {
            let succeeded = await runCommand(input: notice.json, on: thread)
            let finished = clock.now()
            _ = try? await writer.write { try OfferNotice.record(offerID: notice.offerID, succeeded: succeeded, now: finished, in: $0) }
            if !succeeded { logger.warning("--notify-command failed for waitlist offer \(notice.offerID); it will be tried again") }
        }
        return due.count
    }

    /// Runs the command through `/bin/sh -c` with `input` on standard input; whether it exited 0.
    private func runCommand(input: String, on thread: NIOThreadPool) async -> Bool {
        let command = self.command, seconds = Double(timeout.components.seconds)
        return (try? await thread.runIfActive {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let stdin = Pipe()
            process.standardInput = stdin
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            // Told the moment the command exits, rather than looking every few milliseconds.
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            do {
                try process.run()
            } catch {
                return false
            }
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
            if exited.wait(timeout: .now() + seconds) == .timedOut {
                process.terminate()
                return false
            }
            return process.terminationStatus == 0
        }) ?? false
    }
}

/// One offer's notice: what the command is told, and the record of its runs.
enum OfferNotice {
    struct Due: Sendable {
        let offerID: Int64
        let json: String
    }

    /// Notices read at a time.
    static let batch = 100

    /// Open offers not yet notified whose next try has come, oldest first.
    static func due(now: Int64, in database: some SQLiteQuerying) throws -> [Due] {
        try database.rows(
            """
            SELECT o.id, o.count, o.expires_at, e.event_id, e.ticket_class, ev.name AS event_name, c.name AS class_name,
                   a.email, a.display_name
            FROM waitlist_offer o JOIN waitlist_entry e ON e.id = o.entry_id JOIN event ev ON ev.id = e.event_id
            JOIN ticket_class c ON c.event_id = e.event_id AND c.ticket_class = e.ticket_class JOIN account a ON a.id = e.account_id
            WHERE o.notified_at IS NULL AND o.notify_after <= ? AND o.status = 'open' ORDER BY o.id LIMIT \(batch)
            """, now
        ).map { row in
            let offerID: Int64 = try row["id"]
            let seats = try database.rows(
                "SELECT s.label FROM offer_seat o JOIN seat s ON s.id = o.seat_id WHERE o.offer_id = ? ORDER BY s.id", offerID
            ).map { JSONValue.string(try $0["label"]) }
            let json = JSONValue.object([
                ("offer_id", .integer(offerID)), ("event_id", .integer(try row["event_id"])), ("event_name", .string(try row["event_name"])),
                ("ticket_class", .integer(try row["ticket_class"])), ("class_name", .string(try row["class_name"])),
                ("count", .integer(try row["count"])), ("seats", seats.isEmpty ? .null : .array(seats)),
                ("expires_at", .integer(try row["expires_at"])),
                ("email", .string(try row["email"])), ("display_name", .string(try row["display_name"])),
                ("accept", .string("/api/v1/offers/\(offerID)/accept")), ("decline", .string("/api/v1/offers/\(offerID)/decline")),
            ])
            return Due(offerID: offerID, json: json.description)
        }
    }

    /// Marks the offer notified, or schedules the next try.
    static func record(offerID: Int64, succeeded: Bool, now: Int64, in transaction: WriteTransaction) throws {
        if succeeded {
            try transaction.run("UPDATE waitlist_offer SET notified_at = ?, notify_attempts = notify_attempts + 1 WHERE id = ?", now, offerID)
        } else {
            let attempts = try transaction.scalar("SELECT notify_attempts FROM waitlist_offer WHERE id = ?", offerID, as: Int.self) ?? 0
            let wait = min(300, 5 << min(attempts, 6))
            try transaction.run(
                "UPDATE waitlist_offer SET notify_attempts = notify_attempts + 1, notify_after = ? WHERE id = ?", now + Int64(wait), offerID)
        }
    }
}
