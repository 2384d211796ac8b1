import Hummingbird

/// Times every request by its route pattern, method and status: from its head to its response
/// (bodies are written from memory, so their writing is left out).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.requestServed(
                route: Self.route(context), method: method, status: Int(response.status.code), duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestServed(route: Self.route(context), method: method, status: Int(status), duration: ContinuousClock.now - start)
            throw error
        }
    }

    /// The matched route, such as `/api/v1/events/{eventID}`; one label for every path that
    /// matched none, so a scanner's guesses cannot grow the series without bound.
    private static func route(_ context: Context) -> String {
        context.endpointPath ?? "unmatched"
    }
}
