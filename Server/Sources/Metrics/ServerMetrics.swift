import Metrics
import Prometheus
import Shared

/// What the server counts and times, for Prometheus at `/metrics`.
///
/// Recorded through swift-metrics with a factory of our own (not the process-wide one), so each
/// server in a process, as in the tests, has its own figures. The figures that the database
/// already knows (tickets sold, sessions) are read from it at each scrape instead of counted, so
/// they survive restarts and cannot drift.
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    private let bookings: Metrics.Counter
    private let writerBatchSize: Metrics.Recorder
    private let writerCommitTime: Metrics.Timer

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["festivalgate_http_request_duration_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500),
        ]
        factory.durationHistogramBuckets["festivalgate_writer_commit_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.valueHistogramBuckets["festivalgate_writer_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        self.factory = factory
        bookings = Metrics.Counter(label: "festivalgate_bookings_total", factory: factory)
        writerBatchSize = Metrics.Recorder(label: "festivalgate_writer_batch_size", aggregate: true, factory: factory)
        writerCommitTime = Metrics.Timer(label: "festivalgate_writer_commit_seconds", factory: factory)
    }

    /// A booking committed (a replay of an idempotent request is not a new one).
    func booked() { bookings.increment() }

    /// A booking refused, by the code the API answers with (`seat_taken`, `sold_out`, …).
    func bookingRefused(reason: String) {
        Metrics.Counter(label: "festivalgate_booking_refusals_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// A throttle said no (`login_account`, `login_address`, `enrollment`, `signup`, `connections`).
    func rateLimited(_ limit: String) {
        Metrics.Counter(label: "festivalgate_rate_limited_total", dimensions: [("limit", limit)], factory: factory).increment()
    }

    /// One group commit of the writer: how many jobs it carried and how long BEGIN to COMMIT took.
    func committed(batchSize: Int, duration: Duration) {
        writerBatchSize.record(batchSize)
        writerCommitTime.record(duration: duration)
    }

    /// One request answered: its route pattern (never the path itself, which would make a series
    /// per ticket id), method and status, and how long until its body was written.
    func requestServed(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Metrics.Timer(label: "festivalgate_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .record(duration: duration)
    }

    /// The scrape: the figures read from the database now, then everything in Prometheus' text format.
    func exposition(readers: DatabaseReaders, now: Int64, pool: BlockingPostgresPool? = nil) throws -> [UInt8] {
        let (sold, sessions) = try readers.read { database in
            // From the classes, so a class whose last ticket was cancelled reads 0, not its old count.
            let sold = try database.rows(
                """
                SELECT c.event_id, c.ticket_class, COUNT(t.id) AS sold FROM ticket_class c
                LEFT JOIN ticket t ON t.event_id = c.event_id AND t.ticket_class = c.ticket_class AND t.status = 'valid'
                GROUP BY c.event_id, c.ticket_class
                """
            ).map { row -> (event: Int64, ticketClass: Int64, sold: Int64) in (try row["event_id"], try row["ticket_class"], try row["sold"]) }
            let sessions = try database.scalar("SELECT COUNT(*) FROM session WHERE expires_at > ?", now, as: Int64.self) ?? 0
            return (sold, sessions)
        }
        for class_ in sold {
            Metrics.Gauge(
                label: "festivalgate_tickets_sold", dimensions: [("event", String(class_.event)), ("class", String(class_.ticketClass))],
                factory: factory
            ).record(class_.sold)
        }
        Metrics.Gauge(label: "festivalgate_active_sessions", factory: factory).record(sessions)
        if let pool {
            // On PostgreSQL: this process's connections, and who waits for one (a pool too small
            // for the load, or a database that went away).
            let figures = pool.figures
            Metrics.Gauge(label: "festivalgate_db_pool_connections", dimensions: [("state", "open")], factory: factory).record(figures.open)
            Metrics.Gauge(label: "festivalgate_db_pool_connections", dimensions: [("state", "in_use")], factory: factory).record(figures.inUse)
            Metrics.Gauge(label: "festivalgate_db_pool_size", factory: factory).record(pool.size)
            Metrics.Gauge(label: "festivalgate_db_pool_waiting", factory: factory).record(figures.waiting)
            Metrics.Gauge(label: "festivalgate_db_pool_waits", factory: factory).record(figures.waitedTotal)
        }
        return registry.emitToBuffer()
    }
}
