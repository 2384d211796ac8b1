import Synchronization

/// What each gate last reported of itself (feed position, scans not yet pushed, clock offset),
/// as written to its device row. A gate long-polls the feed every few seconds and reports
/// with every call; writing each report would cost a writer transaction and an fsync per poll.
/// A report is written when it says something new, or when the stored one is old enough that
/// the organisers' "online" would start to doubt the gate.
final class DeviceReports: Sendable {
    private struct Written {
        let report: DeviceRepository.Report
        let at: Int64
    }

    private let written = Mutex<[Int64: Written]>([:])

    /// A stored report this old is written again even if nothing changed: well inside the
    /// 45 s after which a gate no longer counts as online.
    static let refreshSeconds: Int64 = 15
    /// Clock offsets that differ by less than this are the same: each poll measures it anew.
    static let offsetTolerance: Int64 = 1_000

    /// Whether `report`, heard from `deviceID` at `now` (seconds), must be written.
    func mustWrite(_ report: DeviceRepository.Report, deviceID: Int64, now: Int64) -> Bool {
        guard let last = written.withLock({ $0[deviceID] }) else { return true }
        return now - last.at >= Self.refreshSeconds || !Self.same(report, last.report)
    }

    /// Records that `report` is in the device row as of `now`.
    func wrote(_ report: DeviceRepository.Report, deviceID: Int64, now: Int64) {
        written.withLock { $0[deviceID] = Written(report: report, at: now) }
    }

    /// Forgets a device, so its next report is written (a revoke, say, changed its row).
    func forget(deviceID: Int64) {
        _ = written.withLock { $0.removeValue(forKey: deviceID) }
    }

    private static func same(_ new: DeviceRepository.Report, _ old: DeviceRepository.Report) -> Bool {
        let offsetsAgree = switch (new.clockOffsetMilliseconds, old.clockOffsetMilliseconds) {
        case (nil, _): true  // nothing said: the stored one stands
        case (let new?, let old?): abs(new - old) < offsetTolerance
        case (_?, nil): false
        }
        return (new.replicaSeq == nil || new.replicaSeq == old.replicaSeq)
            && (new.pendingScans == nil || new.pendingScans == old.pendingScans) && offsetsAgree
    }
}
