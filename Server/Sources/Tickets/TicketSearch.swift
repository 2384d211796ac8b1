import Foundation
import Shared

/// An event's tickets as organisers and staff look for them at the gate tent: by holder or
/// account name, email or seat label (any part), or a whole ticket id.
enum TicketSearch {
    struct Found: Sendable {
        let ticket: Ticket
        let email: String
        /// When the ticket was first let in (milliseconds), if it ever was, and whether it is inside.
        let firstAdmittedAt: Int64?
        let inside: Bool
    }

    static func tickets(eventID: UInt32, matching query: String?, limit: Int, in database: some SQLiteQuerying) throws -> [Found] {
        let rows: [SQLiteRow]
        let selection = """
            SELECT t.id, t.event_id, t.ticket_class, t.seat_id, s.label AS seat_label, t.account_id, t.holder, t.status, t.token,
                   t.created_at, t.changed_at, a.email, ad.first_at, coalesce(ad.inside, 0) AS inside
            FROM ticket t JOIN account a ON a.id = t.account_id LEFT JOIN seat s ON s.id = t.seat_id
            LEFT JOIN admission ad ON ad.ticket_id = t.id
            """
        if let query, !query.isEmpty {
            // instr, not LIKE: what staff type is matched as text, % and _ included. SQLite's
            // lower() folds ASCII only, on both sides alike.
            rows = try database.rows(
                """
                \(selection)
                WHERE t.event_id = ?3 AND (instr(lower(t.holder), lower(?1)) > 0 OR instr(lower(a.display_name), lower(?1)) > 0
                    OR instr(lower(a.email), lower(?1)) > 0 OR instr(lower(coalesce(s.label, '')), lower(?1)) > 0 OR t.id = ?2)
                ORDER BY t.holder COLLATE NOCASE, t.id LIMIT ?4
                """, query, UInt64(query.trimmingCharacters(in: .whitespaces)), eventID, limit)
        } else {
            rows = try database.rows("\(selection) WHERE t.event_id = ? ORDER BY t.created_at, t.id LIMIT ?", eventID, limit)
        }
        return try rows.map { row in
            Found(ticket: try Ticket(row: row), email: try row["email"], firstAdmittedAt: try row["first_at"], inside: try row["inside"])
        }
    }

    /// The tickets as CSV for a spreadsheet: one header line, then a line per ticket.
    static func csv(_ found: [Found]) -> String {
        var text = "ticket_id,status,holder,email,seat,ticket_class,created_at,first_admitted_at,inside\r\n"
        for item in found {
            let ticket = item.ticket
            let fields = [
                String(ticket.id), ticket.status.rawValue, ticket.holder, item.email, ticket.seatLabel ?? "", String(ticket.ticketClass),
                String(ticket.createdAt), item.firstAdmittedAt.map { String($0 / 1_000) } ?? "", item.inside ? "1" : "0",
            ]
            text += CSV.line(fields)
        }
        return text
    }
}
