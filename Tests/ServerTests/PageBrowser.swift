import Foundation
import Testing

/// A browser's part in the page tests: it keeps cookies, sends forms as a browser does
/// (urlencoded, with the form token the last page carried), and does not follow redirects, so a
/// test sees each answer.
final class PageBrowser: @unchecked Sendable {
    // Used from one test task at a time only.
    let client: APIClient
    var cookies: [String: String] = [:]
    var language: String
    /// The form token of the last page that had one.
    var formToken: String?

    init(_ client: APIClient, language: String = "en") {
        self.client = client
        self.language = language
    }

    @discardableResult
    func get(_ path: String, headers: [(String, String)] = []) async throws -> APIClient.Reply {
        let reply = try await client.send(.GET, path, headers: baseHeaders + headers)
        remember(reply)
        return reply
    }

    /// Posts a form; `csrf` is the last page's token unless the test gives one (or nil for none).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String?? = .none, headers: [(String, String)] = []) async throws -> APIClient.Reply {
        var all = fields
        if let token = csrf ?? formToken { all.append(("csrf", token)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let reply = try await client.send(
            .POST, path, body: body, headers: baseHeaders + [("Content-Type", "application/x-www-form-urlencoded")] + headers)
        remember(reply)
        return reply
    }

    /// Signs up through the form and returns the account's session cookie.
    func signUp(name: String, email: String, password: String = "correct horse battery") async throws {
        try await get("/signup")
        let reply = try await post("/signup", [("display_name", name), ("email", email), ("password", password), ("next", "/")])
        try #require(reply.status == 303, "sign-up refused: \(reply.status) \(reply.text.prefix(2000))")
    }

    var baseHeaders: [(String, String)] {
        var headers = [("Accept-Language", language)]
        if !cookies.isEmpty { headers.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
        return headers
    }

    private func remember(_ reply: APIClient.Reply) {
        for (name, value) in reply.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if value.lowercased().contains("max-age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        if let token = Self.firstMatch(#"name="csrf" value="([^"]+)""#, in: reply.text) { formToken = token }
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
