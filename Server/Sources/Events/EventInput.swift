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
            throw InputError.times(.eventOrder)
        }
        guard saleOpensAt < saleClosesAt, saleClosesAt <= endsAt else {
            throw InputError.times(.saleOrder)
        }
        guard [startsAt, endsAt, gatesOpenAt].allSatisfy({ (0...Int64(UInt32.max - 1)).contains($0) }) else {
            throw InputError.times(.outOfRange)
        }
        guard (1...100).contains(perPersonLimit) else {
            throw InputError.perPersonLimit
        }
        let offerMinutes = offerMinutes ?? current?.offerMinutes ?? 30
        guard (1...10_080).contains(offerMinutes) else {
            throw InputError.offerMinutes
        }
        let validatedClasses = try (classes ?? []).map { try $0.validated() }
        guard Set(validatedClasses.map(\.ticketClass)).count == validatedClasses.count else {
            throw InputError.duplicateClass
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
            throw InputError.timeZone
        }
        return name
    }

    /// Three capital letters: an ISO 4217 currency code.
    static func currency(_ raw: String) throws -> String {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw InputError.currency
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
            throw InputError.classNumber
        }
        let price = priceCents ?? 0
        guard (0...100_000_000).contains(price) else {
            throw InputError.price
        }
        if let capacity, !(0...1_000_000).contains(capacity) {
            throw InputError.capacity
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
