import Hummingbird

/// Every answer to a request that says who is asking (a bearer token, a device credential, the
/// session cookie) may be about that person alone: their tickets, a token, a QR code, an export.
/// Unless its handler chose otherwise, it is `Cache-Control: no-store`, so no proxy or shared
/// browser keeps it, and `Vary` names what it depended on. Errors included.
struct PrivateAnswersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // A refusal is answered here, where its headers can still be added to.
            response = try error.response(from: request, context: context)
        }
        guard request.headers[.authorization] != nil || request.cookies[SessionStore.cookieName] != nil else { return response }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if response.headers[.vary] == nil { response.headers[.vary] = "Authorization, Cookie" }
        return response
    }
}
