import Hummingbird
import Shared

/// The token every state-changing form carries, checked before the form does anything. It is
/// derived from a secret the browser holds in an HttpOnly cookie, which another site can make
/// the browser send but can neither read nor forge: the session token when signed in, else a
/// random `fg_form` cookie (sign-up and log-in forms). So a cross-site POST that arrives with
/// the victim's cookies still lacks the token, and changes nothing.
enum FormProtection {
    static let cookieName = "fg_form"

    /// The token for this request's forms, and a cookie to set when the browser has none yet.
    static func token(for request: Request, context: AppRequestContext, secureCookies: Bool) -> (token: String, cookie: Cookie?) {
        if let secret = secret(of: request, context: context) { return (derive(secret), nil) }
        let value = Base64URL.encode(SecureRandom.bytes(count: 24))
        let cookie = Cookie(name: cookieName, value: value, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
        return (derive(formSecret(value)), cookie)
    }

    /// Refuses a form whose token does not belong to this browser.
    static func check(_ fields: FormFields, request: Request, context: AppRequestContext) throws {
        guard let secret = secret(of: request, context: context), let sent = fields["csrf"],
            constantTimeEquals(Array(sent.utf8), Array(derive(secret).utf8))
        else { throw PageError(.forbidden, "error_form_expired") }
    }

    private static func secret(of request: Request, context: AppRequestContext) -> String? {
        if context.signedInByCookie, let session = request.cookies[SessionStore.cookieName]?.value { return "session:" + session }
        return request.cookies[cookieName].map { formSecret($0.value) }
    }

    private static func formSecret(_ cookieValue: String) -> String { "form:" + cookieValue }

    private static func derive(_ secret: String) -> String {
        Base64URL.encode(SHA256.hash(Array("festivalgate-form-token\u{0}\(secret)".utf8)))
    }
}
