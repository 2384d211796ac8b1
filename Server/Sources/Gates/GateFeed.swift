import Foundation
import GateProtocol
import Shared

/// The change log as a gate needs it: only its event's entries, each ticket entry carrying the
/// ticket as it stands now (status, holder, seat, class), each admission the gate and time.
/// Applying the entries in order leaves a replica equal to the server's tickets.
enum GateFeed {
    /// The most a page holds: big enough that 100,000 tickets are 20 requests.
    static let maxPage = 5_000

    static func changes(eventID: UInt32, after seq: Int64, limit: Int, in database: some SQLiteQuerying) throws -> [FeedChange] {
        try database.rows(
            """
            SELECT c.seq, c.kind, c.ticket_id, c.detail, t.status, t.holder, t.ticket_class, s.label AS seat
            FROM change_log c LEFT JOIN ticket t ON t.id = c.ticket_id LEFT JOIN seat s ON s.id = t.seat_id
            WHERE c.event_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?
            """, eventID, seq, limit
        ).map { row in
            let kind: ChangeKind = try row["kind"]
            let ticketID: UInt64? = try row["ticket_id"]
            let movement = kind == .ticketAdmitted || kind == .ticketExited ? try Movement.decode(try row["detail"]) : nil
            return FeedChange(
                seq: try row["seq"], kind: kind, ticketID: ticketID.map(String.init), status: try row["status"],
                holder: try row["holder"], seat: try row["seat"], ticketClass: try row["ticket_class"], at: movement?.at,
                gate: movement?.gate)
        }
    }

    /// The detail of an admission or exit entry, as `Admissions` writes it.
    private struct Movement: Decodable {
        let gate: String
        let at: Int64

        /// One decoder for every row: a page of a full pull holds thousands.
        private static let decoder = JSONDecoder()

        static func decode(_ detail: String) throws -> Movement {
            try decoder.decode(Movement.self, from: Data(detail.utf8))
        }
    }
}
