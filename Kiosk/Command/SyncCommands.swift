import ArgumentParser
import Foundation
import Kiosk
import Shared

/// `gate-kiosk enroll`: ties this kiosk to a server with an organiser's one-time code.
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll this gate with the server, using the code an organiser created for it.",
        discussion: """
            Trades the code (such as K7QF-29XM, single use, 15 minutes) for this gate's credential, \
            kept in the data directory (owner-only), the event's kiosk keys and the gate's name, \
            direction and ticket classes, then pulls every ticket. After that 'run' syncs by itself.
            """)

    @OptionGroup var data: KioskDataOption
    @OptionGroup var server: ServerOptions
    @Option(help: ArgumentHelp("The enrollment code an organiser created for this gate, or its enrollment URL.", valueName: "code"))
    var code: String

    /// The code itself: the enrollment URL (`…/gate/enroll?code=K7QF-29XM`, what the organiser's
    /// QR code holds) carries it in its query.
    private var enrollmentCode: String {
        guard let components = URLComponents(string: code), components.scheme != nil,
            let value = components.queryItems?.first(where: { $0.name == "code" })?.value
        else { return code }
        return value
    }

    func validate() throws {
        _ = try server.url()
        guard !code.trimmingCharacters(in: .whitespaces).isEmpty, code.utf8.count <= 64 else {
            throw ValidationError("--code must be the enrollment code, such as K7QF-29XM")
        }
    }

    func run() async throws {
        try? FileManager.default.createDirectory(atPath: data.path, withIntermediateDirectories: true)
        let lock = try DirectoryLock(directory: data.path, name: "kiosk.lock", program: "gate-kiosk")
        defer { withExtendedLifetime(lock) {} }
        let device: DeviceInfo
        do {
            device = try await GateEnrollment.enroll(
                directory: data.path, server: try server.url(), code: enrollmentCode, caFile: server.ca, now: KioskClock.system.now())
        } catch let error as LinkError {
            throw CommandFailure("enrollment failed: \(error)")
        }
        let classes = device.classes.map { $0.map(String.init).joined(separator: ",") } ?? "all"
        print("enrolled: gate \(OutsideText.printable(device.name)) (device \(device.id)), \(device.direction), classes \(classes), event \(device.eventID)")
        let round = try await SyncRound(directory: data.path).run()
        print(round.summary)
    }
}

/// `gate-kiosk sync`: one full round with the server, for scripts and for a gate that was off.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pull every change from the server and push every pending scan, once.",
        discussion: "Exits 0 when nothing is left to push; 2 with a one-line reason when the server cannot be reached.")

    @OptionGroup var data: KioskDataOption

    func run() async throws {
        try KioskReplica.requireInitialised(data.path)
        let lock: DirectoryLock
        do {
            lock = try DirectoryLock(directory: data.path, name: "kiosk.lock", program: "gate-kiosk")
        } catch .inUse {
            throw CommandFailure("the kiosk is running on \(data.path) and syncs by itself; 'gate-kiosk status --data \(data.path)' shows how far")
        }
        defer { withExtendedLifetime(lock) {} }
        let round = try await SyncRound(directory: data.path).run()
        print(round.summary)
        if round.pending > 0 { throw CommandFailure("\(round.pending) scans are still not on the server") }
    }
}

/// One pull-and-push round of an enrolled replica, as `enroll` and `sync` run it.
struct SyncRound {
    let directory: String

    struct Result {
        let pulled: Int
        let pushed: Int
        let pending: Int
        let tickets: Int
        let lastSeq: Int64

        var summary: String {
            "synced: \(pulled) changes pulled, \(pushed) scans pushed, \(pending) pending; \(tickets) tickets known, feed at \(lastSeq)"
        }
    }

