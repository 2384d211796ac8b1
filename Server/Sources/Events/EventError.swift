/// Why a change to an event, its classes or its seat map was refused.
public enum EventError: Error, Equatable, Sendable {
    case notFound
    case classExists(ticketClass: UInt16, eventID: UInt32)
    case seatsSold(count: Int)
}

extension EventError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound: "no such event"
        case .classExists(let ticketClass, let eventID): "event \(eventID) already has ticket class \(ticketClass)"
        case .seatsSold(let count): "\(count) seats of this event are sold; the seat map can no longer be replaced"
        }
    }
}
