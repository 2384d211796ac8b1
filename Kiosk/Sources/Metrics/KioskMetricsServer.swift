import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `gate-kiosk run --metrics 127.0.0.1:9464`: `GET /metrics` for the gate box's Prometheus, as a
/// service beside the scanner. It counts verdicts from the one verdict stream, like every other
/// consumer of it.
public struct KioskMetricsServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>
    private let verdicts: AsyncStream<ScanEvent>
    private let metrics: KioskMetrics

    public init(
        host: String, port: Int, metrics: KioskMetrics, events: ScanEvents, gatekeeper: Gatekeeper, sync: SyncStatus?, logger: Logger
    ) {
        self.metrics = metrics
        verdicts = events.subscribe("metrics", limit: 10_000)
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let body = metrics.exposition(
                pendingScans: gatekeeper.counters().pending, syncLagSeconds: Self.lag(sync), online: sync?.snapshot.connection == .online)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "gate-kiosk"), logger: logger)
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [verdicts, metrics] in
                for await event in verdicts {
                    if case .verdict(.new(let verdict), _) = event { metrics.verdict(verdict) }
                }
            }
            group.addTask { try await application.run() }
        }
    }

    /// Seconds since the replica last caught up with the server's feed, on the corrected clock.
    private static func lag(_ sync: SyncStatus?) -> Double? {
        guard let sync, let syncedAt = sync.snapshot.syncedAt else { return nil }
        return Double(max(0, sync.clock.now() - syncedAt)) / 1_000
    }
}
