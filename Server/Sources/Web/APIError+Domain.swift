import Hummingbird

/// A domain error that has an answer for clients. The domain says what went wrong; only here is
/// it decided which status and stable code a client gets for it (`APIErrorMiddleware` asks).
protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension BookingError: APIErrorConvertible {
    var apiError: APIError {
        let (status, code): (HTTPResponse.Status, String) =
            switch self {
            case .eventNotFound: (.notFound, "not_found")
            case .saleNotOpen: (.conflict, "sale_not_open")
            case .saleClosed: (.conflict, "sale_closed")
            case .invalidCount: (.unprocessableContent, "invalid_count")
            case .overLimit: (.conflict, "over_limit")
            case .seatListedTwice: (.badRequest, "invalid_request")
            case .seatNotInEvent: (.unprocessableContent, "seat_not_in_event")
            case .classMismatch: (.unprocessableContent, "class_mismatch")
            case .unknownClass: (.unprocessableContent, "unknown_class")
            case .classIsSeated: (.unprocessableContent, "class_is_seated")
            case .soldOut: (.conflict, "sold_out")
            case .seatTaken: (.conflict, "seat_taken")
            case .idempotencyKeyReused: (.unprocessableContent, "idempotency_key_reused")
            }
        return APIError(status, code, description)
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
        }
    }
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
        case .invalidScan: APIError(.unprocessableContent, "invalid_scan", description)
        }
    }
}
