import ArgumentParser
import FestivalGateCLI
import Foundation
import Hummingbird
import Logging
import Server
import Shared

/// `ticket-server serve`: the HTTP server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ticket API; SIGTERM or SIGINT shut it down gracefully.",
        discussion: """
            The server picks up changes to its keys (keys rotate, keys revoke) within a second, \
            without a restart. It refuses to start on a data directory whose database is gone \
            beside existing keys, or whose keys are gone beside issued tickets.
            """)

    @OptionGroup var server: ServerRunOptions
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var logging: LogOptions
    @OptionGroup var database: DatabaseOption
    @Flag(help: "Start with an empty database even though keys.json exists (after a deliberate reset).")
    var acceptNewDatabase = false

    func validate() throws {
        if acceptNewDatabase, database.url != nil {
            throw ValidationError("--accept-new-database is for a SQLite data directory; a PostgreSQL database is never replaced")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "ticket-server")
        let options = try server.options(dataDirectory: data.path, logger: logger)
        let environment: ServerEnvironment
        if let location = try database.location() {
            environment = try await ServerEnvironment.open(
                dataDirectory: data.path, database: location, pool: database.pool, secureCookies: options.secureCookies,
                throttling: server.throttling, logger: logger)
        } else {
            environment = try ServerEnvironment.open(
                dataDirectory: data.path, acceptNewDatabase: acceptNewDatabase, secureCookies: options.secureCookies,
                throttling: server.throttling, logger: logger)
        }
        try await buildApplication(options, environment: environment, logger: logger).runService()
    }
}

/// Where and how the server listens: address, public URL, connection limits, throttles.
struct ServerRunOptions: ParsableArguments {
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The TCP port to listen on; 0 picks a free one (the log says which).") var port = 8080
    @Option(help: ArgumentHelp(
        "The URL people reach the server at, such as https://tickets.example.org: cross-site checks compare with it, and https makes the session cookie Secure.",
        valueName: "url"))
    var publicURL: String?
    @Option(help: ArgumentHelp("Open connections at most (the open-file limit is raised to fit).", valueName: "n"))
    var maxConnections = 4_096
    @Option(help: ArgumentHelp("Seconds a new connection has to send its request head.", valueName: "seconds"))
    var headerTimeout = 10
    @Option(help: ArgumentHelp("Seconds of silence allowed between requests or inside a body.", valueName: "seconds"))
    var idleTimeout = 60
    @Option(help: ArgumentHelp(
        "Sign-ups one address may make at once, then one every 10 s; raise it when a whole school shares one address.",
        valueName: "n"))
    var signupsPerAddress = 30
    @Option(help: ArgumentHelp("Serve https with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCertificate: String?
    @Option(help: ArgumentHelp("The PEM private key of --tls-certificate.", valueName: "file")) var tlsKey: String?
    @Option(help: ArgumentHelp(
        "A file holding a token that lets a scraper elsewhere read /metrics (Authorization: Bearer TOKEN); without it only this machine's own clients may.",
        valueName: "file"))
    var metricsTokenFile: String?
    @Option(help: ArgumentHelp(
        "A reverse proxy (address or ADDRESS/PREFIX, repeatable) whose X-Forwarded-For is believed: throttles then count the client it forwards for. Nobody else's is.",
        valueName: "range"))
    var trustedProxy: [String] = []
    @Option(help: ArgumentHelp(
        "A shell command run once per waitlist offer, the offer as JSON on standard input (to send an e-mail or a message); retried until it exits 0.",
        valueName: "command"))
    var notifyCommand: String?
    @Option(help: ArgumentHelp("Booking attempts one account may make at once, then one every 6 s.", valueName: "n"))
    var bookingsPerAccount = 10
    @Option(help: ArgumentHelp("Availability requests one signed-in account may make at once, then one every 2 s.", valueName: "n"))
    var pollsPerAccount = 60

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-certificate and --tls-key go together") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        if let publicURL {
            guard publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://"), WebOrigin(url: publicURL) != nil else {
                throw ValidationError("--public-url must start with http:// or https://, such as https://tickets.example.org")
            }
        }
        guard (16...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 16 to 1000000") }
        guard (1...300).contains(headerTimeout) else { throw ValidationError("--header-timeout must be 1 to 300 seconds") }
        guard (1...3_600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        guard (1...1_000_000).contains(signupsPerAddress) else { throw ValidationError("--signups-per-address must be 1 to 1000000") }
        guard (1...1_000_000).contains(bookingsPerAccount) else { throw ValidationError("--bookings-per-account must be 1 to 1000000") }
        guard (1...1_000_000).contains(pollsPerAccount) else { throw ValidationError("--polls-per-account must be 1 to 1000000") }
        for range in trustedProxy where IPPrefix(range) == nil {
            throw ValidationError("--trusted-proxy \(range) is not an address or ADDRESS/PREFIX, such as 10.0.0.0/8 or ::1")
        }
    }

    var throttling: ThrottlePolicy {
        var policy = ThrottlePolicy.standard
        policy.signUpsPerAddress = ThrottleRule(burst: signupsPerAddress, secondsPerTry: 10)
        policy.bookingsPerAccount = ThrottleRule(burst: bookingsPerAccount, secondsPerTry: 6)
        policy.pollsPerAccount = ThrottleRule(burst: pollsPerAccount, secondsPerTry: 2)
        return policy
    }

    /// The server's options; raises the open-file limit and caps connections to fit it.
    func options(dataDirectory: String, logger: Logger) throws -> ServerOptions {
        let descriptors = FileDescriptorLimit.raise(toFit: maxConnections + FileDescriptorLimit.reserved)
        let connections = max(1, min(maxConnections, descriptors - FileDescriptorLimit.reserved))
        logger.info("open-file limit \(descriptors); at most \(connections) connections")
        if connections < maxConnections {
            logger.warning("--max-connections \(maxConnections) does not fit the open-file limit \(descriptors); using \(connections)")
        }
        var options = ServerOptions(
            host: host, port: port, dataDirectory: dataDirectory, publicURL: publicURL,
            connectionLimits: ConnectionLimits(
                headerTimeout: .seconds(headerTimeout), idleTimeout: .seconds(idleTimeout), maxConnections: connections))
        options.trustedProxies = trustedProxy.compactMap(IPPrefix.init)
        options.notifyCommand = notifyCommand.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        if let metricsTokenFile {
            options.metricsToken = try Self.metricsToken(from: metricsTokenFile)
        }
        if let tlsCertificate, let tlsKey {
            options.tls = try ServerTLS.configuration(certificateFile: tlsCertificate, keyFile: tlsKey)
        }
        return options
    }

    /// The token in `file`, trimmed; refused when short or readable by others (it guards sales figures).
    private static func metricsToken(from file: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("--metrics-token-file \(file) cannot be read")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ValidationError("--metrics-token-file \(file) must hold one token of at least 16 characters without spaces")
        }
        return token
    }
}
