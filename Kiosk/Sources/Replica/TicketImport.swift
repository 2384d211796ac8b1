import Foundation
import Shared

/// A JSON file of tickets and revocations that fills the replica until sync exists
/// (`gate-kiosk import`). The format is in docs/KIOSK.md:
///
///     {"format": "festivalgate-kiosk-import/1", "event_id": 7, "exported_at": 1790000000,
///      "tickets": [{"ticket_id": "1234", "status": "valid", "holder": "Ada", "seat": "A-1",
///                   "ticket_class": 1, "used_at": 1790003600, "used_gate": "North-1"}],
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
        let decoder = JSONDecoder()
        let file: FileShape
        do {
            // The format first: a file of another kind is named as such, not by its first odd field.
            let format = try decoder.decode(FormatShape.self, from: data).format
            guard format == TicketImport.format else {
                throw ImportError(file: name, problem: "\"format\" must be \"\(TicketImport.format)\", not \(format.map { "\"\($0)\"" } ?? "missing")")
            }
            file = try decoder.decode(FileShape.self, from: data)
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(file: name, problem: FileProblem.describe(error))
        }
        var seen = Set<UInt64>()
        for (index, ticket) in (file.tickets ?? []).enumerated() where !seen.insert(ticket.ticketID.value).inserted {
            throw ImportError(file: name, problem: "tickets[\(index)].ticket_id: ticket \(ticket.ticketID.value) is listed twice")
        }
        return TicketImport(
            eventID: file.eventID.value, exportedAt: file.exportedAt?.value,
            tickets: (file.tickets ?? []).map {
                Entry(
                    ticketID: $0.ticketID.value, status: $0.status.value, holder: $0.holder?.value ?? "", seat: $0.seat?.value ?? "",
                    ticketClass: $0.ticketClass?.value, usedAt: $0.usedAt.map { $0.value * 1_000 }, usedGate: $0.usedGate?.value)
            },
            revoked: (file.revoked ?? []).map(\.value))
    }

    // The file's JSON, field by field; each value type states its own rule, so a broken value is
    // reported with its path ("tickets[1].ticket_id must be …").
    private struct FormatShape: Decodable {
        let format: String?
    }

    // Keys spelled out rather than a snake_case strategy, so an error's path uses the file's names.
    private struct FileShape: Decodable {
        let eventID: EventNumber
        let exportedAt: Seconds?
        let tickets: [TicketShape]?
        let revoked: [TicketNumber]?

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id", exportedAt = "exported_at", tickets, revoked
        }
    }

    private struct TicketShape: Decodable {
        let ticketID: TicketNumber
        let status: Status
        let holder: Text?
        let seat: Text?
        let ticketClass: ClassNumber?
        let usedAt: Seconds?
        let usedGate: Text?

        enum CodingKeys: String, CodingKey {
            case ticketID = "ticket_id", status, holder, seat, ticketClass = "ticket_class", usedAt = "used_at", usedGate = "used_gate"
        }
    }
}

/// Decodes one JSON value of type `Raw` and checks it, or fails at its path with `rule`.
private protocol CheckedValue: Decodable {
    associatedtype Raw: Decodable
    associatedtype Value
    static var rule: String { get }
    static func check(_ raw: Raw) -> Value?
    init(value: Value)
}

extension CheckedValue {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let raw = try? container.decode(Raw.self), let value = Self.check(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.rule)
        }
        self.init(value: value)
    }
}

/// Ticket ids are decimal strings: JSON numbers lose u64 digits in many tools.
private struct TicketNumber: CheckedValue {
    let value: UInt64
    static let rule = "must be a ticket id as a decimal string, such as \"1234\""
    static func check(_ raw: String) -> UInt64? { UInt64(raw).flatMap { $0 > 0 ? $0 : nil } }
}

private struct EventNumber: CheckedValue {
    let value: UInt32
    static let rule = "must be an event id (1 to 4294967295)"
    static func check(_ raw: Int64) -> UInt32? { UInt32(exactly: raw).flatMap { $0 > 0 ? $0 : nil } }
}

private struct ClassNumber: CheckedValue {
    let value: UInt16
    static let rule = "must be a ticket class number, 0 to 65535"
    static func check(_ raw: Int64) -> UInt16? { UInt16(exactly: raw) }
}

/// FT1 times are u32 seconds: anything later is a mistake, and would overflow in milliseconds.
private struct Seconds: CheckedValue {
    let value: Int64
    static let rule = "must be seconds since 1970, 0 to \(UInt32.max)"
    static func check(_ raw: Int64) -> Int64? { (0...Int64(UInt32.max)).contains(raw) ? raw : nil }
}

private struct Text: CheckedValue {
    let value: String
    static let rule = "must be text of at most \(OutsideText.maxBytes) bytes without control characters"
    static func check(_ raw: String) -> String? { OutsideText.isAcceptable(raw) ? raw : nil }
}

private struct Status: CheckedValue {
    let value: ReplicaTicket.Status
    static let rule = "must be \"valid\", \"cancelled\" or \"revoked\""
    static func check(_ raw: String) -> ReplicaTicket.Status? { ReplicaTicket.Status(rawValue: raw) }
}

/// What an import changed.
public struct ImportSummary: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var revoked = 0
    /// Tickets the replica knows of as of a later time than the file: left as they were.
    public var olderThanKnown = 0
}

/// A file that cannot be imported; nothing of it was.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let problem: String
    public var description: String { "\(file): \(problem); nothing imported" }
}
