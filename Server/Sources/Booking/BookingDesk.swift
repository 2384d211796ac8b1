import Shared

/// Booking, cancelling, revoking and reissuing tickets: tokens signed off the writer, then one
/// write transaction, and only then an answer. The API's controllers and the pages both come
/// through here, so a rule holds the same whichever way a person asks.
struct BookingDesk {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock
    let metrics: ServerMetrics
    let throttles: Throttles

    /// Books `order` for `account`; with an idempotency key, a repeat gets the first answer back.
    func book(_ order: BookingOrder, eventID: UInt32, account: Account, idempotencyKey: String?) async throws -> BookingResult {
        try throttles.beginBooking(accountID: account.id)
        let issuer = keys.issuer
        do {
            let result = try await TicketLifecycle.retryingIDCollisions {
                let presigned = try BookingEngine.presign(order, eventID: eventID, holder: account.displayName, issuer: issuer, readers: readers)
                let now = clock.now()
                return try await writer.write(.lockedRows) { transaction in
                    try BookingEngine.book(
                        order, eventID: eventID, account: account, idempotencyKey: idempotencyKey, presigned: presigned, issuer: issuer,
                        now: now, in: transaction)
                }
            }
            if !result.replayed { metrics.booked() }
            return result
        } catch let refusal as BookingError {
            metrics.bookingRefused(reason: refusal.code)
            throw refusal
        }
    }

    /// The holder gives a ticket back (organisers may cancel anyone's).
    func cancel(ticketID: UInt64, by account: Account) async throws -> Ticket {
        let now = clock.now()
        return try await writer.write { try TicketLifecycle.cancel(ticketID: ticketID, by: account, now: now, in: $0) }
    }

    func revoke(ticketID: UInt64) async throws -> Ticket {
        let now = clock.now()
        return try await writer.write { try TicketLifecycle.revoke(ticketID: ticketID, now: now, in: $0) }
    }

    /// Revokes the ticket and issues its holder a new one for the same seat and class.
    func reissue(ticketID: UInt64) async throws -> (revoked: Ticket, new: Ticket) {
        let issuer = keys.issuer
        return try await TicketLifecycle.retryingIDCollisions {
            let presigned = try TicketLifecycle.presignReissue(ticketID: ticketID, issuer: issuer, readers: readers)
            let now = clock.now()
            return try await writer.write { try TicketLifecycle.reissue(ticketID: ticketID, presigned: presigned, issuer: issuer, now: now, in: $0) }
        }
    }
}
