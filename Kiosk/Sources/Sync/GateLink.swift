import AsyncHTTPClient
import Foundation
import GateProtocol
import NIOCore
import NIOHTTP1
import NIOSSL

/// The kiosk's side of `/api/v1/gate/…`, over AsyncHTTPClient: plain HTTP on a trusted wire,
/// `https://` otherwise, trusting the system's roots and, with `--ca`, a festival's own.
public final class GateLink: Sendable {
    public let server: URL
    private let credential: String?
    private let client: HTTPClient

    /// `caFile` is a PEM file of certificates to trust besides the system's.
    public init(server: URL, credential: String?, caFile: String?) throws(LinkError) {
        guard Self.isServerAddress(server) else {
            throw .badServer("the server must be an http:// or https:// address, such as https://tickets.example.org")
        }
        self.server = server
        self.credential = credential
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(Int64(Self.longPollSeconds) + 10))
        configuration.redirectConfiguration = .disallow
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw .badServer("cannot read the certificates in \(caFile): \(error)")
            }
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// An http:// or https:// address with a host: what the kiosk can call.
    public static func isServerAddress(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased() else { return false }
        return ["http", "https"].contains(scheme) && url.host?.isEmpty == false
    }

    /// The longest the server holds a feed request open (its cap is 25 s).
    public static let longPollSeconds = 20

    /// Closes the connections; the link is unusable after.
    public func shutdown() async {
        try? await client.shutdown()
    }

    // MARK: Calls

    func enroll(code: String) async throws(LinkError) -> EnrollAnswer {
        try await call(.POST, "gate/enroll", body: EnrollRequest(code: code), deadline: .seconds(10))
    }

    /// A page of the feed after `seq`; with `wait`, held until something changes.
    public func changes(after seq: Int64, limit: Int, wait: Int, pending: Int, clockOffset: Int64) async throws(LinkError) -> FeedPage {
        let query = "after=\(seq)&limit=\(limit)&wait=\(wait)&pending=\(pending)&clock_offset_ms=\(clockOffset)"
        let page: FeedPage = try await call(.GET, "gate/changes?\(query)", body: nil as [String: String]?, deadline: .seconds(Int64(wait) + 10))
        try page.checkAdvances(after: seq)
        return page
    }

    /// Asks the server to let `ticketID` through this gate, waiting at most `deadline`.
    func redeem(_ request: RedeemRequest, deadline: Duration) async throws(LinkError) -> RedeemAnswer {
        try await call(.POST, "gate/redeem", body: request, deadline: deadline)
    }

    func push(_ scans: [PushedScan], pending: Int) async throws(LinkError) -> PushAnswer {
        try await call(.POST, "gate/scans", body: PushRequest(scans: scans, pending: pending), deadline: .seconds(15))
    }

    // MARK: Wire

    /// The gate protocol's types spell their own keys (GateProtocol).
    private static let encoder = WireJSON.gateEncoder
    private static let decoder = WireJSON.gateDecoder

    /// The most an answer may hold: a full feed page of the longest names is a few megabytes.
    static let maxAnswerBytes = 16 << 20

    private func call<Body: Encodable, Answer: CheckedAnswer>(
        _ method: HTTPMethod, _ path: String, body: Body?, deadline: Duration
    ) async throws(LinkError) -> Answer {
        var request = HTTPClientRequest(url: server.appendingPathComponent("api/v1").absoluteString + "/" + path)
        request.method = method
        if let credential { request.headers.add(name: "Authorization", value: "Bearer \(credential)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            // The request types encode plain strings and numbers: they cannot fail.
            request.body = .bytes(ByteBuffer(bytes: try! Self.encoder.encode(body)))
        }
        let status: UInt
        let bytes: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(deadline / .nanoseconds(1))))
            status = response.status.code
            bytes = try await response.body.collect(upTo: Self.maxAnswerBytes)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timedOut
        } catch is CancellationError {
            throw .timedOut
        } catch is NIOTooManyBytesError {
            throw .badAnswer("the server's answer to \(path.prefix { $0 != "?" }) is larger than \(Self.maxAnswerBytes >> 20) MB: not read")
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(status) else {
            let answer = try? Self.decoder.decode(ErrorAnswer.self, from: data)
            if status == 401, answer?.error.code == "device_revoked" { throw .revoked }
            // The server's words reach logs and the operator's terminal: made printable first.
            throw .refused(
                status: Int(status), code: OutsideText.printable(answer?.error.code ?? "http_\(status)"),
                message: OutsideText.printable(answer?.error.message ?? "HTTP \(status)"))
        }
        let answer: Answer
        do {
            answer = try Self.decoder.decode(Answer.self, from: data)
        } catch {
            throw .badAnswer("the server's answer to \(path.prefix { $0 != "?" }) does not read: \(OutsideText.printable(String(describing: error)))")
        }
        try answer.check()
        return answer
    }

    /// NIO's errors say more in their debug form ("connection refused (errno: 111)").
    private static func describe(_ error: any Error) -> String {
        if let error = error as? NIOSSLError { return "TLS: \(error)" }
        if let error = error as? BoringSSLError { return "TLS: \(error)" }
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// Why a call to the server did not get an answer the kiosk can use.
public enum LinkError: Error, Equatable, CustomStringConvertible {
    /// Refused, reset, unresolvable: the network or the server is down.
    case unreachable(String)
    /// No answer within the call's deadline.
    case timedOut
    /// An organiser revoked this gate: every call is refused from now on.
    case revoked
    /// A 4xx or 5xx with the server's error code.
    case refused(status: Int, code: String, message: String)
    /// An answer that does not read as the API says it should.
    case badAnswer(String)
    /// A --server or --ca the kiosk cannot use.
    case badServer(String)

    public var description: String {
        switch self {
        case .unreachable(let reason): "the server cannot be reached: \(reason)"
        case .timedOut: "the server did not answer in time"
        case .revoked: "device revoked: an organiser withdrew this gate; it judges offline from what it has"
        case .refused(let status, let code, let message): "the server refused (\(status) \(code)): \(message)"
        case .badAnswer(let problem): problem
        case .badServer(let problem): problem
        }
    }

    /// The network or the server is away (as opposed to the server saying no).
    public var isOutage: Bool {
        switch self {
        case .unreachable, .timedOut: true
        case .refused(let status, _, _): status >= 500 || status == 429
        default: false
        }
    }
}
