import HTTPTypes
import Hummingbird

/// Refuses a request whose Host header is not a host name or address with an optional port
/// (`evil.example:1/x?`): the server never builds a URL from one, and never answers as if it
/// were one. URLs the server hands out come from `--public-url` when it is set.
struct HostCheckMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let authority = request.hostAuthority, !WebOrigin.isWellFormedAuthority(authority) {
            throw APIError(.badRequest, "invalid_host", "the Host header must be a host name or address with an optional port")
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The host and port the client asked for: HTTP/2's `:authority`, or HTTP/1's Host header
    /// (which NIO turns into the authority on a real connection; an in-process request keeps it
    /// as a header).
    var hostAuthority: String? {
        head.authority ?? headers[Self.hostField]
    }

    private static let hostField = HTTPField.Name("Host")!
}
