import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How long a connection may keep the server waiting, and how many it may hold open.
public struct ConnectionLimits: Sendable, Equatable {
    /// A new connection must have sent a whole request head within this time.
    public var headerTimeout: Duration
    /// Between requests, and between the parts of a request's body, at most this much silence.
    public var idleTimeout: Duration
    /// Open connections at most; more are closed at once (the operating system's open-file limit
    /// is raised at start to make room, see `FileDescriptorLimit`).
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60), maxConnections: Int = 4_096) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    public static let standard = ConnectionLimits()
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with `limits` enforced on every connection.
    /// `healthCheck` answers `/healthz` probes ahead of the router (`HealthProbeHandler`).
    static func guardedHTTP1(
        _ limits: ConnectionLimits, metrics: ServerMetrics, logger: Logger, healthCheck: @escaping @Sendable () -> Bool
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            // The deadline and probe handlers sit between the HTTP codec and Hummingbird's own
            // handler, new ones for each connection. The deadline handler comes first so that it
            // sees the probes' requests and answers too.
            let configuration = HTTP1Channel.Configuration(
                additionalChannelHandlers: [
                    RequestDeadlineHandler(headerTimeout: limits.headerTimeout, idleTimeout: limits.idleTimeout),
                    HealthProbeHandler(databaseAnswers: healthCheck),
                ])
            return GuardedHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: configuration), limits: limits, open: OpenConnections(),
                metrics: metrics, logger: logger)
        }
    }
}

/// Hummingbird's HTTP/1 channel with a connection cap and `RequestDeadlineHandler`. By default
/// the library has no timeout at all, and its optional one is a single idle timeout: a short one
/// would close the keep-alive connections browsers rely on, a long one lets thousands of
/// half-sent heads sit for that long. The handler gives the first head its own, short deadline.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let open: OpenConnections
    let metrics: ServerMetrics
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = open.admit(limit: limits.maxConnections)
        EagerAccept.keepAccepting(channel.parent)
        if admitted {
            channel.closeFuture.whenComplete { [open] _ in open.release() }
        } else {
            metrics.rateLimited("connections")
        }
        if !admitted, open.shouldReportRefusal() {
            self.logger.warning("connection limit of \(limits.maxConnections) reached; refusing new connections until some close")
        }
        // Set up either way: a value that is never handled would trap in NIO. Closed at once,
        // a refused connection's handling ends as soon as it begins.
        return inner.setup(channel: channel, logger: logger).map { value in
            if !admitted { channel.close(promise: nil) }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// The count of open connections, shared by every connection's setup.
final class OpenConnections: Sendable {
    private let count = Atomic<Int>(0)
    private let lastRefusalReport = Atomic<Int64>(0)

    func admit(limit: Int) -> Bool {
        let now = count.add(1, ordering: .relaxed).newValue
        guard now <= limit else {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() {
        count.subtract(1, ordering: .relaxed)
    }

    /// At most one log line a minute about refusals, however many there are.
    func shouldReportRefusal() -> Bool {
        let minute = Int64(time(nil)) / 60
        return lastRefusalReport.exchange(minute, ordering: .relaxed) != minute
    }
}

/// Closes a connection that keeps the server waiting: no complete request head within
/// `headerTimeout` of connecting, or silence for `idleTimeout` between requests or inside a
/// body. While the server itself is working on a request, no deadline runs.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// When the connection is closed unless something arrives first; nil while the server works
    /// on a request. Moving it costs a clock read, not a timer: one timer is kept and, when it
    /// fires early, re-set for the deadline (as Hummingbird's own idle timeout does).
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?
    /// Requests fully read whose responses are not yet fully written.
    private var requestsInProgress = 0
    private var readingRequest = false

    init(headerTimeout: Duration, idleTimeout: Duration) {
        self.headerTimeout = TimeAmount(headerTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { allow(headerTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        allow(headerTimeout, context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            allow(idleTimeout, context: context)
        case .body:
            allow(idleTimeout, context: context)
        case .end:
            readingRequest = false
            requestsInProgress += 1
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsInProgress = max(0, requestsInProgress - 1)
            if requestsInProgress == 0 && !readingRequest { allow(idleTimeout, context: context) }
        }
        context.write(data, promise: promise)
    }

    /// The connection may stay silent for `timeout` from now.
    private func allow(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        let until = NIODeadline.now() + timeout
        deadline = until
        if timer == nil { schedule(at: until, context: context) }
    }

    private func schedule(at time: NIODeadline, context: ChannelHandlerContext) {
        let channel = context.channel
        // Isolated to the channel's event loop, where the handler and its context live.
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { [weak self] in
            guard let self else { return }
            timer = nil
            guard let deadline else { return }  // busy with a request: a later `allow` re-arms
            if NIODeadline.now() >= deadline {
                channel.close(promise: nil)
            } else {
                schedule(at: deadline, context: context)
            }
        }
    }
}
