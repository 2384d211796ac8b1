/// Why a change to a ticket was refused.
public enum TicketError: Error, Equatable, Sendable {
    /// No such ticket, or not one the caller may see: the same answer, so ids cannot be probed.
    case notFound
    case notValid(Ticket.Status)
    case eventStarted
    /// A ticket id drawn at random before the job is already in use: draw again and retry.
    case idCollision
}

extension TicketError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound: "no such ticket"
        case .notValid(let status): "the ticket is already \(status.rawValue)"
        case .eventStarted: "tickets can be cancelled only until the event starts"
        case .idCollision: "a new ticket id was already in use"
        }
    }
}
