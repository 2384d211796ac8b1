import Foundation

/// An event as an organiser describes it, from the API's JSON or the organisers' form, and the
/// rules it must meet before anything is written.
struct EventInput: Decodable, Sendable {
    var name: String
    var venue: String
    var startsAt: Int64
    var endsAt: Int64
    var gatesOpenAt: Int64
    var saleOpensAt: Int64
    var saleClosesAt: Int64
    var perPersonLimit: Int
    /// An IANA zone name; absent: UTC for a new event, unchanged for an edited one.
    var timeZone: String?
    /// An ISO 4217 code; absent: EUR for a new event, unchanged for an edited one.
    var currency: String?
    var classes: [ClassInput]?
    /// Absent: left as it is (none for a new event); `null`: no waiting room; or its settings.
    var waitingRoom: SettingChange<WaitingRoomInput>? = nil
    /// Minutes a waitlist offer is held; absent: 30 for a new event, unchanged for an edited one.
    var offerMinutes: Int? = nil

    /// The event as it will be stored, or the first rule it breaks. `current` is the event
    /// being edited, whose zone and currency stay unless new ones are given.
    func validated(current: Event? = nil) throws -> EventRepository.NewEvent {
        let name = try InputRules.text(name, field: "name", maxBytes: 100)
        let venue = try InputRules.text(venue, field: "venue", maxBytes: 100)
        guard gatesOpenAt <= startsAt, startsAt < endsAt else {
            throw APIError(.unprocessableContent, "invalid_times", "gates must open no later than the start, and the start must come before the end")
        }
        guard saleOpensAt < saleClosesAt, saleClosesAt <= endsAt else {
            throw APIError(.unprocessableContent, "invalid_times", "the sale must open before it closes, and close by the end of the event")
        }
        guard [startsAt, endsAt, gatesOpenAt].allSatisfy({ (0...Int64(UInt32.max - 1)).contains($0) }) else {
            throw APIError(.unprocessableContent, "invalid_times", "times are unix seconds that fit in 32 bits")
        }
        guard (1...100).contains(perPersonLimit) else {
            throw APIError(.unprocessableContent, "invalid_limit", "per_person_limit must be 1 to 100")
        }
        let offerMinutes = offerMinutes ?? current?.offerMinutes ?? 30
        guard (1...10_080).contains(offerMinutes) else {
            throw APIError(.unprocessableContent, "invalid_offer_minutes", "offer_minutes must be 1 to 10080 (a week)")
        }
        let validatedClasses = try (classes ?? []).map { try $0.validated() }
        guard Set(validatedClasses.map(\.ticketClass)).count == validatedClasses.count else {
            throw APIError(.unprocessableContent, "duplicate_class", "two classes share one ticket_class number")
        }
        return .init(
            name: name, venue: venue, startsAt: startsAt, endsAt: endsAt, gatesOpenAt: gatesOpenAt, saleOpensAt: saleOpensAt,
            saleClosesAt: saleClosesAt, perPersonLimit: perPersonLimit,
            timeZone: try Self.timeZone(timeZone ?? current?.timeZone ?? "UTC"),
            currency: try Self.currency(currency ?? current?.currency ?? "EUR"), classes: validatedClasses,
            waitingRoom: try (waitingRoom ?? .unchanged).map { try $0.validated(saleOpensAt: saleOpensAt) }, offerMinutes: offerMinutes)
    }

    /// An IANA zone name this machine knows (`Asia/Seoul`, `Europe/Berlin`, `UTC`).
    static func timeZone(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard name.utf8.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }),
            TimeZone(identifier: name) != nil
        else {
            throw APIError(.unprocessableContent, "invalid_time_zone", "time_zone must be an IANA time zone name such as Asia/Seoul")
        }
        return name
    }

    /// Three capital letters: an ISO 4217 currency code.
    static func currency(_ raw: String) throws -> String {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw APIError(.unprocessableContent, "invalid_currency", "currency must be a three-letter ISO 4217 code such as KRW or EUR")
        }
        return code
    }
}

/// A ticket class as an organiser describes it.
struct ClassInput: Decodable, Sendable {
    var ticketClass: Int
    var name: String
    var priceCents: Int?
    /// Set for general admission; absent or null for a seated class.
    var capacity: Int?

    func validated() throws -> EventRepository.NewClass {
        guard let number = UInt16(exactly: ticketClass) else {
            throw APIError(.unprocessableContent, "invalid_class", "ticket_class must be 0 to 65535")
        }
        let price = priceCents ?? 0
        guard (0...100_000_000).contains(price) else {
            throw APIError(.unprocessableContent, "invalid_price", "price_cents must be 0 to 100000000")
        }
        if let capacity, !(0...1_000_000).contains(capacity) {
            throw APIError(.unprocessableContent, "invalid_capacity", "capacity must be 0 to 1000000")
        }
        return .init(ticketClass: number, name: try InputRules.text(name, field: "class_name", maxBytes: 40), priceCents: price, capacity: capacity)
    }
}

extension KeyedDecodingContainer {
    /// `waiting_room` tells three things apart that JSON's optional field folds into two: left
    /// out (nil: unchanged), `null` (`.off`) and settings (`.on`). The decoder synthesized for
    /// `EventInput` calls this overload for that field.
    func decodeIfPresent(_ type: SettingChange<WaitingRoomInput>.Type, forKey key: Key) throws -> SettingChange<WaitingRoomInput>? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .off }
        return .on(try decode(WaitingRoomInput.self, forKey: key))
    }
}
