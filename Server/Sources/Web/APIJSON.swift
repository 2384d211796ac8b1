import Foundation
import Hummingbird

/// How the API writes and reads JSON: keys in snake_case, and written in sorted order, so the
/// same answer is the same bytes every time (an idempotent replay stays byte-identical).
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        // Like .convertFromSnakeCase, but to Swift's spelling: ticket_id is ticketID, not
        // ticketId, so request structs name their fields as the rest of the code does.
        decoder.keyDecodingStrategy = .custom { path in
            let key = path[path.count - 1]
            guard key.intValue == nil else { return key }
            return SwiftKey(stringValue: swiftName(key.stringValue))
        }
        return decoder
    }()

    /// Words Swift writes in capitals inside a name.
    private static let acronyms: Set<Substring> = ["id", "url"]

    /// An API field name as a Swift property name: `redeem_id` is `redeemID`.
    static func swiftName(_ key: String) -> String {
        let words = key.split(separator: "_")
        guard let first = words.first, words.count > 1 else { return key }
        return String(first) + words.dropFirst().map { word in
            acronyms.contains(word) ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined()
    }

    private struct SwiftKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `value` as API JSON text, for answers that are stored (an idempotent booking's).
    static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A Swift property name as the API spells it (`displayName` is `display_name`, `ticketID`
    /// is `ticket_id`), for error messages that name a field.
    static func fieldName(_ key: String) -> String {
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
}

/// A value that is written as `null` when absent, where the API promises the key is always
/// there (`"capacity": null` for a seated class); Swift's own encoding would leave the key out.
struct Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    let value: Wrapped?
    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// An answer whose JSON was written earlier (a cached availability, a stored booking).
struct StoredJSON: ResponseGenerator {
    let text: String
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
