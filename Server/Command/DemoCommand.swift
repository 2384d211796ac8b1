import ArgumentParser
import FestivalGateCLI
import Foundation
import Hummingbird
import Logging
import Server

/// `ticket-server demo`: a fresh data directory with the demo festival, then the server.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a server on a fresh data directory seeded with the Green Forest Festival 2026.")

    @OptionGroup var server: ServerRunOptions
    @OptionGroup var logging: LogOptions
    @Option(name: .customLong("data"), help: ArgumentHelp("A fresh data directory (default: a new temporary one).", valueName: "dir"))
    var path: String?

    func run() async throws {
        let logger = logging.bootstrap(label: "ticket-server")
        let directory = path ?? FileManager.default.temporaryDirectory.appendingPathComponent("festivalgate-demo-\(UUID().uuidString.prefix(8))").path
        let options = try server.options(dataDirectory: directory, logger: logger)
        let environment = try ServerEnvironment.open(
            dataDirectory: directory, secureCookies: options.secureCookies, throttling: server.throttling, logger: logger)
        let base = server.publicURL ?? "\(server.tlsCertificate == nil ? "http" : "https")://\(server.host):\(server.port)"
        // Seeded through the writer, which runs as a service: so once services are up.
        let application = buildApplication(options, environment: environment, logger: logger) {
            let seeded = try await DemoSeeder.seed(environment)
            Self.printWelcome(seeded, directory: directory, base: base)
        }
        try await application.runService()
    }

    private static func printWelcome(_ seeded: DemoSeeder.Seeded, directory: String, base: String) {
        // Written unbuffered: the password is shown once and must reach a log file or pipe at once.
        FileHandle.standardOutput.write(Data("""
            FestivalGate demo — data in \(directory)
              organiser: \(seeded.organiserEmail)
              password:  \(seeded.organiserPassword)   (shown only this once)
            Try:
              curl \(base)/healthz
              curl \(base)/api/v1/events
              curl \(base)/api/v1/events/\(seeded.eventID)/availability
              curl -c jar -H 'Content-Type: application/json' -d '{"email":"you@example.com","display_name":"You","password":"a long pass phrase"}' \(base)/api/v1/auth/signup
              curl -b jar -H 'Content-Type: application/json' -d '{"seats":[1,2]}' \(base)/api/v1/events/\(seeded.eventID)/bookings
              curl -b jar \(base)/api/v1/tickets
            The API is described at \(base)/api/v1/openapi.json. Ctrl-C stops the server.

            """.utf8))
    }
}
