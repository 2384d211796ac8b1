import Shared

extension KioskReplica {
    /// Writes an import in one transaction. The import's word on status (revoked, cancelled) is
    /// taken; what this gate saw itself (who is inside, when a ticket was first used here) is
    /// kept, and an earlier use elsewhere from the import is added where this gate has none.
    /// A file never undoes what the replica knows to be newer: a ticket whose row stands as of a
    /// later time than the file's `exported_at` (the feed brought it, or a newer file did) is
    /// left as it is, and no file brings a revoked or cancelled ticket back (the server never
    /// does either), whatever its age or lack of one.
    public func apply(_ file: TicketImport, name: String, now: Int64) throws -> ImportSummary {
        guard file.eventID == eventID else {
            throw ImportError(file: name, problem: "it is for event \(file.eventID), but this kiosk checks event \(eventID)")
        }
        let knownAt = file.exportedAt.map { $0 * 1_000 }
        return try database.transaction { database in
            let known = try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0
            var written = 0
            for entry in file.tickets {
                written += try database.run(
                    """
                    INSERT INTO ticket (id, event_id, status, holder, seat, ticket_class, origin, used_at, used_gate, updated_at, known_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'import', ?7, ?8, ?9, ?10)
                    ON CONFLICT (id) DO UPDATE SET
                        status = CASE WHEN excluded.status = 'valid' THEN ticket.status ELSE excluded.status END,
                        holder = excluded.holder, seat = excluded.seat, ticket_class = excluded.ticket_class,
                        origin = 'import',
                        used_gate = CASE WHEN used_at IS NULL THEN excluded.used_gate ELSE used_gate END,
                        used_at = coalesce(used_at, excluded.used_at),
                        updated_at = excluded.updated_at,
                        known_at = coalesce(excluded.known_at, known_at)
                    WHERE excluded.known_at IS NULL OR coalesce(ticket.known_at, 0) <= excluded.known_at
                    """,
                    entry.ticketID, file.eventID, entry.status.rawValue, entry.holder, entry.seat, entry.ticketClass,
                    entry.usedAt, entry.usedGate, now, knownAt)
            }
            // Ids are unique within a file (parse checks), so new rows are exactly the new tickets.
            let added = (try database.scalar("SELECT COUNT(*) FROM ticket", as: Int.self) ?? 0) - known
            var summary = ImportSummary(added: added, updated: written - added, olderThanKnown: file.tickets.count - written)
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
