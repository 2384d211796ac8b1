import Foundation
import Hummingbird

/// The fields of a submitted HTML form (`application/x-www-form-urlencoded`), in order, with
/// repeated names kept (a checkbox per seat all named `seat`).
struct FormFields: Sendable {
    let pairs: [(name: String, value: String)]

    /// Forms are small: a seat map's worth of checkboxes is well under this.
    static let maxBytes = 64 * 1024

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    init(request: Request, context: AppRequestContext) async throws {
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            throw PageError(.unsupportedMediaType, "error_bad_form")
        }
        let buffer = try await request.body.collect(upTo: Self.maxBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else { throw PageError(.badRequest, "error_bad_form") }
        self.init(urlEncoded: text)
    }

    init(urlEncoded text: String) {
        pairs = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decoded(parts[0]), let value = decoded(parts.count > 1 ? parts[1] : "") else { return nil }
            return (name, value)
        }
    }

    subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The field as a whole number, or nil when it is missing or empty; a page error naming the
    /// field when it is something else.
    func integer(_ name: String) throws -> Int64? {
        guard let text = self[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let number = Int64(text) else { throw PageError(.unprocessableContent, "error_bad_form") }
        return number
    }
}
