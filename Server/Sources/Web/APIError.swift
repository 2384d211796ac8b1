import Foundation
import Hummingbird
import Shared

/// An API failure as the client sees it: a status and `{"error": {"code": …, "message": …}}`.
/// `code` is stable for programs; `message` is for people.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra headers: `Retry-After` on a 429, `Allow` on a 405.
    public let headers: HTTPFields
    /// Fields a program acts on beside the code, in the error object: a paused sale's `notice`,
    /// the `position` of someone whose turn has not come.
    public let details: JSONValue?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:], details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.details = details
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if case .object(let extra) = details { fields += extra }
        let body = JSONValue.object([("error", .object(fields))])
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.description)))
    }

    /// The message, for a command-line tool that reuses the API's rules (`ticket-server accounts`).
    public var description: String { message }

    static func tooManyRequests(retryAfter seconds: Int64, _ message: String) -> APIError {
        APIError(.tooManyRequests, "too_many_requests", message, headers: [.retryAfter: String(seconds)])
    }

    static func invalid(_ message: String) -> APIError { APIError(.badRequest, "invalid_request", message) }
}

/// Turns every error a handler or Hummingbird throws into the API's error shape, so a client
/// never sees an HTML page, an empty body or a stack trace; only a real bug is a 500.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let methods: MethodTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw normalized(error, request: request, context: context)
        }
    }

    /// The API's answer for any error: the pages' error middleware asks the same question.
    func normalized(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as any APIErrorConvertible: return error.apiError
        case let error as DecodingError: return APIError(.badRequest, "invalid_json", Self.describe(error))
        case let error as HTTPError where error.status == .notFound:
            // The router found no route: a known path with another method is 405.
            let allowed = methods.methods(at: request.uri.path)
            guard allowed.isEmpty else {
                return APIError(
                    .methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here; use \(allowed.joined(separator: " or "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return APIError(.notFound, "not_found", "no such endpoint")
        case let error as any HTTPResponseError:
            return APIError(error.status, Self.code(for: error.status), Self.message(for: error))
        default:
            context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return APIError(.internalServerError, "internal", "something went wrong on the server; nothing was changed")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "invalid_request"
        case 401: "not_signed_in"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 413: "body_too_large"
        case 415: "unsupported_media_type"
        default: status.code >= 500 ? "internal" : "invalid_request"
        }
    }

    static func message(for error: any HTTPResponseError) -> String {
        if let error = error as? HTTPError, let body = error.body { return body }
        switch error.status.code {
        case 404: return "no such endpoint"
        case 413: return "the request body is larger than the server accepts"
        default: return error.status.reasonPhrase
        }
    }

    /// Says which field was wrong, in words a client developer can act on.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            FileProblem.path(codingPath, name: APIJSON.fieldName)  // seats[2], scans[0].ticket_id
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            let field = APIJSON.fieldName(key.stringValue)
            return "missing field \"\(parent.isEmpty ? field : parent + "." + field)\""
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\" should be \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\" should be \(Self.name(of: type)), not null"
        case .dataCorrupted(let context):
            // Foundation's own words ("The given data was not valid JSON.", with offsets and
            // underlying errors) are not for clients.
            let field = path(context.codingPath)
            return field.isEmpty ? "the body is not valid JSON" : "field \"\(field)\" has a value this endpoint cannot read"
        @unknown default:
            return "the body does not match what this endpoint takes"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type, is UInt16.Type, is Int32.Type: "a whole number"
        case is Array<Any>.Type: "an array"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}
