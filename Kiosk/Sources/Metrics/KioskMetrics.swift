import Metrics
import Prometheus

/// What the kiosk counts and times, for Prometheus at `--metrics HOST:PORT`: frames read, decode
/// time, verdicts by reason, and at each scrape how far behind the server the replica is and
/// how many scans wait to be pushed.
///
/// Through swift-metrics with a factory of our own, so each kiosk in a process (the tests) has
/// its own figures.
public final class KioskMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let frames: Metrics.Counter
    private let decodeTime: Metrics.Timer

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A 720p frame decodes in a few milliseconds when nothing is in view, tens when zbar
        // and zxing both look hard; a camera gives one every 33 ms.
        factory.durationHistogramBuckets["festivalgate_kiosk_decode_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(33),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        ]
        self.factory = factory
        frames = Metrics.Counter(label: "festivalgate_kiosk_frames_total", factory: factory)
        decodeTime = Metrics.Timer(label: "festivalgate_kiosk_decode_seconds", factory: factory)
    }

    /// One frame read and looked at by the decoders.
    func decoded(in duration: Duration) {
        frames.increment()
        decodeTime.record(duration: duration)
    }

    /// A new verdict (a code still in view is not counted again).
    func verdict(_ verdict: Verdict) {
        Metrics.Counter(
            label: "festivalgate_kiosk_verdicts_total",
            dimensions: [("verdict", verdict.admitted ? "admit" : "reject"), ("reason", verdict.reason.rawValue), ("source", verdict.source.rawValue)],
            factory: factory
        ).increment()
    }

    /// The scrape: the gauges read now, then everything in Prometheus' text format.
    /// `syncLagSeconds` is nil for a gate that has never caught up with the server (or is not enrolled).
    func exposition(pendingScans: Int, syncLagSeconds: Double?, online: Bool) -> [UInt8] {
        Metrics.Gauge(label: "festivalgate_kiosk_pending_scans", factory: factory).record(pendingScans)
        Metrics.Gauge(label: "festivalgate_kiosk_sync_lag_seconds", factory: factory).record(syncLagSeconds ?? -1)
        Metrics.Gauge(label: "festivalgate_kiosk_online", factory: factory).record(online ? 1 : 0)
        return registry.emitToBuffer()
    }
}
