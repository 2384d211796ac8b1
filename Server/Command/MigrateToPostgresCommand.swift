import ArgumentParser
import FestivalGateCLI
import Logging
import Server

/// `ticket-server migrate-to-postgres`: a SQLite data directory's content into an empty
/// PostgreSQL database.
struct MigrateToPostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-to-postgres",
        abstract: "Move a data directory's database into an empty PostgreSQL database, and check every table's rows arrived.",
        discussion: """
            Everything moves in one transaction: on any error the PostgreSQL database is left \
            as it was. Ids and the change log's numbers are kept, so tickets and enrolled gates \
            carry on. Stop the server first: what it commits during the move is not moved. The \
            keys (keys.json) move into the database too: on PostgreSQL every server process \
            issues under the database's keys.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Option(help: ArgumentHelp("The empty database to move into: postgres://USER@HOST:PORT/NAME (the password from PGPASSWORD).", valueName: "url"))
    var database: String
    @OptionGroup var logging: LogOptions

    func validate() throws {
        do {
            _ = try PostgresLocation(database)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "ticket-server")
        let store = PostgresStore(location: try PostgresLocation(database), pool: 2, logger: logger)
        let directory = data.path
        let summary = try await store.whileRunning { try await SQLiteToPostgres.copy(dataDirectory: directory, to: store) }
        print("moved \(directory) into \(store.location): \(summary)")
    }
}