    func run() async throws -> Result {
        let replica = try KioskReplica(directory: directory)
        guard let (link, status) = try GateEnrollment.connection(directory: directory, replica: replica) else {
            throw CommandFailure("\(directory) is not enrolled with a server: run 'gate-kiosk enroll' first (or import files)")
        }
        let gatekeeper = try Gatekeeper(replica: replica, rules: GateRules())
        let sync = GateSync(gatekeeper: gatekeeper, link: link, status: status, report: { _ in })
        let round: (pulled: Int, pushed: Int)
        do {
            round = try await sync.syncOnce()
            await link.shutdown()
        } catch {
            await link.shutdown()
            throw CommandFailure("sync failed: \(error)")
        }
        let counters = gatekeeper.counters()
        let cursor = try gatekeeper.syncCursor()
        let tickets = try gatekeeper.ticketCount()
        return Result(pulled: round.pulled, pushed: round.pushed, pending: counters.pending, tickets: tickets, lastSeq: cursor.lastSeq)
    }
}

/// `gate-kiosk status`: the gate's state as one JSON object, for staff and monitoring.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print this gate's state (enrollment, sync, scans, clock) as JSON.")

    @OptionGroup var data: KioskDataOption

    func run() throws {
        let replica = try KioskReplica(directory: data.path)
        let enrollment = try replica.enrollment()
        let cursor = try replica.syncCursor()
        let counters = try replica.counters()
        let now = KioskClock.system.now() + cursor.clockOffset
        let keys = try replica.keyRing().keys.map { JSONValue.object([("kid", .integer(Int64($0.kid))), ("status", .string($0.status.rawValue))]) }
        var fields: [(String, JSONValue)] = [
            ("event_id", .integer(Int64(replica.eventID))),
            ("gate", .string(replica.gate)),
            ("enrolled", .bool(enrollment != nil)),
            ("running", .bool(DirectoryLock.isHeld(directory: data.path, name: "kiosk.lock"))),
        ]
        if let enrollment {
            fields += [
                ("server", .string(enrollment.server.absoluteString)),
                ("device_id", .integer(enrollment.deviceID)),
                ("direction", .string(enrollment.direction.rawValue)),
                ("classes", enrollment.classes.map { .array($0.map { .integer(Int64($0)) }) } ?? .null),
                ("revoked", .bool(cursor.revoked)),
                ("last_seq", .integer(cursor.lastSeq)),
                ("synced_at", cursor.syncedAt.map { .string(KioskTime.iso8601(milliseconds: $0)) } ?? .null),
                ("replica_age_seconds", cursor.syncedAt.map { .integer(max(0, now - $0) / 1_000) } ?? .null),
                ("clock_offset_ms", .integer(cursor.clockOffset)),
            ]
        } else {
            fields.append(("last_import_at", try replica.lastImportAt().map { .string(KioskTime.iso8601(milliseconds: $0)) } ?? .null))
        }
        fields += [
            ("tickets", .integer(Int64(try replica.ticketCount()))),
            ("admitted", .integer(Int64(counters.admitted))),
            ("rejected", .integer(Int64(counters.rejected))),
            ("exited", .integer(Int64(counters.exited))),
            ("inside", .integer(Int64(counters.inside))),
            ("pending_scans", .integer(Int64(counters.pending))),
            ("keys", .array(keys)),
        ]
        print(JSONValue.object(fields).description)
    }
}

/// Where the server is, and which certificates to trust for it.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The ticket server, such as https://tickets.example.org.", valueName: "url")) var server: String
    @Option(help: ArgumentHelp("A PEM file of certificates to trust for an https:// server, besides the system's.", valueName: "file"))
    var ca: String?

    func url() throws -> URL {
        guard let url = URL(string: server), GateLink.isServerAddress(url) else { throw ValidationError("--server must be an http:// or https:// address, such as https://tickets.example.org, not '\(server)'") }
        if let ca, !FileManager.default.isReadableFile(atPath: ca) { throw ValidationError("--ca \(ca) cannot be read") }
        return url
    }
}
