import Hummingbird
import Logging
import Shared

/// How to run the server.
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./festivalgate-data") {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
    }
}

/// The HTTP application over an opened environment. The database writer is one of its
/// services, listed before the server, so on SIGTERM or SIGINT the server first finishes the
/// requests in flight and only then does the writer commit what is queued and close.
public func buildApplication(
    _ options: ServerOptions, environment: ServerEnvironment, logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(environment: environment)
    return Application(
        router: router,
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "festivalgate", backlog: 1024),
        services: [environment.writer],
        logger: logger)
}

/// Every route of the server.
public func buildRouter(environment: ServerEnvironment) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: SessionMiddleware(sessions: environment.sessions, clock: environment.clock))
    router.get("healthz") { _, _ in
        _ = try environment.readers.read { try $0.row("SELECT 1") }
        return JSONResponse.make(.object([("status", .string("ok"))]))
    }
    let api = router.group("api/v1")
    api.get("openapi.json") { _, _ in JSONResponse.raw(OpenAPIDocument.json) }
    api.addRoutes(AccountController(environment: environment).endpoints)
    api.addRoutes(EventController(environment: environment).endpoints)
    api.addRoutes(BookingController(environment: environment).endpoints)
    api.addRoutes(TicketController(environment: environment).endpoints)
    return router
}
