import Foundation
import Shared

/// The kiosk's scan log for the organisers, as CSV or JSON: every verdict with its ticket's
/// holder and seat as the replica knows them, and whether the server has it yet. Read through a
/// read-only connection of its own, so it works beside a running kiosk and on a gate that never
/// synced.
public enum ScanExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    public struct Scan: Sendable {
        let seq: Int64
        let at: Int64
        let ticketID: Int64?
        let verdict: String
        let reason: String
        let direction: String
        let source: String
        let gate: String
        let mode: String
        let synced: Bool
        let holder: String?
        let seat: String?
        let ticketClass: Int64?
    }

    /// Every scan of the replica in `directory`, oldest first.
    public static func scans(directory: String) throws -> (eventID: UInt32, gate: String, scans: [Scan]) {
        try KioskReplica.requireInitialised(directory)
        let database = try SQLiteDatabase(
            path: (directory as NSString).appendingPathComponent(KioskReplica.fileName), durability: .normal, readOnly: true)
        let eventID = try database.scalar("SELECT value FROM setting WHERE name = 'event_id'", as: String.self).flatMap(UInt32.init) ?? 0
        let gate = try database.scalar("SELECT value FROM setting WHERE name = 'gate'", as: String.self) ?? ""
        let rows = try database.rows(
            """
            SELECT s.seq, s.at, s.ticket_id, s.verdict, s.reason, s.direction, s.source, s.gate, s.mode, s.synced,
                   t.holder, t.seat, t.ticket_class
            FROM scan s LEFT JOIN ticket t ON t.id = s.ticket_id ORDER BY s.seq
            """)
        let scans = try rows.map { row in
            Scan(
                seq: try row["seq"], at: try row["at"], ticketID: try row["ticket_id"], verdict: try row["verdict"], reason: try row["reason"],
                direction: try row["direction"], source: try row["source"], gate: try row["gate"], mode: try row["mode"],
                synced: try row["synced"], holder: try row["holder"], seat: try row["seat"], ticketClass: try row["ticket_class"])
        }
        return (eventID, gate, scans)
    }

    public static func csv(_ scans: [Scan]) -> String {
        var text = "seq,time,ticket_id,verdict,reason,direction,source,gate,mode,synced,holder,seat,ticket_class\r\n"
        for scan in scans {
            text += CSV.line([
                String(scan.seq), KioskTime.iso8601(milliseconds: scan.at), scan.ticketID.map { String(UInt64(bitPattern: $0)) } ?? "",
                scan.verdict, scan.reason, scan.direction, scan.source, scan.gate, scan.mode, scan.synced ? "1" : "0", scan.holder ?? "",
                scan.seat ?? "", scan.ticketClass.map(String.init) ?? "",
            ])
        }
        return text
    }

    public static func json(eventID: UInt32, gate: String, scans: [Scan], exportedAt: Int64) -> String {
        let list = scans.map { scan -> JSONValue in
            var fields: [(String, JSONValue)] = [
                ("seq", .integer(scan.seq)), ("time", .string(KioskTime.iso8601(milliseconds: scan.at))),
                // Ticket ids are 64-bit: a string, as everywhere else, so no JSON reader rounds them.
                ("ticket_id", scan.ticketID.map { .string(String(UInt64(bitPattern: $0))) } ?? .null),
                ("verdict", .string(scan.verdict)), ("reason", .string(scan.reason)), ("direction", .string(scan.direction)),
                ("source", .string(scan.source)), ("gate", .string(scan.gate)), ("mode", .string(scan.mode)), ("synced", .bool(scan.synced)),
            ]
            if let holder = scan.holder { fields.append(("holder", .string(holder))) }
            if let seat = scan.seat, !seat.isEmpty { fields.append(("seat", .string(seat))) }
            if let ticketClass = scan.ticketClass { fields.append(("ticket_class", .integer(ticketClass))) }
            return .object(fields)
        }
        return JSONValue.object([
            ("event_id", .integer(Int64(eventID))), ("gate", .string(gate)),
            ("exported_at", .string(KioskTime.iso8601(milliseconds: exportedAt))), ("scans", .array(list)),
        ]).description + "\n"
    }
}
