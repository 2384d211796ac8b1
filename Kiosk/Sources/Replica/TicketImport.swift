import Foundation
import Shared

/// A JSON file of tickets and revocations that fills the replica until sync exists
/// (`gate-kiosk import`). The format is in docs/KIOSK.md:
///
///     {"format": "festivalgate-kiosk-import/1", "event_id": 7, "exported_at": 1790000000,
///      "tickets": [{"ticket_id": "1234", "status": "valid", "holder": "Ada", "seat": "A-1",
///                   "class": 1, "used_at": 1790003600, "used_gate": "North-1"}],
///      "revoked": ["5678"]}
///
/// Ticket ids are decimal strings (JSON numbers lose u64 digits in many tools). Times are
/// seconds since 1970. The whole file is checked before anything is written.
public struct TicketImport: Sendable {
    public static let format = "festivalgate-kiosk-import/1"

    public struct Entry: Sendable, Equatable {
        public var ticketID: UInt64
        public var status: ReplicaTicket.Status
        public var holder: String
        public var seat: String
        public var ticketClass: UInt16?
        public var usedAt: Int64?
        public var usedGate: String?

        public init(
            ticketID: UInt64, status: ReplicaTicket.Status, holder: String = "", seat: String = "", ticketClass: UInt16? = nil,
            usedAt: Int64? = nil, usedGate: String? = nil
        ) {
            self.ticketID = ticketID
            self.status = status
            self.holder = holder
            self.seat = seat
            self.ticketClass = ticketClass
            self.usedAt = usedAt
            self.usedGate = usedGate
        }
    }

    public let eventID: UInt32
    /// Seconds since 1970, when the server wrote the file.
    public let exportedAt: Int64?
    public let tickets: [Entry]
    public let revoked: [UInt64]

    public init(eventID: UInt32, exportedAt: Int64? = nil, tickets: [Entry], revoked: [UInt64] = []) {
        self.eventID = eventID
        self.exportedAt = exportedAt
        self.tickets = tickets
        self.revoked = revoked
    }

    /// Parses and checks a file; the error names the field that is wrong.
    public static func parse(_ data: Data, name: String) throws(ImportError) -> TicketImport {
        let fail = { (problem: String) in ImportError(file: name, problem: problem) }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch { throw fail("not JSON: \(error.localizedDescription)") }
        guard let root = parsed as? [String: Any] else { throw fail("the top level must be an object") }
        guard root["format"] as? String == format else {
            throw fail("\"format\" must be \"\(format)\", not \(root["format"].map { "\($0)" } ?? "missing")")
        }
        guard let eventNumber = root["event_id"] as? NSNumber, let eventID = UInt32(exactly: eventNumber.doubleValue), eventID > 0 else {
            throw fail("\"event_id\" must be an event id (1 to 4294967295)")
        }
        let exportedAt = try optionalSeconds(root["exported_at"], field: "exported_at", fail: fail)
        guard let rawTickets = (root["tickets"] ?? [Any]()) as? [Any] else { throw fail("\"tickets\" must be an array") }
        var seen = Set<UInt64>()
        var tickets = [Entry]()
        for (index, raw) in rawTickets.enumerated() {
            let field = { (name: String) in "tickets[\(index)].\(name)" }
            guard let object = raw as? [String: Any] else { throw fail("tickets[\(index)] must be an object") }
            let id = try ticketID(object["ticket_id"], field: field("ticket_id"), fail: fail)
            guard seen.insert(id).inserted else { throw fail("\(field("ticket_id")): ticket \(id) is listed twice") }
            guard let statusText = object["status"] as? String, let status = ReplicaTicket.Status(rawValue: statusText) else {
                throw fail("\(field("status")) must be \"valid\", \"cancelled\" or \"revoked\"")
            }
            let holder = try optionalText(object["holder"], field: field("holder"), fail: fail) ?? ""
            let seat = try optionalText(object["seat"], field: field("seat"), fail: fail) ?? ""
            var ticketClass: UInt16?
            if let value = object["class"], !(value is NSNull) {
                guard let number = value as? NSNumber, let zone = UInt16(exactly: number.doubleValue) else {
                    throw fail("\(field("class")) must be a class (zone) number, 0 to 65535")
                }
                ticketClass = zone
            }
            let usedAt = try optionalSeconds(object["used_at"], field: field("used_at"), fail: fail)
            let usedGate = try optionalText(object["used_gate"], field: field("used_gate"), fail: fail)
            tickets.append(Entry(
                ticketID: id, status: status, holder: holder, seat: seat, ticketClass: ticketClass,
                usedAt: usedAt.map { $0 * 1_000 }, usedGate: usedGate))
        }
        guard let rawRevoked = (root["revoked"] ?? [Any]()) as? [Any] else { throw fail("\"revoked\" must be an array of ticket ids") }
        let revoked = try rawRevoked.enumerated().map { index, raw throws(ImportError) in
            try ticketID(raw, field: "revoked[\(index)]", fail: fail)
        }
        return TicketImport(eventID: eventID, exportedAt: exportedAt, tickets: tickets, revoked: revoked)
    }

    private static func ticketID(_ value: Any?, field: String, fail: (String) -> ImportError) throws(ImportError) -> UInt64 {
        guard let text = value as? String, let id = UInt64(text), id > 0 else {
            throw fail("\(field) must be a ticket id as a decimal string, such as \"1234\"")
        }
        return id
    }

    private static func optionalText(_ value: Any?, field: String, fail: (String) -> ImportError) throws(ImportError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String, text.utf8.count <= 200 else { throw fail("\(field) must be text of at most 200 bytes") }
        return text
    }

    private static func optionalSeconds(_ value: Any?, field: String, fail: (String) -> ImportError) throws(ImportError) -> Int64? {
        guard let value, !(value is NSNull) else { return nil }
        // FT1 times are u32 seconds: anything later is a mistake, and would overflow in milliseconds.
        guard let number = value as? NSNumber, let seconds = Int64(exactly: number.doubleValue), (0...Int64(UInt32.max)).contains(seconds)
        else { throw fail("\(field) must be seconds since 1970, 0 to \(UInt32.max)") }
        return seconds
    }
}

/// What an import changed.
public struct ImportSummary: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var revoked = 0
}

/// A file that cannot be imported; nothing of it was.
public struct ImportError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem); nothing imported" }
}
