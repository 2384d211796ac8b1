import Shared

/// The sale as it goes, for organisers: tickets sold, sold in the last minute and per minute
/// over half an hour (drawn as SVG bars by the server), and the waiting room's line. The
/// organiser's event page and the dashboard show it, and fetch it again every few seconds.
enum SaleFigures {
    /// Tickets sold in each of the last 30 minutes, as bars; and the waiting room's line.
    static func values(_ event: Event, language: Language, now: Int64, in database: some SQLiteQuerying) throws -> [String: Any] {
        let format = EventFormatting(event, language: language)
        let minutes = 30
        let first = now / 60 - Int64(minutes - 1)
        var perMinute = [Int](repeating: 0, count: minutes)
        for row in try database.rows(
            "SELECT created_at / 60 AS minute, COUNT(*) AS sold FROM ticket WHERE event_id = ? AND created_at >= ? GROUP BY minute",
            event.id, first * 60)
        {
            let minute: Int64 = try row["minute"]
            if (0..<Int64(minutes)).contains(minute - first) { perMinute[Int(minute - first)] = try row["sold"] }
        }
        let peak = max(perMinute.max() ?? 0, 1)
        var values: [String: Any] = [
            "soldTotal": try TicketRepository.liveCount(eventID: event.id, in: database), "soldLastMinute": perMinute.last ?? 0,
            "saleBars": perMinute.enumerated().map { index, sold -> [String: Any] in
                let height = sold * 100 / peak
                return ["x": index * 10 + 1, "y": 100 - height, "height": height, "sold": sold, "minute": format.time((first + Int64(index)) * 60)]
            },
        ]
        if event.waitingRoom != nil {
            let line = try database.row(
                "SELECT count(*) FILTER (WHERE status = 'waiting') AS waiting, count(*) FILTER (WHERE status = 'turn') AS turns FROM queue_entry WHERE event_id = ?",
                event.id)
            values["room"] = ["waiting": try line?["waiting"] ?? 0, "turns": try line?["turns"] ?? 0] as [String: Any]
        }
        let lines = try database.rows(
            """
            SELECT e.ticket_class,
                   count(*) FILTER (WHERE e.status = 'waiting') AS waiting,
                   (SELECT count(*) FROM waitlist_offer o JOIN waitlist_entry x ON x.id = o.entry_id
                    WHERE x.event_id = e.event_id AND x.ticket_class = e.ticket_class AND o.status = 'open') AS open,
                   (SELECT count(*) FROM waitlist_offer o JOIN waitlist_entry x ON x.id = o.entry_id
                    WHERE x.event_id = e.event_id AND x.ticket_class = e.ticket_class AND o.status = 'accepted') AS accepted,
                   (SELECT count(*) FROM waitlist_offer o JOIN waitlist_entry x ON x.id = o.entry_id
                    WHERE x.event_id = e.event_id AND x.ticket_class = e.ticket_class AND o.status = 'expired') AS expired
            FROM waitlist_entry e WHERE e.event_id = ? GROUP BY e.event_id, e.ticket_class ORDER BY e.ticket_class
            """, event.id)
        if !lines.isEmpty {
            values["waitlists"] = try lines.map { row -> [String: Any] in
                let ticketClass: UInt16 = try row["ticket_class"]
                return [
                    "className": event.classes.first { $0.ticketClass == ticketClass }?.name ?? String(ticketClass),
                    "waiting": try row["waiting"] as Int, "open": try row["open"] as Int, "accepted": try row["accepted"] as Int,
                    "expired": try row["expired"] as Int,
                ]
            }
        }
        if let pause = event.pause, pause.isActive(at: now) { values["pausedNotice"] = pause.notice.text(language) }
        return values
    }
}
