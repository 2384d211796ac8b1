import ArgumentParser
import Foundation
import Server

/// `ticket-server backup`: a consistent copy of a data directory, running server or not.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database (SQLite's online backup, safe beside a running server) and the keys into one new file.",
        discussion: """
            The file holds the signing keys: keep it as safe as the data directory. It is a SQLite \
            database; 'ticket-server restore' puts it back.
            """)

    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The backup file to create (never overwritten).", valueName: "file")) var output: String

    func validate() throws {
        try PostgresBackup.refuse(database)
    }

    func run() throws {
        let summary = try ServerBackup.backup(dataDirectory: data.path, output: output, now: Int64(Date().timeIntervalSince1970))
        print("backed up \(data.path) to \(output): \(summary.tickets) tickets, \(summary.bookings) bookings, \(summary.bytes) bytes")
    }
}

/// `ticket-server restore`: a backup back into a data directory.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back into a data directory (never while a server runs on it).",
        discussion: """
            A directory that already has a database or keys is refused unless --replace is given; \
            then its files are moved aside into before-restore-TIME/ in it, not deleted.
            """)

    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var database: DatabaseOption
    @Option(help: ArgumentHelp("The backup file, made by 'ticket-server backup'.", valueName: "file")) var input: String
    @Flag(help: "Replace the directory's database and keys (moved aside first).") var replace = false

    func validate() throws {
        try PostgresBackup.refuse(database)
        guard FileManager.default.isReadableFile(atPath: input) else { throw ValidationError("--input \(input) cannot be read") }
    }

    func run() throws {
        let aside = try ServerBackup.restore(
            from: input, dataDirectory: data.path, replacing: replace, now: Int64(Date().timeIntervalSince1970))
        if let aside { print("the earlier database and keys are in \(aside)") }
        print("restored \(input) into \(data.path); start the server on it as usual")
    }
}

/// `backup` and `restore` copy a SQLite data directory. A PostgreSQL database is backed up with
/// PostgreSQL's own tools, which its operators already run; the dump holds the keys too.
enum PostgresBackup {
    static func refuse(_ database: DatabaseOption) throws {
        guard let location = try database.location() else { return }
        throw ValidationError(
            """
            the server's database is PostgreSQL (\(location)): back it up with pg_dump (pg_dump -Fc -f festivalgate.dump \
            \(location.database)) and put it back with pg_restore, or use the database's own continuous archiving; the dump \
            holds the signing keys (table key_ring), so keep it as safe as the server
            """)
    }
}
