import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Many clients at one instant, as at 12:00 on sale day: every connection is opened first, then
/// every request is written at once, and each connection's fate is recorded: the answer's status,
/// or how it failed (refused, reset, closed without an answer, silent until the deadline).
///
/// One request per connection, on NIO directly rather than an HTTP client with a pool: a pool
/// would queue the requests behind each other, which is what a rush is not.
public struct ConnectionBurst: Sendable {
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var path: String
        public var headers: [(String, String)]
        public var body: String?

        public init(method: HTTPMethod = .GET, path: String, headers: [(String, String)] = [], body: String? = nil) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }
    }

    /// How one connection ended.
    public enum Outcome: Sendable, Equatable {
        case answered(status: Int, seconds: Double)
        /// The connection could not be opened.
        case notConnected(String)
        /// The server closed or reset the connection before a whole answer.
        case closedWithoutAnswer(String)
        /// Nothing came back before the deadline.
        case silent

        public var status: Int? {
            if case .answered(let status, _) = self { return status }
            return nil
        }

        public var seconds: Double? {
            if case .answered(_, let seconds) = self { return seconds }
            return nil
        }
    }

    public let host: String
    public let port: Int
    public let group: any EventLoopGroup
    /// At most this many connects in flight while connecting: the server's listen backlog is
    /// finite, and a SYN past it waits a second for its retransmission.
    public var connectsInFlight = 512
    public var deadline: TimeAmount = .seconds(120)

    public init(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.group = group
    }

    /// How far a burst has come, for what runs beside it.
    public final class Progress: Sendable {
        fileprivate let answeredCount = Atomic<Int>(0)
        fileprivate let overFlag = Atomic<Bool>(false)

        /// Requests of the burst answered so far.
        public var answered: Int { answeredCount.load(ordering: .relaxed) }
        /// Whether every connection has its outcome.
        public var isOver: Bool { overFlag.load(ordering: .relaxed) }
    }

    /// Opens one connection per request, then sends them all together; the outcomes are in the
    /// requests' order. `whileAnswering` starts as the requests go out (a health probe during the
    /// rush) and is awaited at the end.
    public func run(_ requests: [Request], whileAnswering: @escaping @Sendable (Progress) async -> Void = { _ in }) async -> [Outcome] {
        // Connections and outcomes by request; connected in waves of `connectsInFlight`.
        var connections = [Connection?](repeating: nil, count: requests.count)
        var outcomes = [Outcome?](repeating: nil, count: requests.count)
        for wave in stride(from: 0, to: requests.count, by: connectsInFlight) {
            let indices = wave..<min(wave + connectsInFlight, requests.count)
            let attempts = indices.map { _ in connect() }
            for (index, attempt) in zip(indices, attempts) {
                do {
                    connections[index] = try await attempt.get()
                } catch {
                    outcomes[index] = .notConnected(String(describing: error))
                }
            }
        }
        let start = NIODeadline.now()
        let progress = Progress()
        let answers = connections.enumerated().map { index, connection in
            connection.map { connection in
                connection.send(requests[index], start: start).map { outcome in
                    if outcome.status != nil { progress.answeredCount.add(1, ordering: .relaxed) }
                    return outcome
                }
            }
        }
        let probe = Task { await whileAnswering(progress) }
        for (index, answer) in answers.enumerated() {
            guard let answer else { continue }
            outcomes[index] = (try? await answer.get()) ?? .silent
        }
        progress.overFlag.store(true, ordering: .relaxed)
        await probe.value
        return outcomes.map { $0 ?? .silent }
    }

    /// One request on a connection of its own, timed from when it is sent.
    public func once(_ request: Request) async -> Outcome {
        await exchange(request).outcome
    }

    /// An answer with what a client acts on: its body and `Retry-After`.
    public struct Answer: Sendable {
        public let outcome: Outcome
        public let body: String
        public let retryAfter: Int?
    }

    /// One request on a connection of its own, with the answer's body.
    public func exchange(_ request: Request) async -> Answer {
        do {
            let connection = try await connect().get()
            let outcome = (try? await connection.send(request, start: .now()).get()) ?? .silent
            return connection.reader.answer(outcome)
        } catch {
            return Answer(outcome: .notConnected(String(describing: error)), body: "", retryAfter: nil)
        }
    }

    private func connect() -> EventLoopFuture<Connection> {
        let reader = AnswerReader()
        let host = self.host, port = self.port, deadline = self.deadline
        return ClientBootstrap(group: group)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(reader)
                }
            }
            .connect(host: host, port: port)
            .map { channel in Connection(channel: channel, reader: reader, host: "\(host):\(port)", deadline: deadline) }
    }

    private struct Connection {
        let channel: any Channel
        let reader: AnswerReader
        let host: String
        let deadline: TimeAmount

        func send(_ request: Request, start: NIODeadline) -> EventLoopFuture<Outcome> {
            let promise = channel.eventLoop.makePromise(of: Outcome.self)
            let channel = self.channel, reader = self.reader, host = self.host, deadline = self.deadline
            channel.eventLoop.execute {
                reader.start(promise: promise, at: start, deadline: deadline, channel: channel)
                var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path)
                head.headers.add(name: "Host", value: host)
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in request.headers { head.headers.add(name: name, value: value) }
                let body = request.body.map { ByteBuffer(string: $0) }
                if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
            return promise.futureResult
        }
    }
}

/// Reads one answer's status; fulfils the promise with the first thing that happens.
private final class AnswerReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<ConnectionBurst.Outcome>?
    private var start = NIODeadline.now()
    private var status: Int?
    private var retryAfter: Int?
    /// The answer's body, up to a megabyte.
    private var body = ByteBuffer()
    /// What happened before the request went out (a close while connected and idle).
    private var early: ConnectionBurst.Outcome?
    private var timeout: Scheduled<Void>?

    /// On the channel's event loop, as every other call.
    func start(promise: EventLoopPromise<ConnectionBurst.Outcome>, at start: NIODeadline, deadline: TimeAmount, channel: any Channel) {
        self.start = start
        if let early {
            promise.succeed(early)
            return
        }
        self.promise = promise
        timeout = channel.eventLoop.scheduleTask(in: deadline) { [self] in
            finish(.silent)
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            retryAfter = head.headers.first(name: "Retry-After").flatMap { Int($0) }
        case .body(var part):
            if body.readableBytes < 1 << 20 { body.writeBuffer(&part) }
        case .end:
            if let status {
                let seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
                finish(.answered(status: status, seconds: seconds))
            }
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.closedWithoutAnswer(String(describing: error)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.closedWithoutAnswer("closed by the server"))
        context.fireChannelInactive()
    }

    /// The answer as read, once `outcome` is known (the promise completed on the event loop,
    /// after which nothing here changes).
    func answer(_ outcome: ConnectionBurst.Outcome) -> ConnectionBurst.Answer {
        ConnectionBurst.Answer(outcome: outcome, body: String(buffer: body), retryAfter: retryAfter)
    }

    private func finish(_ outcome: ConnectionBurst.Outcome) {
        guard let promise else {
            if early == nil { early = outcome }
            return
        }
        self.promise = nil
        timeout?.cancel()
        timeout = nil
        promise.succeed(outcome)
    }
}
