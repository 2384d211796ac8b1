import Foundation
import GateProtocol
import Shared

/// `gate-kiosk doctor`: is this gate box ready to open the doors? Each check is one finding;
/// any `problem` means not ready. Read-only: it never changes the replica or the camera's
/// settings, and it leaves a running kiosk's camera alone.
public enum GateDoctor {
    public struct Finding: Sendable, Equatable {
        public enum Status: String, Sendable {
            case ok
            case warning
            /// The gate is not ready until this is fixed.
            case problem
        }
        public let check: String
        public let status: Status
        public let detail: String
    }

    /// Below this free space the scan log may not be written: not ready.
    static let minimumFreeBytes: Int64 = 50 << 20
    /// Below this, a long festival day may fill the disk.
    static let comfortableFreeBytes: Int64 = 500 << 20
    /// Keys a standalone gate got from a file this long ago may miss a rotation since.
    static let keyAgeWarning: Int64 = 24 * 3_600_000

    /// Every check on `directory` and camera `source` (a device; a recording is not checked as a camera).
    public static func examine(directory: String, source: String, now: Int64) async -> [Finding] {
        var findings: [Finding] = []
        let running = DirectoryLock.isHeld(directory: directory, name: "kiosk.lock")
        findings.append(contentsOf: cameraFindings(source: source, kioskRunning: running))
        findings.append(dataDirectoryFinding(directory))
        findings.append(diskFinding(directory))
        guard (try? KioskReplica.requireInitialised(directory)) != nil else {
            findings.append(Finding(
                check: "replica", status: .problem,
                detail: "\(directory) holds no kiosk replica: run 'gate-kiosk enroll' (or 'gate-kiosk init' and 'import')"))
            return findings
        }
        do {
            let replica = try KioskReplica(directory: directory)
            findings.append(contentsOf: try replicaFindings(replica, directory: directory, now: now, running: running))
            findings.append(contentsOf: await serverFindings(replica, directory: directory))
        } catch {
            findings.append(Finding(check: "replica", status: .problem, detail: "\(directory): \(error)"))
        }
        return findings
    }

    // MARK: Camera

    static func cameraFindings(source: String, kioskRunning: Bool) -> [Finding] {
        var findings: [Finding] = []
        let others = V4L2Camera.devices().filter { $0 != source }.compactMap { path -> String? in
            guard let camera = try? V4L2Camera.describe(path) else { return nil }
            return "\(path) \(camera.card): \(modesSummary(camera))"
        }
        if !others.isEmpty { findings.append(Finding(check: "other cameras", status: .ok, detail: others.joined(separator: "; "))) }
        guard source.hasPrefix("/dev/") else {
            findings.append(Finding(check: "camera", status: .ok, detail: "\(source) is a recording, not a camera: not checked"))
            return findings
        }
        if kioskRunning {
            findings.append(Finding(check: "camera", status: .ok, detail: "\(source) is in use by the kiosk running on this directory"))
            return findings
        }
        do {
            let camera = try V4L2Camera.describe(source)
            guard let chosen = camera.chosenMode else {
                findings.append(Finding(
                    check: "camera", status: .problem,
                    detail: "\(source) \(camera.card) offers no mode the kiosk can use: \(modesSummary(camera))"))
                return findings
            }
            findings.append(Finding(
                check: "camera", status: .ok, detail: "\(source) \(camera.card) (\(camera.driver)): streams \(chosen); offers \(modesSummary(camera))"))
        } catch .permissionDenied {
            findings.append(Finding(
                check: "camera", status: .problem,
                detail: "\(source): permission denied; add this user (\(userName())) to the camera's group (usually video) and log in again"))
        } catch .noSuchDevice {
            let found = V4L2Camera.devices()
            findings.append(Finding(
                check: "camera", status: .problem,
                detail: "no camera at \(source)" + (found.isEmpty ? "; none is plugged in (no /dev/video*)" : "; there is \(found.joined(separator: ", "))")))
        } catch {
            findings.append(Finding(check: "camera", status: .problem, detail: error.description))
        }
        return findings
    }

    private static func modesSummary(_ camera: V4L2Camera.Description) -> String {
        let modes = camera.modes.map(\.description)
        return modes.isEmpty ? "no modes" : modes.prefix(8).joined(separator: ", ") + (modes.count > 8 ? ", …" : "")
    }

    // MARK: Files

    static func dataDirectoryFinding(_ directory: String) -> Finding {
        guard let mode = PrivateFiles.mode(of: directory) else {
            return Finding(check: "data directory", status: .problem, detail: "\(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            return Finding(
                check: "data directory", status: .problem,
                detail: "\(directory) is not writable by \(userName()): scans could not be recorded")
        }
        guard mode & 0o077 == 0 else {
            return Finding(
                check: "data directory", status: .warning,
                detail: "\(directory) is readable by others (mode \(String(mode & 0o777, radix: 8))); the kiosk makes it owner-only when it starts")
        }
        return Finding(check: "data directory", status: .ok, detail: "\(directory), owner-only, writable by \(userName())")
    }

