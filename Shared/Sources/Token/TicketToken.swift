/// The fields an FT1 token carries: everything a gate needs to decide offline.
public struct TicketToken: Hashable, Sendable, Codable {
    /// Unique per ticket.
    public var ticketID: UInt64
    public var eventID: UInt32
    /// Unix seconds; 0 means no lower bound.
    public var notBefore: UInt32
    /// Unix seconds; `TicketToken.noUpperBound` means none.
    public var notAfter: UInt32
    /// The ticket class: a number the gate checks against the classes it admits.
    public var ticketClass: UInt16
    public var flags: TicketFlags
    /// UTF-8, at most `TokenLayout.maxSeatBytes` bytes; empty for general admission.
    public var seat: String
    /// UTF-8, at most `TokenLayout.maxHolderBytes` bytes.
    public var holder: String

    public static let noLowerBound: UInt32 = 0
    public static let noUpperBound: UInt32 = .max

    public init(
        ticketID: UInt64, eventID: UInt32, notBefore: UInt32 = TicketToken.noLowerBound,
        notAfter: UInt32 = TicketToken.noUpperBound, ticketClass: UInt16, flags: TicketFlags = [],
        seat: String = "", holder: String = ""
    ) {
        self.ticketID = ticketID
        self.eventID = eventID
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.ticketClass = ticketClass
        self.flags = flags
        self.seat = seat
        self.holder = holder
    }

    enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id", eventID = "event_id", notBefore = "not_before"
        case notAfter = "not_after", ticketClass = "ticket_class", flags, seat, holder
    }
}

/// Flag bits of a token. Bits 1–7 are reserved and must be 0.
public struct TicketFlags: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The holder may leave and come back in (an exit scan re-opens the ticket).
    public static let reEntry = TicketFlags(rawValue: 1 << 0)
    /// Every bit the format defines; anything else is reserved.
    public static let defined: TicketFlags = [.reEntry]

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UInt8.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A token that passed every check of the format: its key, its signature and its layout.
public struct DecodedToken: Hashable, Sendable {
    /// The key id it was signed and encrypted under.
    public let kid: UInt8
    public let ticket: TicketToken
}
