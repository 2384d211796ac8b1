import Foundation
import Hummingbird

extension Request {
    /// The body as `Body`, for endpoints that take JSON. Anything but `application/json` is
    /// `415` (a cross-site form can send `text/plain` without asking; it cannot send JSON), and
    /// a body that is not JSON, or not this JSON, is `400 invalid_json` naming the field.
    /// `decoder`: the API's, which converts every key to Swift's spelling; the gate endpoints
    /// pass `WireJSON.gateDecoder` for their types, which spell their keys themselves.
    func decodeJSON<Body: Decodable>(as type: Body.Type, context: AppRequestContext, decoder: JSONDecoder = APIJSON.decoder) async throws -> Body {
        guard mediaType == "application/json" else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type", "this endpoint takes a JSON body: send Content-Type: application/json")
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try decoder.decode(Body.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid_json", APIErrorMiddleware.describe(error))
        }
    }

    /// The body's media type, lowercased, without parameters such as `charset=utf-8`.
    var mediaType: String? {
        headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
