@testable import Server
import Testing

/// The few spellings in which the repositories' SQLite SQL differs from PostgreSQL's.
@Suite("PostgreSQL dialect")
struct PostgresDialectTests {
    @Test("parameters are numbered in order, ?N keeps its number, and a ? inside quotes stays text")
    func parameters() {
        #expect(PostgresDialect.numberParameters("SELECT a FROM t WHERE b = ? AND c = ?") == "SELECT a FROM t WHERE b = $1 AND c = $2")
        #expect(PostgresDialect.numberParameters("WHERE x = ?2 OR y = ?1 OR z = ?2") == "WHERE x = $2 OR y = $1 OR z = $2")
        #expect(PostgresDialect.numberParameters("SELECT '?' || ?") == "SELECT '?' || $1")
    }

    @Test("an INSERT into a table with an id returns it; OR IGNORE becomes ON CONFLICT DO NOTHING; lists become arrays")
    func statements() {
        let booking = PostgresDialect.translateUncached("INSERT INTO booking (account_id) VALUES (?)")
        #expect(booking.sql == "INSERT INTO booking (account_id) VALUES ($1) RETURNING id" && booking.returnsNewID)
        let admission = PostgresDialect.translateUncached("INSERT INTO admission (ticket_id) VALUES (?)")
        #expect(!admission.returnsNewID && !admission.sql.contains("RETURNING"))
        #expect(
            PostgresDialect.translateUncached("INSERT OR IGNORE INTO server_secret (name, value) VALUES (?, ?)").sql
                == "INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        #expect(
            PostgresDialect.translateUncached("SELECT label FROM seat s WHERE s.id IN (SELECT value FROM json_each(?))").sql
                == "SELECT label FROM seat s WHERE s.id = ANY(translate($1, '[]', '{}')::bigint[])")
        #expect(
            PostgresDialect.translateUncached("SELECT 1 WHERE instr(lower(a), lower(?1)) > 0 ORDER BY t.holder COLLATE NOCASE").sql
                == "SELECT 1 WHERE strpos(lower(a), lower($1)) > 0 ORDER BY lower(t.holder)")
    }
}