    static func diskFinding(_ directory: String) -> Finding {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else {
            return Finding(check: "disk", status: .warning, detail: "free space unknown: \(String(cString: strerror(errno)))")
        }
        let free = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        let text = "\(free >> 20) MB free"
        if free < minimumFreeBytes { return Finding(check: "disk", status: .problem, detail: "\(text): scans may not be recorded") }
        if free < comfortableFreeBytes { return Finding(check: "disk", status: .warning, detail: "\(text): low for a long day") }
        return Finding(check: "disk", status: .ok, detail: text)
    }

    // MARK: Replica and keys

    static func replicaFindings(_ replica: KioskReplica, directory: String, now: Int64, running: Bool) throws -> [Finding] {
        var findings: [Finding] = []
        let tickets = try replica.ticketCount()
        let bytes = PrivateFiles.size(of: (directory as NSString).appendingPathComponent(KioskReplica.fileName)) ?? 0
        let size = "event \(replica.eventID), gate \(replica.gate): \(tickets) tickets, \(bytes / 1024) KB"
        findings.append(
            tickets == 0
                ? Finding(check: "replica", status: .problem, detail: "\(size): no tickets to check against; sync or import first")
                : Finding(check: "replica", status: .ok, detail: size))

        let ring = try replica.keyRing()
        let enrolled = try replica.enrollment() != nil
        let cursor = try replica.syncCursor()
        let keyList = ring.keys.map { "kid \($0.kid) \($0.status.rawValue)" }.joined(separator: ", ")
        let keysAt = enrolled ? cursor.syncedAt : try replica.keysStoredAt()
        let age = keysAt.map { "\(max(0, now - $0) / 60_000) min ago" } ?? "at an unknown time"
        if !ring.keys.contains(where: { $0.status == .active }) {
            findings.append(Finding(check: "keys", status: .problem, detail: "no active key (\(keyList.isEmpty ? "none" : keyList)): every ticket would be refused"))
        } else if !enrolled, let keysAt, now - keysAt > keyAgeWarning {
            findings.append(Finding(
                check: "keys", status: .warning,
                detail: "\(keyList), exported \(age): if keys were rotated since, export them again (ticket-server keys export-kiosk)"))
        } else {
            findings.append(Finding(check: "keys", status: .ok, detail: "\(keyList); \(enrolled ? "from the server at the last sync" : "exported") \(age)"))
        }
        let pending = try replica.counters().pending
        findings.append(Finding(
            check: "scans", status: .ok,
            detail: "\(pending) waiting for the server\(running ? "; a kiosk is running on this directory" : "")"))
        return findings
    }

    // MARK: Server

    /// An enrolled gate asks the server once for its feed head: reachable, not revoked, and how
    /// far the clocks differ (measured at the middle of the call).
    static func serverFindings(_ replica: KioskReplica, directory: String) async -> [Finding] {
        guard let enrollment = try? replica.enrollment() else {
            return [Finding(check: "server", status: .ok, detail: "not enrolled: tickets come from files and scans stay here (gate-kiosk export-scans)")]
        }
        do {
            guard let (link, _) = try GateEnrollment.connection(directory: directory, replica: replica) else {
                return [Finding(check: "server", status: .problem, detail: "enrolled, but the connection settings cannot be read")]
            }
            let cursor = try replica.syncCursor()
            let pending = try replica.counters().pending
            let sent = KioskClock.system.now()
            let result: Result<FeedPage, LinkError>
            do throws(LinkError) {
                result = .success(try await link.changes(after: cursor.lastSeq, limit: 1, wait: 0, pending: pending, clockOffset: cursor.clockOffset))
            } catch {
                result = .failure(error)
            }
            await link.shutdown()
            let received = KioskClock.system.now()
            switch result {
            case .success(let page):
                let offset = page.serverTime - (sent + received) / 2
                let server = Finding(
                    check: "server", status: .ok,
                    detail: "\(enrollment.server.absoluteString) answered in \(received - sent) ms; feed at \(page.lastSeq), this gate at \(cursor.lastSeq)")
                let seconds = Double(offset) / 1_000
                let clock =
                    abs(offset) > SyncStatus.clockWarning
                    ? Finding(
                        check: "clock", status: .warning,
                        detail: String(format: "this box's clock is %+.1f s off the server's; the kiosk corrects by it, but set the clock (NTP)", -seconds))
                    : Finding(check: "clock", status: .ok, detail: String(format: "%+.3f s from the server's", -seconds))
                return [server, clock]
            case .failure(.revoked):
                return [Finding(check: "server", status: .problem, detail: "an organiser revoked this gate: enroll it again with a new code")]
            case .failure(let error):
                return [Finding(
                    check: "server", status: .warning,
                    detail: "\(enrollment.server.absoluteString): \(error); the gate judges offline from its replica until it is back")]
            }
        } catch {
            return [Finding(check: "server", status: .problem, detail: "\(error)")]
        }
    }

    private static func userName() -> String {
        getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(geteuid())"
    }
}
