import ArgumentParser
import Hummingbird
import Logging
import Server

/// `ticket-server serve`: the HTTP server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the ticket API; SIGTERM or SIGINT shut it down gracefully.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let logger = Logger(label: "ticket-server")
        let options = ServerOptions(host: network.host, port: network.port, dataDirectory: data.path)
        let environment = try ServerEnvironment.open(dataDirectory: data.path, logger: logger)
        try await buildApplication(options, environment: environment, logger: logger).runService()
    }
}

struct NetworkOptions: ParsableArguments {
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The TCP port to listen on; 0 picks a free one (the log says which).") var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }
}
