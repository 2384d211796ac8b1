import Shared

/// Makes each ticket's FT1 token under the server's active key.
public struct TicketIssuer: Sendable {
    private let encoder: TokenEncoder

    public init(keyRing: KeyRing) throws {
        encoder = try TokenEncoder(activeKeyOf: keyRing)
    }

    public var kid: UInt8 { encoder.kid }

    /// The token a gate checks: valid from gates-open to the event's end, the class as zone.
    func token(ticketID: UInt64, event: Event, zone: UInt16, seatLabel: String, holder: String) throws -> String {
        try token(
            ticketID: ticketID, eventID: event.id, window: (event.gatesOpenAt, event.endsAt), zone: zone, seatLabel: seatLabel,
            holder: holder)
    }

    /// The token for an event whose gates open and which ends at `window`.
    func token(
        ticketID: UInt64, eventID: UInt32, window: (gatesOpenAt: Int64, endsAt: Int64), zone: UInt16, seatLabel: String, holder: String
    ) throws -> String {
        try encoder.encode(
            TicketToken(
                ticketID: ticketID, eventID: eventID, notBefore: UInt32(clamping: window.gatesOpenAt),
                notAfter: UInt32(clamping: window.endsAt), ticketClass: zone, seat: seatLabel, holder: holder))
    }
}
