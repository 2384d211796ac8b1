import ArgumentParser
import Server
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

/// `--database`: a PostgreSQL database shared by several server processes instead of the data
/// directory's SQLite file. The data directory then keeps only the keys.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "A PostgreSQL database instead of the data directory's SQLite file: postgres://USER@HOST:PORT/NAME (the password from PGPASSWORD; ?sslmode=disable|prefer|require).",
            valueName: "url"))
    var url: String?
    @Option(help: ArgumentHelp("PostgreSQL connections this process opens at most (with --database).", valueName: "n"))
    var pool = PostgresStore.defaultPool

    func validate() throws {
        guard (4...500).contains(pool) else { throw ValidationError("--pool must be 4 to 500") }
        _ = try location()
    }

    /// The database, or nil without `--database`.
    func location() throws -> PostgresLocation? {
        guard let url else { return nil }
        do {
            return try PostgresLocation(url)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
