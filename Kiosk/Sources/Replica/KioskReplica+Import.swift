import Shared

extension KioskReplica {
    /// Writes an import in one transaction. The import's word on status (revoked, cancelled) is
    /// taken; what this gate saw itself (who is inside, when a ticket was first used here) is
    /// kept, and an earlier use elsewhere from the import is added where this gate has none.
    public func apply(_ file: TicketImport, name: String, now: Int64) throws -> ImportSummary {
        guard file.eventID == eventID else {
            throw ImportError(file: name, problem: "it is for event \(file.eventID), but this kiosk checks event \(eventID)")
        }
        return try database.transaction { database in
            let known = try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0
            for entry in file.tickets {
                try database.run(
                    """
                    INSERT INTO ticket (id, event_id, status, holder, seat, ticket_class, origin, used_at, used_gate, updated_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'import', ?7, ?8, ?9)
                    ON CONFLICT (id) DO UPDATE SET
                        status = excluded.status, holder = excluded.holder, seat = excluded.seat, ticket_class = excluded.ticket_class,
                        origin = 'import',
                        used_gate = CASE WHEN used_at IS NULL THEN excluded.used_gate ELSE used_gate END,
                        used_at = coalesce(used_at, excluded.used_at),
                        updated_at = excluded.updated_at
                    """,
                    entry.ticketID, file.eventID, entry.status.rawValue, entry.holder, entry.seat, entry.ticketClass,
                    entry.usedAt, entry.usedGate, now)
            }
            // Ids are unique within a file (parse checks), so new rows are exactly the new tickets.
            let added = (try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0) - known
            var summary = ImportSummary(added: added, updated: file.tickets.count - added)
            for id in file.revoked {
                // A revocation of a ticket the replica never heard of is kept too: it may be shown later.
                try database.run(
                    """
                    INSERT INTO ticket (id, event_id, status, origin, updated_at) VALUES (?, ?, 'revoked', 'import', ?)
                    ON CONFLICT (id) DO UPDATE SET status = 'revoked', updated_at = excluded.updated_at
                    """, id, file.eventID, now)
                summary.revoked += 1
            }
            try Self.store("last_import_at", String(now), in: database)
            return summary
        }
    }
}
