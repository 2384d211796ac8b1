/// Why a change to an event, its classes or its seat map was refused.
public enum EventError: Error, Equatable, Sendable {
    case notFound
    case classExists(ticketClass: UInt16, eventID: UInt32)
    case seatsSold(count: Int)
    /// Resume asked of a sale that is not paused.
    case notPaused
    /// Joining a waiting room before it opens, or one the event does not have.
    case waitingRoomNotOpen(opensAt: Int64?)
    case classNotFound(ticketClass: UInt16)
    /// A seated class's size is its seat map's.
    case classIsSeated(ticketClass: UInt16)
    /// A capacity below what is sold and held for waitlist offers.
    case capacityBelowSold(sold: Int)
}

extension EventError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound: "no such event"
        case .classExists(let ticketClass, let eventID): "event \(eventID) already has ticket class \(ticketClass)"
        case .seatsSold(let count): "\(count) seats of this event are sold; the seat map can no longer be replaced"
        case .notPaused: "the sale of this event is not paused"
        case .waitingRoomNotOpen(let opensAt):
            opensAt.map { "the waiting room opens at \($0) (unix time)" } ?? "this event has no waiting room: book directly"
        case .classNotFound(let ticketClass): "this event has no ticket class \(ticketClass)"
        case .classIsSeated(let ticketClass): "class \(ticketClass) is seated: its size is its seat map's"
        case .capacityBelowSold(let sold): "\(sold) tickets of this class are sold or held for waitlist offers: the capacity cannot be below that"
        }
    }
}
