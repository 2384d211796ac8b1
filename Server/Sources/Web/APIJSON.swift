import Foundation
import GateProtocol
import Hummingbird

/// How the API writes and reads JSON: the spelling the gate protocol defines (`WireJSON`),
/// for every endpoint alike. Keys are snake_case on the wire and Swift's names in code, written
/// in sorted order, so the same answer is the same bytes every time (an idempotent replay stays
/// byte-identical).
enum APIJSON {
    static var encoder: JSONEncoder { WireJSON.encoder }
    static var decoder: JSONDecoder { WireJSON.decoder }

    /// `value` as API JSON text, for answers that are stored (an idempotent booking's).
    static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A Swift property name as the API spells it (`displayName` is `display_name`, `ticketID`
    /// is `ticket_id`), for error messages that name a field.
    static func fieldName(_ key: String) -> String {
        WireJSON.fieldName(key)
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
