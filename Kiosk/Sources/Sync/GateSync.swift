import Foundation
import GateProtocol
import Logging
import ServiceLifecycle

/// The background sync of an enrolled kiosk, as a service: it pulls the change feed (long-poll
/// when caught up, so a change reaches the gate in about a second) and pushes the scan log in
/// batches. When the server is away it backs off and tries again by itself; the kiosk judges
/// from its replica meanwhile.
public final class GateSync: Service, Sendable {
    private let gatekeeper: Gatekeeper
    private let link: GateLink
    private let status: SyncStatus
    private let report: @Sendable (String) -> Void
    /// SQLite work happens here, never on the async pool.
    private let disk = DispatchQueue(label: "sync")

    /// Scans per push: the server takes up to 500.
    static let batchSize = 500
    /// Feed entries per page: the server's largest.
    static let pageSize = 5_000

    public init(gatekeeper: Gatekeeper, link: GateLink, status: SyncStatus, report: @escaping @Sendable (String) -> Void) {
        self.gatekeeper = gatekeeper
        self.link = link
        self.status = status
        self.report = report
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pullLoop() }
                group.addTask { await self.pushLoop() }
            }
        }
        // Syncing stops early only for a revoked gate, which keeps judging offline: the service
        // stays until the kiosk stops (a service group ends when one of its services returns).
        if status.snapshot.connection == .revoked { try? await gracefulShutdown() }
        // Stopping: whatever the last moments added goes out if the server is there.
        if status.mayAskServer { _ = try? await pushPending() }
    }

    /// One full round, for `gate-kiosk sync`: pulls until caught up, then pushes every pending
    /// scan. Throws the first failure (`LinkError.revoked` is recorded first).
    public func syncOnce() async throws -> (pulled: Int, pushed: Int) {
        do {
            var caughtUp = false
            var pulled = 0
            repeat { pulled += try await pullPage(wait: 0, caughtUp: &caughtUp) } while !caughtUp
            return (pulled, try await pushPending())
        } catch {
            _ = await handle(error)
            throw error
        }
    }

    // MARK: Pull

    private func pullLoop() async {
        var backoff = Backoff()
        var caughtUp = false
        while !Task.isCancelled, status.snapshot.connection != .revoked {
            do {
                _ = try await pullPage(wait: caughtUp ? GateLink.longPollSeconds : 0, caughtUp: &caughtUp)
                backoff.reset()
            } catch {
                // Stopping: the call was cut off on purpose, nothing to report.
                if Task.isCancelled { return }
                caughtUp = false
                if !(await handle(error)) { return }
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// Pulls and applies one page; returns how many entries it held.
    @discardableResult
    func pullPage(wait: Int, caughtUp: inout Bool) async throws -> Int {
        let cursor = try await onQueue(disk) { [gatekeeper] in try gatekeeper.syncCursor() }
        // The gate reports its clock as its own minus the server's.
        let page = try await link.changes(
            after: cursor.lastSeq, limit: Self.pageSize, wait: wait, pending: gatekeeper.counters().pending,
            clockOffset: -status.snapshot.clockOffset)
        status.heard(serverTime: page.serverTime, receivedAt: status.localNow)
        let keys = try GateKey.checkedRing(page.keys)
        let now = status.clock.now()
        let offset = status.snapshot.clockOffset
        let applied = try await onQueue(disk) { [gatekeeper] in
            try gatekeeper.apply(page, keys: keys, clockOffset: offset, now: now)
        }
        if !page.more { status.caughtUp(at: now) }
        caughtUp = !page.more
        return applied
    }

    // MARK: Push

    private func pushLoop() async {
        var backoff = Backoff()
        while !Task.isCancelled, status.snapshot.connection != .revoked {
            if status.mayAskServer, gatekeeper.counters().pending > 0 {
                do {
                    try await pushPending()
                    backoff.reset()
                } catch {
                    if Task.isCancelled { return }
                    if !(await handle(error)) { return }
                    try? await Task.sleep(for: backoff.next())
                    continue
                }
            }
            // The counters are in memory: looking four times a second costs nothing.
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Pushes every pending scan, a batch at a time; returns how many the server had not seen.
    @discardableResult
    func pushPending() async throws -> Int {
        var stored = 0
        while true {
            let scans = try await onQueue(disk) { [gatekeeper] in try gatekeeper.pendingScans(limit: Self.batchSize) }
            guard !scans.isEmpty else { return stored }
            let answer = try await link.push(scans, pending: gatekeeper.counters().pending)
            status.heard(serverTime: answer.serverTime, receivedAt: status.localNow)
            stored += answer.stored
            try await onQueue(disk) { [gatekeeper] in try gatekeeper.markSynced(scans.map(\.scanNumber)) }
        }
    }

    // MARK: Failures

    /// Takes in a failed call; false when syncing must stop (the gate was revoked).
    private func handle(_ error: any Error) async -> Bool {
        guard let error = error as? LinkError else {
            status.lost("\(error)")
            report("sync: \(error)")
            return true
        }
        if error == .revoked {
            if status.revoked() { report(error.description) }
            _ = try? await onQueue(disk) { [gatekeeper] in try gatekeeper.markRevoked() }
            return false
        }
        let wasOnline = status.snapshot.connection == .online
        status.lost(error.description)
        // An outage is told once, when it starts; the screen shows it meanwhile.
        if wasOnline || !error.isOutage { report("sync: \(error)") }
        return true
    }
}
