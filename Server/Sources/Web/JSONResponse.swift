import Hummingbird
import Shared

/// JSON responses built from `JSONValue`, so fields appear in the order the API documents.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.description)))
    }

    /// A body that is already JSON text (a cached answer).
    static func raw(_ json: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
