import Hummingbird

/// A ticket as its holder and organisers see it. Ticket ids are u64: sent as strings, since
/// JavaScript numbers lose digits past 2^53.
struct TicketResponse: ResponseEncodable, Sendable {
    let id: String
    let eventID: UInt32
    let ticketClass: UInt16
    let seat: Nullable<String>
    let holder: String
    let status: String
    let createdAt: Int64
    let changedAt: Int64

    init(_ ticket: Ticket) {
        id = String(ticket.id)
        eventID = ticket.eventID
        ticketClass = ticket.ticketClass
        seat = Nullable(ticket.seatLabel)
        holder = ticket.holder
        status = ticket.status.rawValue
        createdAt = ticket.createdAt
        changedAt = ticket.changedAt
    }
}

struct TicketListResponse: ResponseEncodable, Sendable {
    let tickets: [TicketResponse]
}

struct TokenResponse: ResponseEncodable, Sendable {
    let ticketID: String
    let token: String
}

struct ReissueResponse: ResponseEncodable, Sendable {
    let revoked: TicketResponse
    let ticket: TicketResponse
}

struct ChangeListResponse: ResponseEncodable, Sendable {
    struct Change: Encodable, Sendable {
        let seq: Int64
        let at: Int64
        let kind: String
        let eventID: Nullable<UInt32>
        let ticketID: Nullable<String>
        let detail: String

        init(_ entry: ChangeLog.Entry) {
            seq = entry.seq
            at = entry.at
            kind = entry.kind
            eventID = Nullable(entry.eventID)
            ticketID = Nullable(entry.ticketID.map { String($0) })
            detail = entry.detail
        }
    }

    let changes: [Change]
}

/// An event's tickets as staff search them: each with its buyer's email and where it stands
/// at the gates.
struct EventTicketListResponse: ResponseEncodable, Sendable {
    struct Item: Encodable, Sendable {
        let ticket: TicketResponse
        let email: String
        /// When a gate first let it in, in unix seconds like every `*_at` here.
        let firstAdmittedAt: Nullable<Int64>
        let inside: Bool

        init(_ found: TicketSearch.Found) {
            ticket = TicketResponse(found.ticket)
            email = found.email
            firstAdmittedAt = Nullable(found.firstAdmittedAt.map { $0 / 1_000 })
            inside = found.inside
        }
    }

    let tickets: [Item]
}
