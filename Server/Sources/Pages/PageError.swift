import Hummingbird

/// A failure shown as a page in the person's language: a status and the catalogue key of the
/// sentence that explains it (with values for its `{names}`).
struct PageError: Error, Sendable {
    let status: HTTPResponse.Status
    let messageKey: String
    var values: [String: String] = [:]

    init(_ status: HTTPResponse.Status, _ messageKey: String, _ values: [String: String] = [:]) {
        self.status = status
        self.messageKey = messageKey
        self.values = values
    }
}

/// Turns every error on a page's path (anything outside `/api/` and `/healthz`) into a page in
/// the person's language: never a stack trace, never the API's JSON. It runs after the session
/// is known (the page still says who is signed in) and names errors as the API does. A page
/// that needs a signed-in person sends them to log in and back.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: PageKit
    /// How the API names an error; a page shows the same status, in words.
    let apiErrors: APIErrorMiddleware

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard Self.isPage(request.uri.path) else { throw error }
            let site = pages.site(request, context: context)
            switch error {
            case let error as PageError:
                return pages.errorPage(status: error.status, message: site.messages.format(error.messageKey, error.values), site: site)
            default:
                let error = apiErrors.normalized(error, request: request, context: context)
                if error.status == .unauthorized, request.method == .get {
                    return PageKit.redirect(to: "/login?next=\(PageKit.percentEncoded(request.uri.description))")
                }
                var page = pages.errorPage(status: error.status, message: site.messages[Self.messageKey(for: error)], site: site)
                for field in error.headers where field.name == .retryAfter || field.name == .allow { page.headers.append(field) }
                return page
            }
        }
    }

    /// Whether a path belongs to the pages rather than the JSON API.
    static func isPage(_ path: String) -> Bool {
        !(path == "/api" || path.hasPrefix("/api/") || path == "/healthz")
    }

    static func messageKey(for error: APIError) -> String {
        let byCode = "error_\(error.code)"
        if Messages.catalogues[.en]!.texts[byCode] != nil { return byCode }
        return switch error.status.code {
        case 401: "error_not_signed_in"
        case 403: "error_forbidden"
        case 404: "error_not_found"
        case 405: "error_method_not_allowed"
        case 413: "error_body_too_large"
        case 429: "error_too_many_requests"
        case 400..<500: "error_bad_form"
        default: "error_internal"
        }
    }
}
