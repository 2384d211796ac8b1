/// What happens to a ticket after its booking: the holder cancels it, an organiser revokes or
/// reissues it. Each runs inside a write job; the rules live here, not in the controllers.
enum TicketLifecycle {
    /// Holders may cancel their own ticket until the event starts; the seat is free at once.
    /// Someone else's ticket is "not found".
    static func cancel(ticketID: UInt64, by account: Account, now: Int64, in transaction: WriteTransaction) throws -> Ticket {
        let ticket = try TicketRepository.existing(id: ticketID, in: transaction)
        guard ticket.accountID == account.id else { throw TicketError.notFound }
        let event = try EventRepository.existing(id: ticket.eventID, in: transaction)
        guard now < event.startsAt else { throw TicketError.eventStarted }
        let ended = try TicketRepository.end(ticket, as: .cancelled, reason: "cancelled by holder", now: now, in: transaction)
        try WaitlistOffers.serve(eventID: ticket.eventID, ticketClass: ticket.ticketClass, now: now, in: transaction)
        return ended
    }

    /// The ticket is void; its place goes to the class's waitlist first, if anyone waits.
    static func revoke(ticketID: UInt64, now: Int64, in transaction: WriteTransaction) throws -> Ticket {
        let ticket = try TicketRepository.existing(id: ticketID, in: transaction)
        let ended = try TicketRepository.end(ticket, as: .revoked, reason: "revoked by organiser", now: now, in: transaction)
        try WaitlistOffers.serve(eventID: ticket.eventID, ticketClass: ticket.ticketClass, now: now, in: transaction)
        return ended
    }

    /// Signs the replacement for `ticketID` ahead of the write job, from what a reader sees.
    static func presignReissue(ticketID: UInt64, issuer: TicketIssuer, readers: DatabaseReaders) throws -> PresignedTickets {
        let facts: [TokenFacts] = try readers.read { database in
            guard let old = try TicketRepository.ticket(id: ticketID, in: database),
                let event = try EventRepository.event(id: old.eventID, in: database)
            else { return [] }
            return [TokenFacts(event: event, ticketClass: old.ticketClass, seatLabel: old.seatLabel ?? "", holder: old.holder)]
        }
        return try PresignedTickets(signing: facts, with: issuer)
    }

    /// A new ticket (new id, new token) for the same holder, class and seat; the old one is
    /// revoked in the same transaction, so the seat never looks free in between.
    static func reissue(
        ticketID: UInt64, presigned: PresignedTickets, issuer: TicketIssuer, now: Int64, in transaction: WriteTransaction
    ) throws -> (revoked: Ticket, new: Ticket) {
        let old = try TicketRepository.existing(id: ticketID, in: transaction)
        let revoked = try TicketRepository.end(old, as: .revoked, reason: "reissued", releasesPlace: false, now: now, in: transaction)
        let event = try EventRepository.existing(id: old.eventID, in: transaction)
        var presigned = presigned
        let signed = try presigned.take(
            TokenFacts(event: event, ticketClass: old.ticketClass, seatLabel: old.seatLabel ?? "", holder: old.holder), issuer: issuer)
        let new = try TicketRepository.insert(
            signed, seatID: old.seatID, accountID: old.accountID, bookingID: nil, reissuedFrom: old.id, now: now, in: transaction)
        return (revoked, new)
    }

    /// Runs `attempt` again, up to three times in all, when a ticket id drawn at random was
    /// already taken (one chance in 2^64 per ticket: this is for correctness, not load).
    static func retryingIDCollisions<Result>(_ attempt: () async throws -> Result) async throws -> Result {
        for _ in 1..<3 {
            do {
                return try await attempt()
            } catch TicketError.idCollision {
                continue
            }
        }
        return try await attempt()
    }
}
