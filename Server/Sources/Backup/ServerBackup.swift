import Foundation
import Shared

/// `ticket-server backup` and `restore`: one file holding a consistent copy of the database and
/// the keys it was signed with.
///
/// The file is itself a SQLite database: the server's, copied with the online backup API while
/// the server runs, plus a table `festivalgate_backup` holding `keys.json` and when and where the
/// copy was taken. One file to carry, and `sqlite3 FILE 'PRAGMA integrity_check'` checks it.
/// It holds the signing keys, so it is written owner-only, like the data directory.
public enum ServerBackup {
    static let table = "festivalgate_backup"

    public struct Summary: Sendable {
        public let tickets: Int
        public let bookings: Int
        public let bytes: Int64
    }

    /// Copies `dataDirectory`'s database (running server or not) and then its keys into `output`,
    /// which must not exist yet. Keys are read after the database: a key rotated in between
    /// only adds one, while the other order could miss the key of a ticket in the copy.
    public static func backup(dataDirectory: String, output: String, now: Int64) throws -> Summary {
        let databasePath = DataDirectory.databasePath(in: dataDirectory)
        let keyStore = ServerKeyStore(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw BackupProblem("\(dataDirectory) holds no database (\(DataDirectory.databaseName)): nothing to back up")
        }
        guard !FileManager.default.fileExists(atPath: output) else {
            throw BackupProblem("\(output) exists already; choose a new file name (a backup never overwrites one)")
        }
        let partial = output + ".partial"
        unlink(partial)
        do {
            try PrivateFiles.database(partial)
            let source = try SQLiteDatabase(path: databasePath, durability: .full, readOnly: true)
            let copy = try SQLiteDatabase(path: partial, durability: .full)
            try source.backup(into: copy)
            guard keyStore.exists, let keys = FileManager.default.contents(atPath: keyStore.path) else {
                throw BackupProblem("\(keyStore.path) cannot be read: a backup without the keys could not check a single ticket")
            }
            try copy.transaction { database in
                try database.execute("CREATE TABLE \(table) (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
                try database.run("INSERT INTO \(table) VALUES ('keys.json', ?)", [UInt8](keys))
                try database.run("INSERT INTO \(table) VALUES ('created_at', ?)", now)
                try database.run("INSERT INTO \(table) VALUES ('source', ?)", (dataDirectory as NSString).standardizingPath)
            }
            // One self-contained file: the WAL folded in and switched off.
            try copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try copy.execute("PRAGMA journal_mode = DELETE")
            let summary = try Summary(
                tickets: copy.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0,
                bookings: copy.scalar("SELECT COUNT(*) FROM booking", as: Int.self) ?? 0,
                bytes: PrivateFiles.size(of: partial) ?? 0)
            guard rename(partial, output) == 0 else { throw BackupProblem("cannot rename \(partial) to \(output): \(String(cString: strerror(errno)))") }
            let folder = (output as NSString).deletingLastPathComponent
            AtomicFile.syncDirectory(folder.isEmpty ? "." : folder)
            return summary
        } catch {
            unlink(partial)
            unlink(partial + "-wal")
            unlink(partial + "-shm")
            throw error
        }
    }

    /// Puts a backup back into `dataDirectory`. Refused while a server runs there; refused when
    /// the directory already has a database or keys, unless `replacing`, and then those are
    /// moved aside into `before-restore-TIME/`, never deleted. Returns where they went.
    @discardableResult
    public static func restore(from input: String, dataDirectory: String, replacing: Bool, now: Int64) throws -> String? {
        let backup: SQLiteDatabase
        let keys: [UInt8]
        do {
            backup = try SQLiteDatabase(path: input, durability: .full, readOnly: true)
            keys = try backup.scalar("SELECT value FROM \(table) WHERE name = 'keys.json'", as: [UInt8].self) ?? []
        } catch {
            throw BackupProblem("\(input) is not a backup made by 'ticket-server backup' (\(error))")
        }
        guard !keys.isEmpty else { throw BackupProblem("\(input) has no keys in it: not restoring a database whose tickets nothing could check") }
        if let problems = try backup.integrityProblems() {
            throw BackupProblem("\(input) is damaged, not restoring it: \(problems)")
        }
        try PrivateFiles.directory(dataDirectory)
        // Held while restoring, so that no server starts on the files half put back.
        guard !DataDirectory.isInUse(dataDirectory) else {
            throw BackupProblem("a ticket-server is running on \(dataDirectory); stop it before restoring into it")
        }
        let lock = try DirectoryLock(directory: dataDirectory, name: DataDirectory.lockName, program: "ticket-server")
        let movedAside = try clearForRestore(dataDirectory, replacing: replacing, now: now)
        let databasePath = DataDirectory.databasePath(in: dataDirectory)
        let partial = databasePath + ".restoring"
        unlink(partial)
        do {
            try PrivateFiles.database(partial)
            let restored = try SQLiteDatabase(path: partial, durability: .full)
            try backup.backup(into: restored)
            try restored.execute("DROP TABLE \(table)")
            try restored.execute("PRAGMA journal_mode = WAL")
            try restored.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            unlink(partial)
            throw error
        }
        try AtomicFile.write(Data(keys), to: ServerKeyStore(dataDirectory: dataDirectory).path, mode: 0o600)
        guard rename(partial, databasePath) == 0 else {
            throw BackupProblem("cannot rename \(partial) to \(databasePath): \(String(cString: strerror(errno)))")
        }
        unlink(partial + "-wal")
        unlink(partial + "-shm")
        AtomicFile.syncDirectory(dataDirectory)
        withExtendedLifetime(lock) {}
        return movedAside
    }

    /// Moves a directory's database and keys aside (with `replacing`) or refuses.
    private static func clearForRestore(_ directory: String, replacing: Bool, now: Int64) throws -> String? {
        let names = [
            DataDirectory.databaseName, DataDirectory.databaseName + "-wal", DataDirectory.databaseName + "-shm", "keys.json", "keys.loaded",
        ]
        let present = names.filter { FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }
        guard !present.isEmpty else { return nil }
        guard replacing else {
            throw BackupProblem(
                "\(directory) already has \(present.joined(separator: ", ")); to replace them with the backup, run again with --replace (they are moved aside, not deleted)")
        }
        let stamp = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(now))).replacingOccurrences(of: ":", with: "")
        let aside = (directory as NSString).appendingPathComponent("before-restore-\(stamp)")
        try PrivateFiles.directory(aside)
        for name in present {
            let from = (directory as NSString).appendingPathComponent(name)
            guard rename(from, (aside as NSString).appendingPathComponent(name)) == 0 else {
                throw BackupProblem("cannot move \(from) aside: \(String(cString: strerror(errno)))")
            }
        }
        return aside
    }
}

/// Why a backup or restore did not happen, in one line.
public struct BackupProblem: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
