import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Shared

/// What every page handler needs: the templates, who is asking and in which language, the
/// form token, and the headers every page carries.
struct PageKit: Sendable {
    /// Whether cookies set by pages are `Secure` (the public URL is https).
    let secureCookies: Bool

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, bytes) in PageResources.templates {
            // The templates are part of the build; one that does not parse is a bug the tests catch.
            try! library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        return library
    }()

    /// Who is asking, in which language, and the token their forms carry.
    func site(_ request: Request, context: AppRequestContext) -> PageSite {
        let (token, cookie) = FormProtection.token(for: request, context: context, secureCookies: secureCookies)
        return PageSite(
            language: Language.of(request), account: context.account, formToken: token, path: request.uri.description,
            cookies: cookie.map { [$0] } ?? [])
    }

    /// Renders `template` inside the layout. `values` are the page's own; `t` (the messages),
    /// `site` and `title` are added for every page.
    func render(
        _ template: String, title: String, values: [String: Any] = [:], site: PageSite, status: HTTPResponse.Status = .ok
    ) -> Response {
        var root = values
        root["t"] = site.messages.texts
        root["site"] = site.values
        root["title"] = title
        let html = Self.library.render(root, withTemplate: template) ?? ""
        return htmlResponse(html, status: status, site: site)
    }

    func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok, site: PageSite) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // Pages of a signed-in person are theirs alone: never kept by a cache or shown from one.
        headers[.cacheControl] = site.account == nil ? "private, no-cache" : "no-store"
        headers[.vary] = "Cookie, Accept-Language"
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        for cookie in site.cookies { response.setCookie(cookie) }
        return response
    }

    func errorPage(status: HTTPResponse.Status, message: String, site: PageSite) -> Response {
        render("error", title: site.messages["error_title"], values: ["message": message, "status": status.code], site: site, status: status)
    }

    /// A redirect after a form did its work (303: the browser GETs the new page).
    static func redirect(to location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// Headers on every page: scripts and styles from this server only (no inline script, so an
    /// injected `<script>` would not run even if escaping failed), never framed, no referrer to
    /// other sites, and no content-type guessing.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "same-origin",
        .xFrameOptions: "DENY",
    ]

    /// `text` safe inside a query parameter.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// A path on this site to go back to after a form (`next=`): anything else is the home page,
    /// so a link cannot send people to another site.
    static func localPath(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.hasPrefix("/\\"), !raw.contains(where: { $0.isNewline }) else { return "/" }
        return raw
    }
}

/// The person a page is rendered for.
struct PageSite: Sendable {
    let language: Language
    let account: Account?
    let formToken: String
    /// The page's own path and query, for "switch language and come back".
    let path: String
    /// Cookies the response sets (the form cookie, on a first visit).
    var cookies: [Cookie]

    var messages: Messages { language.messages }

    var isOrganiser: Bool { account?.role.includes(.organiser) == true }
    var isStaff: Bool { account?.role.includes(.staff) == true }

    /// What the layout reads as `site.…`.
    var values: [String: Any] {
        var values: [String: Any] = [
            "lang": language.rawValue, "csrf": formToken, "css": StaticFiles.url("app.css"), "printCSS": StaticFiles.url("print.css"),
            "js": StaticFiles.url("app.js"), "staff": isStaff, "organiser": isOrganiser,
            "languages": Language.allCases.filter { $0 != language }.map { other in
                ["name": other.ownName, "code": other.rawValue, "href": "/language/\(other.rawValue)?next=\(PageKit.percentEncoded(path))"]
            },
        ]
        if let account { values["user"] = ["name": account.displayName, "email": account.email] }
        return values
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
