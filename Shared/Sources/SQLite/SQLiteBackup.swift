import CSQLite

extension SQLiteDatabase {
    /// Copies this whole database into `destination` (replacing its content) with SQLite's
    /// online backup: all pages in one step, so under one read transaction, which makes the copy
    /// consistent as of one commit even while another connection or process goes on writing.
    /// The corresponding C calls are `sqlite3_backup_init`, `_step(-1)` and `_finish`.
    public func backup(into destination: SQLiteDatabase) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.lastError(sql: nil)
        }
        let stepped = sqlite3_backup_step(backup, -1)
        let finished = sqlite3_backup_finish(backup)
        guard stepped == SQLITE_DONE, finished == SQLITE_OK else {
            let code = stepped == SQLITE_DONE ? finished : stepped
            throw SQLiteError(
                code: SQLiteResultCode(rawValue: code), message: "backup of \(path) failed: \(String(cString: sqlite3_errstr(code)))")
        }
    }

    /// `PRAGMA integrity_check`: nil when the file is sound, else SQLite's first problems.
    public func integrityProblems() throws(SQLiteError) -> String? {
        let lines = try rows("PRAGMA integrity_check", arguments: []).compactMap { row -> String? in
            if case .text(let line) = row.values.first { return line }
            return nil
        }
        return lines == ["ok"] ? nil : lines.prefix(5).joined(separator: "; ")
    }
}
