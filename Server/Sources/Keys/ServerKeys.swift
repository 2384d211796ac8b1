import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Shared
import Synchronization

/// The key ring the running server issues under, picked up again whenever its store's version
/// changes (`keys rotate`, `keys revoke`, a restored backup): `keys.json`, or on PostgreSQL the
/// database's ring. Tickets sold after a rotation carry the new kid without a restart.
///
/// A changed ring is checked before it is used: it must read as a key file, have an active key,
/// and agree with every kid the database recorded; its kids are recorded before the first ticket
/// is signed under them. A ring that fails keeps the old one in use. Either way the outcome is
/// reported to the store (`keys.loaded`, or the database), where the CLI waits for it, and to the log.
public final class ServerKeys: Sendable {
    private struct Current {
        var ring: KeyRing
        var issuer: TicketIssuer
        var digest: String?
    }

    private let current: Mutex<Current>
    /// Where the ring is kept, and where this server reports what it made of it.
    let store: any KeyRingStore

    init(ring: KeyRing, store: any KeyRingStore) throws {
        self.store = store
        let digest = try? store.digest()
        current = Mutex(Current(ring: ring, issuer: try TicketIssuer(keyRing: ring), digest: digest))
        try? store.report(.init(digest: digest ?? "", activeKid: ring.activeKey.map { Int($0.kid) }, error: nil))
    }

    /// The issuer for the active key at this moment.
    public var issuer: TicketIssuer { current.withLock { $0.issuer } }
    public var ring: KeyRing { current.withLock { $0.ring } }

    /// Loads the ring again if its version changed since the last look. The reads and the
    /// report (a file's fsync, or the database) run on NIO's blocking pool, not on the async threads.
    func reloadIfChanged(writer: DatabaseWriter, now: Int64, logger: Logger) async {
        let seen = current.withLock { $0.digest }
        let store = self.store
        guard let candidate = try? await NIOThreadPool.singleton.runIfActive({ () -> (String, Result<KeyRing, any Error>)? in
            guard let digest = try? store.digest(), digest != seen else { return nil }
            return (digest, Result<KeyRing, any Error> { try store.load() })
        }) else { return }
        let (digest, loaded) = candidate
        let marker: LoadedKeys
        do {
            let ring = try loaded.get()
            guard ring.activeKey != nil else { throw KeyReloadProblem("it has no active key to issue under") }
            let issuer = try TicketIssuer(keyRing: ring)
            try await writer.write { try SigningKeyRecord.record(ring, now: now, in: $0) }
            current.withLock { $0 = Current(ring: ring, issuer: issuer, digest: digest) }
            marker = .init(digest: digest, activeKid: Int(issuer.kid), error: nil)
            logger.notice("key ring reloaded from \(store.place); issuing under kid \(issuer.kid)")
        } catch {
            // Marked as seen, so a broken file is reported once; fixed, its bytes differ and load.
            current.withLock { $0.digest = digest }
            marker = .init(digest: digest, activeKid: nil, error: "\(error)")
            logger.error("key ring in \(store.place) changed but was not loaded; still issuing under kid \(issuer.kid): \(error)")
        }
        _ = try? await NIOThreadPool.singleton.runIfActive { try store.report(marker) }
    }
}

struct KeyReloadProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Looks at the key ring's version once a `interval` for as long as the server runs.
struct KeyFileWatcher: Service {
    let keys: ServerKeys
    let writer: DatabaseWriter
    let clock: ServerClock
    let interval: Duration
    let logger: Logger

    /// Returns when the server shuts down. The sleep ends in a CancellationError then, which
    /// is the way out, not a failure: thrown on, it made every SIGTERM exit with status 2.
    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await keys.reloadIfChanged(writer: writer, now: clock.now(), logger: logger)
            }
        }
    }
}
