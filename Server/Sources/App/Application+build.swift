import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import Shared

/// How to run the server.
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    /// The URL people reach the server at (`https://tickets.example.org`): cross-site checks
    /// compare `Origin` with it, and an https one makes the session cookie `Secure`.
    public var publicURL: String?
    public var connectionLimits: ConnectionLimits
    /// https instead of plain HTTP (`ServerTLS`).
    public var tls: TLSConfiguration?
    /// Lets a scraper on another machine read `/metrics` with `Authorization: Bearer` this.
    public var metricsToken: String?
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    public var trustedProxies: [IPPrefix] = []
    /// Run through `/bin/sh -c` once per waitlist offer, the offer as JSON on standard input
    /// (`--notify-command`, `OfferNotifier`).
    public var notifyCommand: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./festivalgate-data", publicURL: String? = nil,
        connectionLimits: ConnectionLimits = .standard
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.connectionLimits = connectionLimits
    }

    /// Whether the session cookie is marked `Secure`: when people reach the server over https.
    public var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") == true }

    /// The origin of `publicURL`, as browsers compare them.
    var publicOrigin: WebOrigin? {
        publicURL.flatMap(WebOrigin.init(url:))
    }
}

/// The HTTP application over an opened environment. The database writer is one of its
/// services, listed before the server, so on SIGTERM or SIGINT the server first finishes the
/// requests in flight and only then does the writer commit what is queued and close.
/// `beforeServerStarts` runs with the services up and before the port opens (the demo seeds).
public func buildApplication(
    _ options: ServerOptions, environment: ServerEnvironment, logger: Logger,
    beforeServerStarts: (@Sendable () async throws -> Void)? = nil
) -> some ApplicationProtocol {
    let router = buildRouter(
        environment: environment, publicOrigin: options.publicOrigin, publicURL: options.publicURL, metricsToken: options.metricsToken,
        trustedProxies: options.trustedProxies)
    let watcher = KeyFileWatcher(
        keys: environment.keys, writer: environment.writer, clock: environment.clock, interval: .seconds(1), logger: logger)
    let readers = environment.readers
    let http: HTTPServerBuilder = .guardedHTTP1(
        options.connectionLimits, metrics: environment.metrics, logger: logger, healthCheck: { HealthCheck.databaseAnswers(readers) })
    // Hummingbird's TLS wraps the same guarded channel. `ServerTLS` made a context from the
    // configuration already, so a bad certificate or key stopped the command before this.
    let server = options.tls.map { tls in try! HTTPServerBuilder.tls(http, tlsConfiguration: tls) } ?? http
    // A rush connects faster than anything accepts: connections past the listen backlog wait a
    // second or more for their SYN's retransmission. As deep as the connection cap (Linux caps
    // it further at net.core.somaxconn).
    let backlog = min(options.connectionLimits.maxConnections, 65_535)
    var application = Application(
        router: router,
        server: server,
        configuration: .init(
            address: .hostname(options.host, port: options.port), serverName: "festivalgate", backlog: backlog,
            availableConnectionsDelegate: EagerAccept()),
        // A service group stops its services in the reverse of this order: PostgreSQL's pool last.
        services: (environment.postgres.map { [$0.store] } ?? [])
            + [environment.writer, watcher, OfferExpiry(writer: environment.writer, readers: environment.readers, clock: environment.clock)]
            + (environment.postgres.map { [$0.relay] } ?? [])
            + (options.notifyCommand.map { command in
                [OfferNotifier(command: command, writer: environment.writer, readers: environment.readers, clock: environment.clock,
                    changeBell: environment.changeBell, logger: logger)]
            } ?? []),
        logger: logger)
    if let beforeServerStarts { application.beforeServerStarts(perform: beforeServerStarts) }
    return application
}

