import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Shared

/// What every page handler needs: the templates, who is asking and in which language, the
/// form token, and the headers every page carries.
struct PageKit: Sendable {
    /// The forms' tokens and cookie; whether cookies set by pages are `Secure` (the public URL is https).
    let forms: FormProtection
    var secureCookies: Bool { forms.secureCookies }

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
        let (token, cookie) = forms.token(for: request, context: context)
        return PageSite(
            language: Language.of(request), account: context.account, formToken: token, path: request.uri.description,
            cookies: cookie.map { [$0] } ?? [], acceptsGzip: Gzip.isAccepted(request.headers[.acceptEncoding]))
    }

    /// A submitted form, once its token has been checked, and who sent it.
    func submittedForm(_ request: Request, context: AppRequestContext) async throws -> (FormFields, PageSite) {
        let fields = try await FormFields(request: request, context: context)
        try forms.check(fields, request: request, context: context)
        return (fields, site(request, context: context))
    }

    /// Renders `template` inside the layout. `values` are the page's own; `t` (the messages),
    /// `site` and `title` are added for every page.
    /// `shared`, when given, is a large part of the page the same for many requests (the seat
    /// map): the template has its marker where it goes, and it is sent already deflated.
    func render(
        _ template: String, title: String, values: [String: Any] = [:], site: PageSite, status: HTTPResponse.Status = .ok,
        shared: SharedPart? = nil
    ) -> Response {
        var root = values
        root["t"] = site.messages.forTemplates
        root["site"] = site.values
        root["title"] = title
        let html = Self.library.render(root, withTemplate: template) ?? ""
        return htmlResponse(html, status: status, site: site, shared: shared)
    }

    /// A part of a page rendered and deflated once, spliced into each response that shows it.
    struct SharedPart {
        static let marker = "\u{1}shared-part\u{1}"
        let html: String
        let deflated: Gzip.Piece
    }

    func htmlResponse(_ html: String, status: HTTPResponse.Status = .ok, site: PageSite, shared: SharedPart? = nil) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // Pages of a signed-in person are theirs alone: never kept by a cache or shown from one.
        headers[.cacheControl] = site.account == nil ? "private, no-cache" : "no-store"
        headers[.vary] = "Cookie, Accept-Language, Accept-Encoding"
        let body: ByteBuffer
        let parts: (head: Substring, tail: Substring)? = shared.flatMap { _ in
            html.firstRange(of: SharedPart.marker).map { (html[..<$0.lowerBound], html[$0.upperBound...]) }
        }
        if site.acceptsGzip, let gzipped = Self.gzipped(html, parts: parts, shared: shared) {
            headers[.contentEncoding] = "gzip"
            body = ByteBuffer(bytes: gzipped)
        } else if let parts, let shared {
            body = ByteBuffer(string: parts.head + shared.html + parts.tail)
        } else {
            body = ByteBuffer(string: html)
        }
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: body))
        for cookie in site.cookies { response.setCookie(cookie) }
        return response
    }

    /// The page gzipped: the shared part as it was deflated once, the rest now (fast: it is small).
    private static func gzipped(_ html: String, parts: (head: Substring, tail: Substring)?, shared: SharedPart?) -> [UInt8]? {
        if let parts, let shared {
            return Gzip.body([
                Gzip.piece(Array(parts.head.utf8), level: 1, final: false), shared.deflated, Gzip.piece(Array(parts.tail.utf8), level: 1, final: true),
            ])
        }
        return html.utf8.count < 1_024 ? nil : Gzip.body([Gzip.piece(Array(html.utf8), level: 4, final: true)])
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
    /// so a link cannot send people to another site. Judged as a browser reads a Location: it
    /// drops tabs and newlines anywhere and takes a backslash for `/`, so `/\t/evil.example` is
    /// `//evil.example`, another site. So no control character or space is let through at all,
    /// and the second character is no slash of either kind.
    static func localPath(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"),
            !raw.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.properties.generalCategory == .control }),
            !["/", "\\"].contains(raw.dropFirst().first)
        else { return "/" }
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
    /// Whether the browser takes gzip.
    var acceptsGzip = false

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
