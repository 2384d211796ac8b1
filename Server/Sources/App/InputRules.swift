import Foundation
import Shared

/// Rules for what people type, shared by every endpoint and page that takes such a field. A
/// broken rule is an `InputError`: the API says it with a stable code (`APIError+Domain`), and
/// the pages choose their own words by its case.
enum InputRules {
    /// An address as stored (EmailAddress): trimmed, in NFC, with no invisible character.
    static func email(_ raw: String) throws -> String {
        let email = EmailAddress.stored(raw.trimmingCharacters(in: .whitespaces))
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: { $0.isWhitespace }), PrintableText.isPrintable(email), !EmailAddress.hasInvisibleCharacters(email)
        else { throw InputError.email }
        return email
    }

    /// A name printed on tickets: 1 to 48 bytes of UTF-8 (what an FT1 holder field holds).
    static func displayName(_ raw: String) throws -> String {
        try text(raw, field: "display_name", maxBytes: TokenLayout.maxHolderBytes)
    }

    static let minPasswordCharacters = 10
    static let maxPasswordBytes = 128

    /// At least 10 characters, at most 128 bytes, not the email, not one of the most common.
    static func password(_ password: String, email: String) throws {
        guard password.count >= minPasswordCharacters, password.utf8.count <= maxPasswordBytes else {
            throw InputError.weakPassword(.length)
        }
        let lowered = password.lowercased()
        let localPart = email.split(separator: "@").first.map { $0.lowercased() } ?? ""
        guard lowered != email.lowercased(), lowered != localPart else {
            throw InputError.weakPassword(.isEmail)
        }
        guard !CommonPasswords.contains(password) else {
            throw InputError.weakPassword(.common)
        }
    }

    /// A short piece of text: a name, a venue, a label. Printable (no control characters, NUL
    /// or bidirectional overrides), trimmed, 1 to `maxBytes` bytes of UTF-8.
    static func text(_ raw: String, field: String, maxBytes: Int) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.utf8.count <= maxBytes, PrintableText.isPrintable(text) else {
            throw InputError.text(field: field, maxBytes: maxBytes)
        }
        return text
    }
}

/// A rule of what people type, broken: which one, and what the page or the client needs to say so.
enum InputError: Error, Equatable, Sendable {
    /// A name, venue, label or notice (`field` as the API names it) that is empty, too long
    /// or not printable.
    case text(field: String, maxBytes: Int)
    case email
    case weakPassword(WeakPassword)
    case times(Times)
    case perPersonLimit
    case offerMinutes
    case classNumber
    case duplicateClass
    case price
    case capacity
    case timeZone
    case currency
    case waitingRoom(WaitingRoom)
    /// Every bad line of a seat-map CSV: nothing was imported.
    case seatMap(lines: [SeatMapCSV.LineError])

    enum WeakPassword: Equatable, Sendable {
        /// Under 10 characters, or over 128 bytes.
        case length
        case isEmail
        /// One of the most common passwords.
        case common
    }

    enum Times: Equatable, Sendable {
        /// Gates open after the start, or the start is not before the end.
        case eventOrder
        /// The sale opens after it closes, or closes after the event ends.
        case saleOrder
        /// A time that does not fit FT1's 32-bit seconds.
        case outOfRange
    }

    enum WaitingRoom: Equatable, Sendable {
        case opensAt, activeBuyers, turnSeconds
    }
}

extension InputError: CustomStringConvertible {
    var description: String {
        switch self {
        case .text(let field, let maxBytes): "\(field) must be 1 to \(maxBytes) bytes of printable text"
        case .email: "that is not an email address"
        case .weakPassword(.length):
            "the password must be at least \(InputRules.minPasswordCharacters) characters and at most \(InputRules.maxPasswordBytes) bytes"
        case .weakPassword(.isEmail): "the password must not be your email address"
        case .weakPassword(.common): "this password is one of the most common ones; choose another"
        case .times(.eventOrder): "gates must open no later than the start, and the start must come before the end"
        case .times(.saleOrder): "the sale must open before it closes, and close by the end of the event"
        case .times(.outOfRange): "times are unix seconds that fit in 32 bits"
        case .perPersonLimit: "per_person_limit must be 1 to 100"
        case .offerMinutes: "offer_minutes must be 1 to 10080 (a week)"
        case .classNumber: "ticket_class must be 0 to 65535"
        case .duplicateClass: "two classes share one ticket_class number"
        case .price: "price_cents must be 0 to 100000000"
        case .capacity: "capacity must be 0 to 1000000"
        case .timeZone: "time_zone must be an IANA time zone name such as Asia/Seoul"
        case .currency: "currency must be a three-letter ISO 4217 code such as KRW or EUR"
        case .waitingRoom(.opensAt): "waiting_room.opens_at must be unix seconds before the sale opens (sale_opens_at)"
        case .waitingRoom(.activeBuyers): "waiting_room.active_buyers must be 1 to 100000"
        case .waitingRoom(.turnSeconds): "waiting_room.turn_seconds must be 60 to 86400"
        case .seatMap(let lines): "nothing was imported: " + lines.map { "line \($0.line): \($0.problem)" }.joined(separator: "; ")
        }
    }

    /// The stable code a client gets (`invalid_name`, `weak_password`, …).
    var code: String {
        switch self {
        case .text(let field, _): "invalid_\(field)"
        case .email: "invalid_email"
        case .weakPassword: "weak_password"
        case .times: "invalid_times"
        case .perPersonLimit: "invalid_limit"
        case .offerMinutes: "invalid_offer_minutes"
        case .classNumber: "invalid_class"
        case .duplicateClass: "duplicate_class"
        case .price: "invalid_price"
        case .capacity: "invalid_capacity"
        case .timeZone: "invalid_time_zone"
        case .currency: "invalid_currency"
        case .waitingRoom: "invalid_waiting_room"
        case .seatMap: "invalid_seat_map"
        }
    }
}
