import Synchronization

/// Turns the server's SQL, written once in the SQLite dialect, into PostgreSQL's.
///
/// The repositories hold every rule of the domain in one place, whichever database runs it
/// (docs/SERVER.md, "One set of SQL"). The two dialects differ in a handful of spellings, all
/// listed here; anything else in a statement passes unchanged. Statements are few and fixed
/// (the program's own text), so each is translated once and remembered.
enum PostgresDialect {
    /// Tables whose `id` is an identity column: an INSERT into one returns the new id, which is
    /// what SQLite's `last_insert_rowid()` gives the repositories.
    static let tablesWithIdentity: Set<String> = [
        "account", "event", "seat", "booking", "ticket", "change_log", "device", "gate_scan", "gate_conflict", "waitlist_entry",
        "waitlist_offer",
    ]

    struct Statement: Sendable {
        let sql: String
        /// Whether the statement ends in `RETURNING id` added here, for `lastInsertRowID`.
        let returnsNewID: Bool
    }

    private static let translated = Mutex<[String: Statement]>([:])

    static func translate(_ sql: String) -> Statement {
        if let known = translated.withLock({ $0[sql] }) { return known }
        let statement = translateUncached(sql)
        translated.withLock { $0[sql] = statement }
        return statement
    }

    static func translateUncached(_ sql: String) -> Statement {
        var text = numberParameters(sql)
        // A list of ids passed as one JSON array, `[1,2,3]`: SQLite's json_each; in PostgreSQL an
        // array (`{1,2,3}`), which the planner looks up by index. (A set-returning function of
        // unknown size led it to scan every seat of the event for each booking.)
        text = text.replacingOccurrences(
            of: #"IN \(SELECT value FROM json_each\((\$\d+)\)\)"#, with: "= ANY(translate($1, '[]', '{}')::bigint[])",
            options: .regularExpression)
        // instr(haystack, needle) is strpos(haystack, needle).
        text = text.replacingOccurrences(of: "instr(", with: "strpos(")
        // NOCASE orders ASCII letters regardless of case; lower() does that and more.
        text = text.replacingOccurrences(of: #"([A-Za-z_.]+) COLLATE NOCASE"#, with: "lower($1)", options: .regularExpression)
        var returnsNewID = false
        if let table = insertedTable(text) {
            if text.uppercased().hasPrefix("INSERT OR IGNORE INTO") {
                text = "INSERT INTO" + text.dropFirst("INSERT OR IGNORE INTO".count) + " ON CONFLICT DO NOTHING"
            }
            if tablesWithIdentity.contains(table), !text.uppercased().contains("RETURNING") {
                text += " RETURNING id"
                returnsNewID = true
            }
        }
        return Statement(sql: text, returnsNewID: returnsNewID)
    }

    /// `?` becomes `$1`, `$2`… in order, and `?N` becomes `$N`; a `?` inside quotes is text.
    static func numberParameters(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var inQuotes = false
        var characters = sql.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if character == "'" { inQuotes.toggle() }
            guard character == "?", !inQuotes else {
                result.append(character)
                continue
            }
            var digits = ""
            while let following = characters.next() {
                if following.isASCII, following.isNumber {
                    digits.append(following)
                } else {
                    pending = following
                    break
                }
            }
            if digits.isEmpty {
                result += "$\(next)"
                next += 1
            } else {
                result += "$" + digits
            }
        }
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The table an INSERT statement writes, if `sql` is one.
    static func insertedTable(_ sql: String) -> String? {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" }).prefix(6).map { $0.lowercased() }
        guard words.first == "insert", let into = words.firstIndex(of: "into"), into + 1 < words.count else { return nil }
        return words[into + 1]
    }
}
