import Foundation
import GateProtocol
import Shared

/// `gate-kiosk enroll`: trades an organiser's one-time code for this gate's credential, the
/// event's kiosk keys and the gate's name, direction and classes.
public enum GateEnrollment {
    /// Enrolls the kiosk in `directory` and returns the device as the server describes it. The
    /// replica is made (or re-keyed) for the device's event; its scans are kept. A kiosk with
    /// scans its previous enrollment never pushed is refused: they would be lost to the server.
    public static func enroll(directory: String, server: URL, code: String, caFile: String?, now: Int64) async throws -> DeviceInfo {
        if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(KioskReplica.fileName)) {
            let replica = try KioskReplica(directory: directory)
            let pending = try replica.counters().pending
            if try replica.enrollment() != nil, pending > 0 {
                throw EnrollmentError.unpushedScans(pending, directory: directory)
            }
        }
        let link = try GateLink(server: server, credential: nil, caFile: caFile)
        let answer: EnrollAnswer
        do {
            answer = try await link.enroll(code: code)
            await link.shutdown()
        } catch {
            await link.shutdown()
            throw error
        }
        let replica = try KioskReplica.initialise(
            directory: directory, eventID: answer.device.eventID, gate: answer.device.name, keys: try GateKey.checkedRing(answer.keys), now: now)
        try AtomicFile.write(Data(answer.credential.utf8), to: credentialPath(directory), mode: 0o600)
        try replica.enroll(
            Enrollment(server: server, deviceID: answer.device.id, direction: answer.device.direction, classes: answer.device.classes, caFile: caFile))
        try replica.saveClockOffset(answer.serverTime - KioskClock.system.now())
        return answer.device
    }

    /// The device credential of an enrolled kiosk.
    public static func credential(_ directory: String) throws -> String {
        let path = credentialPath(directory)
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw EnrollmentError.credentialMissing(path)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func credentialPath(_ directory: String) -> String {
        (directory as NSString).appendingPathComponent(Enrollment.credentialFile)
    }

    /// The link, status and rules an enrolled replica runs with; nil for a standalone kiosk.
    public static func connection(directory: String, replica: KioskReplica) throws -> (link: GateLink, status: SyncStatus)? {
        guard let enrollment = try replica.enrollment() else { return nil }
        let cursor = try replica.syncCursor()
        let link = try GateLink(server: enrollment.server, credential: try credential(directory), caFile: enrollment.caFile)
        let status = SyncStatus(.init(connection: cursor.revoked ? .revoked : .connecting, syncedAt: cursor.syncedAt, clockOffset: cursor.clockOffset))
        return (link, status)
    }
}

public enum EnrollmentError: Error, Equatable, CustomStringConvertible {
    /// Scans of an earlier enrollment the server has not stored: a new one would strand them.
    case unpushedScans(Int, directory: String)
    case credentialMissing(String)

    public var description: String {
        switch self {
        case .unpushedScans(let count, let directory):
            "\(count) scans of this gate's earlier enrollment are not on the server yet: run 'gate-kiosk sync --data \(directory)' first"
        case .credentialMissing(let path): "\(path) is missing: enroll this gate again ('gate-kiosk enroll')"
        }
    }
}
