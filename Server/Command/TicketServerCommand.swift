import ArgumentParser
import FestivalGateCLI

/// `ticket-server`: issues FestivalGate tickets.
@main
struct TicketServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket-server",
        abstract: "Sells and hands out festival tickets whose QR codes the gate kiosks check.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, KeysCommand.self, AccountsCommand.self, BackupCommand.self, RestoreCommand.self,
            MigrateToPostgresCommand.self,
        ])

    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}

/// Where the server keeps its SQLite database and keys.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The server's data directory.", valueName: "dir"))
    var path = "./festivalgate-data"
}
