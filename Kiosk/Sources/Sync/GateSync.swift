import Foundation
import GateProtocol
import Logging
import ServiceLifecycle
import Shared

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
    /// The gate's verdicts, as they are recorded: each one is a scan to push.
    private let verdicts: AsyncStream<ScanEvent>?
    /// Wakes the push loop: a verdict was recorded, the server is back, or a retry is due. One
    /// waiting wake is as good as many.
    private let wake = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Scans left while the server was away go out once it answers again; this is the latest
    /// they wait when nothing else wakes the loop.
    static let pushRecheck: Duration = .seconds(5)

    /// Scans per push: the server takes up to 500.
    static let batchSize = 500
    /// Feed entries per page: the server's largest.
    static let pageSize = 5_000

    /// `events`: the gate's scan events, which the push loop follows (subscribed here, before
    /// any is published); nil for a one-off round (`syncOnce`).
    public init(
        gatekeeper: Gatekeeper, link: GateLink, status: SyncStatus, events: ScanEvents? = nil, report: @escaping @Sendable (String) -> Void
    ) {
        self.gatekeeper = gatekeeper
        self.link = link
        self.status = status
        self.report = report
        // The stream's usual room, though only the wake matters: with room for one, every burst
        // of verdicts would be logged as events the sync "dropped".
        verdicts = events?.subscribe("sync")
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pullLoop() }
                group.addTask { await self.pushLoop() }
                group.addTask { await self.wakeOnVerdicts() }
                group.addTask { await self.wakeNowAndThen() }
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
            let pulled = try await catchUp()
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
                let wasAway = !status.mayAskServer
                if caughtUp {
                    let fetched = try await fetchPage(after: try await cursor(), wait: GateLink.longPollSeconds)
                    _ = try await apply(fetched)
                    caughtUp = !fetched.page.more
                } else {
                    _ = try await catchUp()
                    caughtUp = true
                }
                backoff.reset()
                // Back in touch: what was scanned meanwhile goes out now.
                if wasAway { wake.continuation.yield() }
            } catch {
                // Stopping: the call was cut off on purpose, nothing to report.
                if Task.isCancelled { return }
                caughtUp = false
                if !(await handle(error)) { return }
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// Pulls pages until the feed has no more; returns how many entries they held. While one
    /// page is written to the replica the next is already asked for, so the server's work and
    /// the wire overlap the disk's. A page fetched past one that fails to apply is dropped: the
    /// replica's cursor, not the pages in flight, says where the next pull starts.
    func catchUp() async throws -> Int {
        var fetched = try await fetchPage(after: try await cursor(), wait: 0)
        var applied = 0
        while fetched.page.more {
            let after = fetched.page.lastSeq
            async let next = fetchPage(after: after, wait: 0)
            applied += try await apply(fetched)
            fetched = try await next
        }
        return applied + (try await apply(fetched))
    }

    /// Where the replica's feed stands.
    private func cursor() async throws -> Int64 {
        try await onQueue(disk) { [gatekeeper] in try gatekeeper.syncCursor() }.lastSeq
    }

    /// One page of the feed after `seq`, its keys checked; hearing it sets the server's time.
    private func fetchPage(after seq: Int64, wait: Int) async throws -> (page: FeedPage, keys: KeyRing) {
        // The gate reports its clock as its own minus the server's.
        let page = try await link.changes(
            after: seq, limit: Self.pageSize, wait: wait, pending: gatekeeper.counters().pending,
            clockOffset: -status.snapshot.clockOffset)
        status.heard(serverTime: page.serverTime, receivedAt: status.localNow)
        return (page, try GateKey.checkedRing(page.keys))
    }

    /// Writes a page to the replica; returns how many entries it held.
    private func apply(_ fetched: (page: FeedPage, keys: KeyRing)) async throws -> Int {
        let now = status.clock.now()
        let offset = status.snapshot.clockOffset
        let applied = try await onQueue(disk) { [gatekeeper] in
            try gatekeeper.apply(fetched.page, keys: fetched.keys, clockOffset: offset, now: now)
        }
        if !fetched.page.more { status.caughtUp(at: now) }
        return applied
    }

    // MARK: Push

    /// Pushes whenever it is woken: by a verdict, by the server coming back, or now and then.
    private func pushLoop() async {
        var backoff = Backoff()
        for await _ in wake.stream {
            guard !Task.isCancelled, status.snapshot.connection != .revoked else { return }
            guard status.mayAskServer, gatekeeper.counters().pending > 0 else { continue }
            do {
                try await pushPending()
                backoff.reset()
            } catch {
                if Task.isCancelled { return }
                if !(await handle(error)) { return }
                try? await Task.sleep(for: backoff.next())
                wake.continuation.yield()  // try again, whatever else happens meanwhile
            }
        }
    }

    /// Each recorded verdict wakes the push loop.
    private func wakeOnVerdicts() async {
        guard let verdicts else { return }
        for await event in verdicts {
            if case .verdict = event { wake.continuation.yield() }
        }
    }

    /// A wake now (scans left from an earlier run) and every `pushRecheck` after, until stopped.
    private func wakeNowAndThen() async {
        repeat {
            wake.continuation.yield()
            try? await Task.sleep(for: Self.pushRecheck)
        } while !Task.isCancelled
        wake.continuation.finish()
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
