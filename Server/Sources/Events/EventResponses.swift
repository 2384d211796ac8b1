import Hummingbird

/// An event as the API shows it.
struct EventResponse: ResponseEncodable, Sendable {
    let id: UInt32
    let name: String
    let venue: String
    let startsAt: Int64
    let endsAt: Int64
    let gatesOpenAt: Int64
    let saleOpensAt: Int64
    let saleClosesAt: Int64
    let perPersonLimit: Int
    let offerMinutes: Int
    let timeZone: String
    let currency: String
    let classes: [TicketClassResponse]
    let waitingRoom: Nullable<WaitingRoomResponse>
    /// While the sale is paused: since when, the notice, and when it resumes by itself.
    let paused: Nullable<PauseResponse>

    struct WaitingRoomResponse: Encodable, Sendable {
        let opensAt: Int64
        let activeBuyers: Int
        let turnSeconds: Int64
    }

    struct PauseResponse: Encodable, Sendable {
        let since: Int64
        let notice: SaleNotice
        let resumesAt: Nullable<Int64>
    }

    init(_ event: Event) {
        id = event.id
        name = event.name
        venue = event.venue
        startsAt = event.startsAt
        endsAt = event.endsAt
        gatesOpenAt = event.gatesOpenAt
        saleOpensAt = event.saleOpensAt
        saleClosesAt = event.saleClosesAt
        perPersonLimit = event.perPersonLimit
        offerMinutes = event.offerMinutes
        timeZone = event.timeZone
        currency = event.currency
        classes = event.classes.map(TicketClassResponse.init)
        waitingRoom = Nullable(event.waitingRoom.map {
            WaitingRoomResponse(opensAt: $0.opensAt, activeBuyers: $0.activeBuyers, turnSeconds: $0.turnSeconds)
        })
        paused = Nullable(event.pause.map { PauseResponse(since: $0.pausedAt, notice: $0.notice, resumesAt: Nullable($0.resumeAt)) })
    }
}

struct TicketClassResponse: Encodable, Sendable {
    let ticketClass: UInt16
    let name: String
    let priceCents: Int
    let generalAdmission: Bool
    let capacity: Nullable<Int>
    let sold: Int

    init(_ eventClass: TicketClass) {
        ticketClass = eventClass.ticketClass
        name = eventClass.name
        priceCents = eventClass.priceCents
        generalAdmission = eventClass.capacity != nil
        capacity = Nullable(eventClass.capacity)
        sold = eventClass.sold
    }
}

struct EventListResponse: ResponseEncodable, Sendable {
    let events: [EventResponse]
}

struct SeatMapImportResponse: ResponseEncodable, Sendable {
    let eventID: UInt32
    let seats: Int
}
