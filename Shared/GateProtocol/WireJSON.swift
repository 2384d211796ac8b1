import Foundation

/// How the API spells its JSON, for the server's whole API and the gate's client alike: keys
/// in snake_case on the wire and in Swift's spelling in code (`ticket_id` is `ticketID`), and
/// keys written in sorted order, so the same answer is the same bytes every time (an
/// idempotent replay stays byte-identical). The wire types need no coding keys of their own.
public enum WireJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        // Like .convertFromSnakeCase, but to Swift's spelling: ticket_id is ticketID, not
        // ticketId, so wire types name their fields as the rest of the code does.
        decoder.keyDecodingStrategy = .custom { path in
            let key = path[path.count - 1]
            guard key.intValue == nil else { return key }
            return SwiftKey(stringValue: swiftName(key.stringValue))
        }
        return decoder
    }()

    /// For the gate protocol's types, which spell their keys themselves: no key is converted,
    /// and keys come in the order the type declares them (no sorting: nothing gate-bound is
    /// replayed byte for byte).
    public static let gateDecoder = JSONDecoder()
    public static let gateEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// Words Swift writes in capitals inside a name.
    private static let acronyms: Set<Substring> = ["id", "url"]

    /// An API field name as a Swift property name: `redeem_id` is `redeemID`.
    public static func swiftName(_ key: String) -> String {
        let words = key.split(separator: "_")
        guard let first = words.first, words.count > 1 else { return key }
        return String(first) + words.dropFirst().map { word in
            acronyms.contains(word) ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
    }

    /// A Swift property name as the API spells it (`displayName` is `display_name`, `ticketID`
    /// is `ticket_id`), for error messages that name a field.
    public static func fieldName(_ key: String) -> String {
        var name = ""
        var previous: Character?
        for character in key {
            // A capital starts a word only after a small letter or a digit: ID and URL are one word.
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { name.append("_") }
            name.append(contentsOf: character.lowercased())
            previous = character
        }
        return name
    }

    private struct SwiftKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A field the wire always carries, as `null` when there is no value (`"classes": null`: every
/// class), where Swift's own coding would leave the key out. Reading, a missing key is nil too.
@propertyWrapper
public struct AlwaysPresent<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key reads as nil rather than failing: what `AlwaysPresent` promises to write,
    /// it does not insist on reading.
    public func decode<Value>(_ type: AlwaysPresent<Value>.Type, forKey key: Key) throws -> AlwaysPresent<Value> {
        try decodeIfPresent(type, forKey: key) ?? AlwaysPresent(wrappedValue: nil)
    }
}
