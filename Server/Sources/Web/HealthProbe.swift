import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import NIOPosix

/// `GET /healthz`: whether the server answers and its database with it.
enum HealthCheck {
    static let body = #"{"status":"ok"}"#
    static let failedBody = #"{"status":"database_unavailable"}"#

    /// Now as an HTTP `Date` header writes it (`Thu, 03 Dec 2026 05:00:57 GMT`), as the router's answers carry.
    static func httpDate() -> String {
        var now = time(nil), parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 40)
        let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)  // C locale: English names
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the database answers a read.
    static func databaseAnswers(_ readers: DatabaseReaders) -> Bool {
        (try? readers.read { try $0.row("SELECT 1") }) != nil
    }
}

/// Answers `GET /healthz` on the connection's event loop, before the request reaches the router.
///
/// A load balancer's probe must not queue behind the rush it is there to watch: through the
/// router it would wait for a turn on the few threads that also run the 10,000 booking
/// requests that arrived just before it (1.9 s at the opening minute). Here it waits for
/// nothing but the database read, done on NIO's blocking-work pool so the event loop never
/// touches a file. The router keeps its own `/healthz` for the in-process tests, which bypass
/// the HTTP channel, and for a probe with a query string.
final class HealthProbeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let databaseAnswers: @Sendable () -> Bool
    /// The probe being read (its head), until its end arrives. NIO's pipelining assistance, ahead
    /// of this handler, passes one request at a time: nothing else is in flight meanwhile.
    private var probe: HTTPRequest?

    init(databaseAnswers: @escaping @Sendable () -> Bool) {
        self.databaseAnswers = databaseAnswers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let head) = part, head.path == "/healthz", head.method == .get || head.method == .head {
            probe = head
            return
        }
        guard let probe else {
            context.fireChannelRead(data)
            return
        }
        if case .end = part {
            self.probe = nil
            answer(probe, context: context)
        }
    }

    private func answer(_ probe: HTTPRequest, context: ChannelHandlerContext) {
        let check = databaseAnswers
        let answered = NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { check() }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        answered.whenComplete { [self] result in
            let context = loopBound.value
            let healthy = (try? result.get()) == true
            let body = ByteBuffer(string: healthy ? HealthCheck.body : HealthCheck.failedBody)
            var fields: HTTPFields = [
                .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes),
                .date: HealthCheck.httpDate(), .server: "festivalgate",
            ]
            if probe.headerFields[.authorization] != nil || probe.headerFields[.cookie] != nil {
                fields[.cacheControl] = "no-store"  // as `PrivateAnswersMiddleware` marks every such answer
            }
            let closing = probe.headerFields[.connection]?.lowercased() == "close"
            if closing { fields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(HTTPResponse(status: healthy ? .ok : .serviceUnavailable, headerFields: fields))), promise: nil)
            if probe.method != .head { context.write(wrapOutboundOut(.body(body)), promise: nil) }
            let written = context.writeAndFlushPromise(wrapOutboundOut(.end(nil)))
            if closing { written.whenComplete { _ in context.close(promise: nil) } }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise(_ data: NIOAny) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(data, promise: promise)
        return promise.futureResult
    }
}
