import Shared

/// The waitlist for the API and the pages alike: joining, one's places and offers, leaving,
/// accepting and declining. Each change is one write job.
struct WaitlistDesk {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock

    init(_ environment: ServerEnvironment) {
        writer = environment.writer
        readers = environment.readers
        keys = environment.keys
        clock = environment.clock
    }

    /// A place in a line, with where it stands.
    struct Place: Sendable {
        let entry: Waitlists.Entry
        let position: Int?
    }

    /// Joins a sold-out class's line (once per account and class): the place, and whether it is new.
    func join(_ request: Waitlists.Request, eventID: UInt32, account: Account) async throws -> (Place, created: Bool) {
        let now = clock.now()
        return try await writer.write { transaction in
            let (entry, created) = try Waitlists.join(request, eventID: eventID, account: account, now: now, in: transaction)
            return (Place(entry: entry, position: try Waitlists.position(of: entry, in: transaction)), created)
        }
    }

    /// The person's places still in a line and their open offers, after passing on any offer
    /// whose time is up.
    func mine(account: Account) async throws -> (places: [Place], offers: [WaitlistOffers.Offer]) {
        let now = clock.now()
        if try readers.read({ try WaitlistOffers.anyDue(now: now, in: $0) }) {
            _ = try await writer.write { try WaitlistOffers.expireDue(now: now, in: $0) }
        }
        return try readers.read { database in
            let places = try Waitlists.liveEntries(accountID: account.id, in: database).map { entry in
                Place(entry: entry, position: try Waitlists.position(of: entry, in: database))
            }
            return (places, try WaitlistOffers.openOffers(accountID: account.id, in: database))
        }
    }

    func leave(entryID: Int64, account: Account) async throws {
        let now = clock.now()
        try await writer.write { try Waitlists.leave(entryID: entryID, account: account, now: now, in: $0) }
    }

    /// Books the offer's tickets: exactly its seats, or its count of standing tickets.
    func accept(offerID: Int64, account: Account) async throws -> BookingResult {
        let offer = try self.offer(offerID, of: account)
        let order: BookingOrder =
            offer.seats.map { .seats($0.map(\.id), ticketClass: offer.ticketClass) } ?? .generalAdmission(ticketClass: offer.ticketClass, count: offer.count)
        let issuer = keys.issuer
        return try await TicketLifecycle.retryingIDCollisions {
            let presigned = try BookingEngine.presign(order, eventID: offer.eventID, holder: account.displayName, issuer: issuer, readers: readers)
            let now = clock.now()
            return try await writer.write { transaction in
                try WaitlistOffers.accept(offerID: offer.id, account: account, now: now, in: transaction)
                return try BookingEngine.book(
                    order, eventID: offer.eventID, account: account, idempotencyKey: nil, presigned: presigned, issuer: issuer, now: now,
                    in: transaction, fromOffer: true)
            }
        }
    }

    /// Passes the offer on to the next in line; the person leaves the line.
    func decline(offerID: Int64, account: Account) async throws -> WaitlistOffers.Offer {
        let offer = try self.offer(offerID, of: account)
        let now = clock.now()
        return try await writer.write { try WaitlistOffers.decline(offerID: offer.id, account: account, now: now, in: $0) }
    }

    /// The offer, if it is this person's.
    private func offer(_ id: Int64, of account: Account) throws -> WaitlistOffers.Offer {
        guard let offer = try readers.read({ try WaitlistOffers.offer(id: id, in: $0) }), offer.accountID == account.id else {
            throw WaitlistError.offerNotFound
        }
        return offer
    }
}
