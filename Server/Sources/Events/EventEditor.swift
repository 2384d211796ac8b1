import NIOPosix
import Shared

/// Creating and changing events, classes and seat maps: what the API's endpoints and the
/// organisers' pages both do, written once.
struct EventEditor {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock

    func create(_ input: EventInput) async throws -> Event {
        let event = try input.validated()
        let now = clock.now()
        return try await writer.write { try EventRepository.create(event, now: now, in: $0) }
    }

    /// Replaces the event's details (its classes are added with `addClass`), and returns it with
    /// how many live tickets got a new token.
    func update(_ input: EventInput, id: UInt32) async throws -> (event: Event, resigned: Int) {
        let current = try readers.read { try EventRepository.existing(id: id, in: $0) }
        let event = try input.validated(current: current)
        let now = clock.now()
        let issuer = keys.issuer
        // Tickets carry the window gates-open to end: when it moves, every live ticket gets a new
        // token in the same transaction, or the gates would turn everyone away on the new date.
        // The signing happens before the write job, so the writer is not held up by it, and on
        // NIO's blocking pool, since 100,000 tickets take seconds to sign.
        let readers = self.readers
        let presigned: [UInt64: SignedTicket] = try await NIOThreadPool.singleton.runIfActive { try readers.read { database in
            let before = try EventRepository.existing(id: id, in: database)
            guard before.gatesOpenAt != event.gatesOpenAt || before.endsAt != event.endsAt else { return [:] }
            var signed: [UInt64: SignedTicket] = [:]
            for ticket in try TicketRepository.liveTokenFields(eventID: id, in: database) {
                let facts = TokenFacts(
                    eventID: id, gatesOpenAt: event.gatesOpenAt, endsAt: event.endsAt, ticketClass: ticket.ticketClass, seatLabel: ticket.seatLabel,
                    holder: ticket.holder)
                signed[ticket.id] = SignedTicket(id: ticket.id, facts: facts, token: try issuer.token(ticketID: ticket.id, facts: facts))
            }
            return signed
        } }
        return try await writer.write { transaction in
            let before = try EventRepository.existing(id: id, in: transaction)
            let updated = try EventRepository.update(event, id: id, now: now, in: transaction)
            guard before.gatesOpenAt != updated.gatesOpenAt || before.endsAt != updated.endsAt else { return (updated, 0) }
            return (updated, try TicketRepository.resign(event: updated, presigned: presigned, issuer: issuer, now: now, in: transaction))
        }
    }

    /// Opens the sale now (and until the event ends, if it had closed) or closes it now.
    func setSale(open: Bool, id: UInt32) async throws -> Event {
        let now = clock.now()
        let current = try readers.read { try EventRepository.existing(id: id, in: $0) }
        var input = EventInput(current)
        if open {
            input.saleOpensAt = min(current.saleOpensAt, now)
            if current.saleClosesAt <= now { input.saleClosesAt = current.endsAt }
        } else {
            input.saleClosesAt = now
            input.saleOpensAt = min(current.saleOpensAt, now - 1)
        }
        return try await update(input, id: id).event
    }

    func addClass(_ input: ClassInput, eventID: UInt32) async throws -> Event {
        let newClass = try input.validated()
        let now = clock.now()
        return try await writer.write { transaction in
            _ = try EventRepository.existing(id: eventID, in: transaction)
            try EventRepository.addClass(newClass, eventID: eventID, now: now, in: transaction)
            return try EventRepository.existing(id: eventID, in: transaction)
        }
    }

    /// A standing class's new capacity; what it adds is offered to the waitlist at once.
    func changeCapacity(_ capacity: Int, eventID: UInt32, ticketClass: UInt16) async throws -> Event {
        guard (0...1_000_000).contains(capacity) else {
            throw InputError.capacity
        }
        let now = clock.now()
        return try await writer.write { transaction in
            try EventRepository.changeCapacity(capacity, eventID: eventID, ticketClass: ticketClass, now: now, in: transaction)
            return try EventRepository.existing(id: eventID, in: transaction)
        }
    }

    /// Replaces the seat map with a CSV's (`row,seat,label,ticket_class`); any bad line fails the
    /// whole import, and the error lists every bad line by number.
    func replaceSeatMap(csv text: String, eventID: UInt32) async throws -> Int {
        let event = try readers.read { try EventRepository.existing(id: eventID, in: $0) }
        let seatedClasses = Set(event.classes.filter { $0.capacity == nil }.map(\.ticketClass))
        let seats: [EventRepository.Seat]
        switch SeatMapCSV.parse(text, seatedClasses: seatedClasses) {
        case .success(let parsed): seats = parsed
        case .failure(let problems):
            throw InputError.seatMap(lines: problems.lines)
        }
        let now = clock.now()
        return try await writer.write { try EventRepository.replaceSeatMap(seats, eventID: eventID, now: now, in: $0) }
    }
}

extension EventInput {
    /// The event as it stands, to change a field or two.
    init(_ event: Event) {
        self.init(
            name: event.name, venue: event.venue, startsAt: event.startsAt, endsAt: event.endsAt, gatesOpenAt: event.gatesOpenAt,
            saleOpensAt: event.saleOpensAt, saleClosesAt: event.saleClosesAt, perPersonLimit: event.perPersonLimit,
            timeZone: event.timeZone, currency: event.currency, classes: nil)
    }
}
