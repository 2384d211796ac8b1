/// Why a booking was refused, in the booking's own terms; `APIError+Domain` says how each
/// reaches a client.
public enum BookingError: Error, Equatable, Sendable {
    case eventNotFound
    case saleNotOpen(event: String, opensAt: Int64)
    case saleClosed(event: String)
    case invalidCount(String)
    case overLimit(limit: Int, held: Int, asked: Int)
    case seatListedTwice
    case seatNotInEvent(seatID: Int64, eventID: UInt32)
    case classMismatch(seat: String, ticketClass: UInt16, wanted: UInt16)
    case unknownClass(ticketClass: UInt16, eventID: UInt32)
    case classIsSeated(ticketClass: UInt16)
    case soldOut(className: String, left: Int)
    case seatTaken(seat: String)
    case idempotencyKeyReused
    /// The organisers paused the sale; the notice says why and until when.
    case salesPaused(SaleNotice)
    /// The event has a waiting room and this person holds no turn; their place, if in line.
    case notYourTurn(position: Int?)
}

extension BookingError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .eventNotFound: "no such event"
        case .saleNotOpen(let event, let opensAt): "the sale for \(event) opens at \(opensAt) (unix time)"
        case .saleClosed(let event): "the sale for \(event) has closed"
        case .invalidCount(let message): message
        case .overLimit(let limit, let held, let asked):
            "at most \(limit) tickets per person for this event; you hold \(held) and asked for \(asked)"
        case .seatListedTwice: "a seat is listed more than once"
        case .seatNotInEvent(let seatID, let eventID): "there is no seat \(seatID) in event \(eventID)"
        case .classMismatch(let seat, let ticketClass, let wanted): "seat \(seat) is in class \(ticketClass), not \(wanted)"
        case .unknownClass(let ticketClass, let eventID): "event \(eventID) has no ticket class \(ticketClass)"
        case .classIsSeated(let ticketClass): "class \(ticketClass) is sold by seat: book its seats by id"
        case .soldOut(let className, let left): left == 0 ? "\(className) is sold out" : "only \(left) \(className) tickets are left"
        case .seatTaken(let seat): "seat \(seat) is already taken"
        case .idempotencyKeyReused: "this Idempotency-Key was already used for a different booking"
        case .salesPaused(let notice): "the sale is paused: \(notice.en)"
        case .notYourTurn(let position):
            position.map { "it is not your turn yet: you are number \($0) in the waiting room's line" }
                ?? "this sale goes through its waiting room: join the line first (POST /api/v1/events/{eventID}/queue)"
        }
    }

    /// The stable code clients and the metrics know this refusal by.
    var code: String {
        switch self {
        case .eventNotFound: "not_found"
        case .saleNotOpen: "sale_not_open"
        case .saleClosed: "sale_closed"
        case .invalidCount: "invalid_count"
        case .overLimit: "over_limit"
        case .seatListedTwice: "invalid_request"
        case .seatNotInEvent: "seat_not_in_event"
        case .classMismatch: "class_mismatch"
        case .unknownClass: "unknown_class"
        case .classIsSeated: "class_is_seated"
        case .soldOut: "sold_out"
        case .seatTaken: "seat_taken"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .salesPaused: "sales_paused"
        case .notYourTurn: "not_your_turn"
        }
    }
}
