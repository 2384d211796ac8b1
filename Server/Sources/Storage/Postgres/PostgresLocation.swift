import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is, as `--database postgres://USER[:PASSWORD]@HOST[:PORT]/NAME`
/// says (`postgresql://` too). `?sslmode=disable|prefer|require` chooses TLS (default: prefer, as
/// libpq does). The password may also come from `PGPASSWORD`, so it need not sit in a unit file.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let user: String
    public let password: String?
    public let database: String
    public let tls: TLSMode
    /// What this program's connections are called in `pg_stat_activity`: a running server's
    /// (`serverApplicationName`) are how `keys rotate` finds every process to wait for.
    public var applicationName = "ticket-server"

    /// The start of every running server's application name.
    public static let serverApplicationPrefix = "ticket-server serve "

    /// A name for this server's connections, unique among the processes on one database: its
    /// host, process id and a random part (several servers may run in one test process).
    /// PostgreSQL keeps 63 bytes of printable ASCII and changes anything else: the name must
    /// come back from `pg_stat_activity` as it was sent, or `keys rotate` waits for it in vain.
    public static func serverApplicationName() -> String {
        let host = String(ProcessInfo.processInfo.hostName.unicodeScalars.filter { (33...126).contains($0.value) }.prefix(24))
        let random = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(serverApplicationPrefix)\(host):\(getpid())/\(random)"
    }

    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresLocationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw .init("--database must be a URL such as postgres://festival@127.0.0.1:5432/festival") }
        guard let host = components.host, !host.isEmpty else { throw .init("--database names no host: \(Self.redacted(text))") }
        guard let user = components.user, !user.isEmpty else { throw .init("--database names no user: \(Self.redacted(text))") }
        let name = String(components.path.drop { $0 == "/" })
        guard !name.isEmpty, !name.contains("/") else { throw .init("--database names no database after the host: \(Self.redacted(text))") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw .init("--database has port \(port), outside 1 to 65535") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw .init("--database takes only sslmode=disable, prefer or require after '?', not '\(item.name)=\(item.value ?? "")'")
            }
            tls = mode
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password ?? environment["PGPASSWORD"]
        self.database = name
        self.tls = tls
    }

    /// The URL without its password: for logs and messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// postgres-nio's settings for this database; `pool` connections at most in this process.
    func clientConfiguration(pool: Int) -> PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
        configuration.options.maximumConnections = pool
        configuration.options.minimumConnections = 0
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// A single connection's settings, for the one each process keeps to LISTEN on.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let mode: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: mode)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// `text` with any password replaced, for an error message.
    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? text
    }
}

/// A `--database` value that is not a PostgreSQL URL we can use.
public struct PostgresLocationError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
