import HTTPTypes
import Hummingbird

/// Refuses a state change that a browser sent with this site's cookies unless it comes from the
/// server's own pages. A browser attaches the cookies to any site's request; it also attaches
/// `Origin` (or at least `Referer`) to every POST, PUT and DELETE, and `Sec-Fetch-Site`, which
/// another site cannot forge. The check covers the session cookie and the form cookie alike, so
/// a page on another port cannot log a browser in as somebody else. A request with no cookie of
/// ours, or with no such header, comes from a program, not a browser, and is let through; bearer
/// tokens are never sent by themselves and need no check.
struct CrossSiteGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The server as people reach it (`--public-url`); nil: the request's own Host.
    let publicOrigin: WebOrigin?

    private static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method), carriesOurCookie(request, context: context) else {
            return try await next(request, context)
        }
        // Another port of the same host is the same *site* to a browser, but another origin.
        if let fetchSite = request.headers[Self.secFetchSite], fetchSite != "same-origin", fetchSite != "none" {
            throw refusal("Sec-Fetch-Site: \(fetchSite)")
        }
        let claimed = request.headers[.origin] ?? request.headers[.referer]
        if let claimed, !isOwn(claimed, request: request) {
            throw refusal(String(claimed.prefix(100)))
        }
        return try await next(request, context)
    }

    private func carriesOurCookie(_ request: Request, context: Context) -> Bool {
        context.signedInByCookie
            || [FormProtection.cookieName(secure: false), FormProtection.cookieName(secure: true)].contains { request.cookies[$0] != nil }
    }

    private func refusal(_ source: String) -> APIError {
        APIError(.forbidden, "cross_site_request", "this request came from another site (\(source)); it was refused and nothing changed")
    }

    /// Whether `url` (an `Origin`, or a `Referer`'s URL) is this server, compared as origins.
    private func isOwn(_ url: String, request: Request) -> Bool {
        guard let claimed = WebOrigin(url: url) else { return false }
        if let publicOrigin { return claimed == publicOrigin }
        guard let authority = request.hostAuthority else { return false }
        return ["http", "https"].contains { WebOrigin(scheme: $0, authority: authority) == claimed }
    }
}
