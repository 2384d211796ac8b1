import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// `GET /metrics`: Prometheus' text format, for the machine's own Prometheus (a client on
/// loopback that came straight, not through a reverse proxy) or whoever has the metrics token.
/// Sales figures are the organisers' business, so anyone else gets a 403.
struct MetricsEndpoint {
    let metrics: ServerMetrics
    let readers: DatabaseReaders
    let clock: ServerClock
    /// `--metrics-token-file`'s content: a scraper elsewhere sends `Authorization: Bearer TOKEN`.
    let token: String?
    /// The PostgreSQL connections, whose use `/metrics` shows (none on SQLite).
    var pool: BlockingPostgresPool? = nil

    func serve(_ request: Request, context: AppRequestContext) throws -> Response {
        guard isAllowed(request, context: context) else {
            // Plain text, as a scraper reads it (not the HTML error page a person would get).
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(
                    string: "metrics are served to this machine's own clients, or with the metrics token (ticket-server serve --metrics-token-file)\n")))
        }
        let body = try metrics.exposition(readers: readers, now: clock.now(), pool: pool)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func isAllowed(_ request: Request, context: AppRequestContext) -> Bool {
        if let token, let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return constantTimeEquals(Array(header.utf8.dropFirst("Bearer ".utf8.count)), Array(token.utf8))
        }
        let forwarded = request.headers[.xForwardedFor] != nil || request.headers[.forwarded] != nil
        return Self.isLoopback(context.clientAddress) && !forwarded
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!
}
