import Hummingbird

/// Refuses a state change made with the session cookie unless it comes from the server's own
/// pages. A browser attaches the cookie to any site's request; it also attaches `Origin` (or at
/// least `Referer`) to every POST, PUT and DELETE, which another site cannot forge. A request
/// with neither comes from a program, not a browser, and is let through; bearer tokens are never
/// sent by themselves and need no check.
struct CrossSiteGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// `scheme://host[:port]` of the server as people reach it; nil: the request's own Host.
    let publicOrigin: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.signedInByCookie, ![.get, .head, .options].contains(request.method) else {
            return try await next(request, context)
        }
        let claimed = request.headers[.origin] ?? request.headers[.referer].map(Self.origin(ofURL:))
        if let claimed, !isOwn(claimed, request: request) {
            throw APIError(
                .forbidden, "cross_site_request",
                "this request came from another site (\(claimed.prefix(100))); it was refused and nothing changed")
        }
        return try await next(request, context)
    }

    private func isOwn(_ origin: String, request: Request) -> Bool {
        let origin = origin.lowercased()
        if let publicOrigin { return origin == publicOrigin.lowercased() }
        guard let host = request.head.authority?.lowercased() else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// `https://example.org:8443` of `https://example.org:8443/some/page?x`.
    static func origin(ofURL url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(url[..<schemeEnd.upperBound]) + authority
    }
}
