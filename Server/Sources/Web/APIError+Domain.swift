import Shared
import Hummingbird

/// A domain error that has an answer for clients. The domain says what went wrong; only here is
/// it decided which status and stable code a client gets for it (`APIErrorMiddleware` asks).
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension BookingError: APIErrorConvertible {
    var apiError: APIError {
        let status: HTTPResponse.Status =
            switch self {
            case .eventNotFound: .notFound
            case .saleNotOpen, .saleClosed, .overLimit, .soldOut, .seatTaken, .salesPaused: .conflict
            case .notYourTurn: .forbidden
            case .seatListedTwice: .badRequest
            case .invalidCount, .seatNotInEvent, .classMismatch, .unknownClass, .classIsSeated, .idempotencyKeyReused: .unprocessableContent
            }
        let details: JSONValue? =
            switch self {
            case .salesPaused(let notice): .object([("notice", notice.json)])
            case .notYourTurn(let position): .object([("position", position.map { .integer(Int64($0)) } ?? .null)])
            default: nil
            }
        return APIError(status, code, description, details: details)
    }
}

extension DatabaseUnavailable: APIErrorConvertible {
    var apiError: APIError {
        APIError(.serviceUnavailable, "database_unavailable", description, headers: [.retryAfter: String(retryAfter)])
    }
}

extension WaitlistError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError(.notFound, "not_found", description)
        case .notSoldOut: APIError(.conflict, "not_sold_out", description)
        case .offerNotFound: APIError(.notFound, "not_found", description)
        case .offerExpired: APIError(.gone, "offer_expired", description)
        }
    }
}

extension TicketError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError(.notFound, "not_found", description)
        case .notValid: APIError(.conflict, "ticket_not_valid", description)
        case .eventStarted: APIError(.conflict, "event_started", description)
        // Retried where tickets are issued; reaching a client means every retry collided.
        case .idCollision: APIError(.internalServerError, "internal", "something went wrong on the server; nothing was changed")
        }
    }
}

extension EventError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError(.notFound, "not_found", description)
        case .classExists: APIError(.conflict, "class_exists", description)
        case .seatsSold: APIError(.conflict, "seats_sold", description)
        case .notPaused: APIError(.conflict, "not_paused", description)
        case .waitingRoomNotOpen: APIError(.conflict, "waiting_room_not_open", description)
        case .classNotFound: APIError(.notFound, "not_found", description)
        case .classIsSeated: APIError(.conflict, "class_is_seated", description)
        case .capacityBelowSold: APIError(.conflict, "capacity_below_sold", description)
        }
    }
}

extension InputError: APIErrorConvertible {
    var apiError: APIError { APIError(.unprocessableContent, code, description) }
}

extension AccountError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError(.notFound, "not_found", description)
        case .emailTaken: APIError(.conflict, "email_taken", description)
        case .lastOrganiser: APIError(.conflict, "last_organiser", description)
        }
    }
}

extension DeviceError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .deviceNotFound: APIError(.notFound, "not_found", description)
        case .nameTaken: APIError(.conflict, "device_name_taken", description)
        case .codeUnknown: APIError(.notFound, "enrollment_code_unknown", description)
        case .codeUsed: APIError(.gone, "enrollment_code_used", description)
        case .codeExpired: APIError(.gone, "enrollment_code_expired", description)
        case .notEnrolled: APIError(.unauthorized, "device_unknown", description)
        case .deviceRevoked: APIError(.unauthorized, "device_revoked", description)
        case .wrongEvent: APIError(.unprocessableContent, "wrong_event", description)
        case .timeNotBelieved: APIError(.unprocessableContent, "invalid_time", description)
        case .invalidScan: APIError(.unprocessableContent, "invalid_scan", description)
        }
    }
}
