import Shared

/// What an FT1 token says about a ticket, besides its id: the event, its window (gates open to
/// the end), the ticket class, the seat and the holder.
struct TokenFacts: Hashable, Sendable {
    let eventID: UInt32
    let gatesOpenAt: Int64
    let endsAt: Int64
    let ticketClass: UInt16
    let seatLabel: String
    let holder: String

    init(event: Event, ticketClass: UInt16, seatLabel: String, holder: String) {
        self.init(eventID: event.id, gatesOpenAt: event.gatesOpenAt, endsAt: event.endsAt, ticketClass: ticketClass, seatLabel: seatLabel, holder: holder)
    }

    init(eventID: UInt32, gatesOpenAt: Int64, endsAt: Int64, ticketClass: UInt16, seatLabel: String, holder: String) {
        self.eventID = eventID
        self.gatesOpenAt = gatesOpenAt
        self.endsAt = endsAt
        self.ticketClass = ticketClass
        self.seatLabel = seatLabel
        self.holder = holder
    }
}

/// A ticket id and its token, made before the write job that stores them: signing is the slow
/// part of issuing, and the writer only writes.
struct SignedTicket: Sendable {
    let id: UInt64
    let facts: TokenFacts
    let token: String
}

/// Makes each ticket's FT1 token under the server's active key.
public struct TicketIssuer: Sendable {
    private let encoder: TokenEncoder

    public init(keyRing: KeyRing) throws {
        encoder = try TokenEncoder(activeKeyOf: keyRing)
    }

    public var kid: UInt8 { encoder.kid }

    /// A new ticket: a random id and the token stating `facts`.
    func sign(_ facts: TokenFacts) throws -> SignedTicket {
        let id = UInt64.random(in: 1...UInt64.max)
        return SignedTicket(id: id, facts: facts, token: try token(ticketID: id, facts: facts))
    }

    /// The token for ticket `ticketID` stating `facts`.
    func token(ticketID: UInt64, facts: TokenFacts) throws -> String {
        try encoder.encode(
            TicketToken(
                ticketID: ticketID, eventID: facts.eventID, notBefore: UInt32(clamping: facts.gatesOpenAt),
                notAfter: UInt32(clamping: facts.endsAt), ticketClass: facts.ticketClass, seat: facts.seatLabel, holder: facts.holder))
    }
}

/// Tickets signed ahead of a write job, taken by the facts the job finds in the database. When
/// the database says otherwise (the event moved, a seat was relabelled in between), nothing
/// matches and the job signs that ticket itself: rare, and still correct.
struct PresignedTickets: Sendable {
    private var byFacts: [TokenFacts: [SignedTicket]] = [:]

    static let none = PresignedTickets()

    /// Signs one ticket per entry of `facts`.
    init(signing facts: [TokenFacts] = [], with issuer: TicketIssuer) throws {
        for facts in facts { byFacts[facts, default: []].append(try issuer.sign(facts)) }
    }

    private init() {}

    /// A presigned ticket stating exactly `facts`, or a new one signed now.
    mutating func take(_ facts: TokenFacts, issuer: TicketIssuer) throws -> SignedTicket {
        if let signed = byFacts[facts]?.popLast() { return signed }
        return try issuer.sign(facts)
    }
}