/// Every route of the server.
public func buildRouter(
    environment: ServerEnvironment, publicOrigin: WebOrigin? = nil, publicURL: String? = nil, metricsToken: String? = nil,
    trustedProxies: [IPPrefix] = []
) -> Router<AppRequestContext> {
    // HEAD wherever GET works, as HTTP asks and docs/SERVER.md promises.
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    // First, so that every answer is timed, errors and pages included.
    router.add(middleware: RequestMetricsMiddleware(metrics: environment.metrics))
    // Outside the error middleware, so that refusals are marked private too.
    router.add(middleware: PrivateAnswersMiddleware())
    if !trustedProxies.isEmpty { router.add(middleware: ForwardedClientMiddleware(trusted: trustedProxies)) }
    let methods = MethodTable()
    let apiErrors = APIErrorMiddleware(methods: methods)
    let pages = PageKit(forms: FormProtection(key: environment.formTokenKey, secureCookies: environment.sessions.secureCookies))
    router.add(middleware: apiErrors)
    router.add(middleware: HostCheckMiddleware())
    router.add(middleware: SessionMiddleware(sessions: environment.sessions, clock: environment.clock))
    router.add(middleware: PageErrorMiddleware(pages: pages, apiErrors: apiErrors))
    router.add(middleware: CrossSiteGuardMiddleware(publicOrigin: publicOrigin))
    // Over HTTP, `HealthProbeHandler` answers a plain probe before it gets here.
    router.get("healthz") { _, _ in
        HealthCheck.databaseAnswers(environment.readers)
            ? StoredJSON(text: HealthCheck.body) : StoredJSON(text: HealthCheck.failedBody, status: .serviceUnavailable)
    }
    let metricsEndpoint = MetricsEndpoint(
        metrics: environment.metrics, readers: environment.readers, clock: environment.clock, token: metricsToken,
        pool: environment.postgres?.connections)
    router.get("metrics") { request, context in try metricsEndpoint.serve(request, context: context) }
    let api = router.group("api/v1")
    api.get("openapi.json") { _, _ in StoredJSON(text: OpenAPIDocument.json) }
    api.addRoutes(
        AccountController(
            accounts: environment.accounts, sessions: environment.sessions,
            passwordHasher: environment.passwordHasher, throttles: environment.throttles, clock: environment.clock
        ).endpoints)
    api.addRoutes(
        EventController(
            writer: environment.writer, readers: environment.readers, availabilityCache: environment.availability,
            keys: environment.keys, clock: environment.clock, throttles: environment.throttles
        ).endpoints)
    api.addRoutes(
        BookingController(
            writer: environment.writer, readers: environment.readers, keys: environment.keys, clock: environment.clock,
            metrics: environment.metrics, throttles: environment.throttles
        ).endpoints)
    api.addRoutes(
        TicketController(
            writer: environment.writer, readers: environment.readers, keys: environment.keys, clock: environment.clock,
            metrics: environment.metrics, throttles: environment.throttles
        ).endpoints)
    api.addRoutes(QueueController(desk: QueueDesk(writer: environment.writer, clock: environment.clock)).endpoints)
    api.addRoutes(WaitlistController(desk: WaitlistDesk(environment)).endpoints)
    api.addRoutes(
        DeviceController(writer: environment.writer, readers: environment.readers, clock: environment.clock, publicURL: publicURL).endpoints)
    api.addRoutes(
        GateController(
            writer: environment.writer, readers: environment.readers, keys: environment.keys, clock: environment.clock,
            bell: environment.changeBell, throttles: environment.throttles
        ).endpoints)
    addPages(to: router, environment: environment, kit: pages, publicURL: publicURL)
    methods.load(router.routes)
    return router
}

/// The web pages: attendees' booking and tickets, organisers' events, tickets, gates and the live
/// dashboard, on the same desks and repositories as the API.
private func addPages(to router: Router<AppRequestContext>, environment: ServerEnvironment, kit: PageKit, publicURL: String?) {
    let bookingDesk = BookingDesk(
        writer: environment.writer, readers: environment.readers, keys: environment.keys, clock: environment.clock,
        metrics: environment.metrics, throttles: environment.throttles)
    let accountDesk = AccountDesk(
        accounts: environment.accounts, sessions: environment.sessions, passwordHasher: environment.passwordHasher,
        throttles: environment.throttles, clock: environment.clock)
    let seatMaps = SeatMapCache(availabilityCache: environment.availability, readers: environment.readers)
    router.get("static/:file") { request, context in try StaticFiles.serve(request, context: context) }
    let queueDesk = QueueDesk(writer: environment.writer, clock: environment.clock)
    router.addRoutes(
        EventPages(
            readers: environment.readers, seatMaps: seatMaps, desk: bookingDesk, queue: queueDesk, waitlist: WaitlistDesk(environment),
            clock: environment.clock, kit: kit
        ).endpoints)
    let waitlistPages = WaitlistPages(readers: environment.readers, desk: WaitlistDesk(environment), kit: kit)
    router.addRoutes(waitlistPages.endpoints)
    router.addRoutes(AccountPages(desk: accountDesk, sessions: environment.sessions, kit: kit).endpoints)
    router.addRoutes(TicketPages(readers: environment.readers, desk: bookingDesk, waitlist: waitlistPages, kit: kit).endpoints)
    let editor = EventEditor(writer: environment.writer, readers: environment.readers, keys: environment.keys, clock: environment.clock)
    router.addRoutes(EventAdminPages(readers: environment.readers, editor: editor, queue: queueDesk, clock: environment.clock, kit: kit).endpoints)
    router.addRoutes(TicketAdminPages(readers: environment.readers, desk: bookingDesk, kit: kit).endpoints)
    router.addRoutes(
        GatePages(
            readers: environment.readers, desk: GateDesk(writer: environment.writer, clock: environment.clock), clock: environment.clock,
            publicURL: publicURL, kit: kit
        ).endpoints)
}
