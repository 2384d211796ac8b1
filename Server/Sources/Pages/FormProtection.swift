import Hummingbird
import Shared

/// The token every state-changing form carries, checked before the form does anything. It is an
/// HMAC, under a key only the server holds (`ServerSecret`), of a secret the browser holds in an
/// HttpOnly cookie: the session token when signed in, else a random form cookie (sign-up and
/// log-in forms). Another site can make the browser send the cookie but can neither read it nor,
/// without the server's key, compute a token for a cookie it planted; so a cross-site POST that
/// arrives with the victim's cookies still lacks the token, and changes nothing. Over https the
/// form cookie is `__Host-` prefixed, so a neighbouring site cannot plant one at all.
/// (`CrossSiteGuardMiddleware` checks where every cookie-carrying form comes from besides.)
struct FormProtection: Sendable {
    let key: [UInt8]
    /// Whether people reach the server over https: the cookie is then `Secure` and `__Host-`.
    let secureCookies: Bool

    /// The form cookie's name: browsers set a `__Host-` cookie only from this very origin, over
    /// https, for the whole site; plain http (a laptop at a school gate) keeps the plain name.
    var cookieName: String { Self.cookieName(secure: secureCookies) }

    static func cookieName(secure: Bool) -> String { secure ? "__Host-fg_form" : "fg_form" }

    /// The token for this request's forms, and a cookie to set when the browser has none yet.
    func token(for request: Request, context: AppRequestContext) -> (token: String, cookie: Cookie?) {
        if let secret = secret(of: request, context: context) { return (derive(secret), nil) }
        let value = Base64URL.encode(SecureRandom.bytes(count: 24))
        let cookie = Cookie(name: cookieName, value: value, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
        return (derive(Self.formSecret(value)), cookie)
    }

    /// Refuses a form whose token does not belong to this browser.
    func check(_ fields: FormFields, request: Request, context: AppRequestContext) throws {
        guard let secret = secret(of: request, context: context), let sent = fields["csrf"],
            constantTimeEquals(Array(sent.utf8), Array(derive(secret).utf8))
        else { throw PageError(.forbidden, "error_form_expired") }
    }

    private func secret(of request: Request, context: AppRequestContext) -> String? {
        if context.signedInByCookie, let session = request.cookies[SessionStore.cookieName]?.value { return "session:" + session }
        return request.cookies[cookieName].map { Self.formSecret($0.value) }
    }

    private static func formSecret(_ cookieValue: String) -> String { "form:" + cookieValue }

    private func derive(_ secret: String) -> String {
        Base64URL.encode(HMACSHA256.authenticationCode(for: Array("festivalgate-form-token\u{0}\(secret)".utf8), key: key))
    }
}
