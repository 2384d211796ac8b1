import Foundation
import Hummingbird
import Shared
import Synchronization

/// Sign-in sessions: a random token for the client (cookie or bearer), its SHA-256 in the
/// database, and a cache so that checking a session on every request costs no query.
public final class SessionStore: Sendable {
    public static let cookieName = "fg_session"
    static let lifetime: Int64 = 30 * 24 * 3600

    private let accounts: any AccountStore
    private let cache = Mutex<[[UInt8]: (account: Account, expiresAt: Int64, cachedAt: Int64)]>([:])
    /// A cached session is read again after this long, so that changes made beside the server
    /// (`ticket-server accounts reset-password` ends sessions) take effect without a restart.
    static let cacheLifetime: Int64 = 30
    /// Whether the cookie is sent over HTTPS only: when the server's public URL is https.
    let secureCookies: Bool

    init(accounts: any AccountStore, secureCookies: Bool = false) {
        self.accounts = accounts
        self.secureCookies = secureCookies
    }

    /// Opens a session for `account` and returns its token.
    func open(for account: Account, now: Int64) async throws -> String {
        let token = Base64URL.encode(SecureRandom.bytes(count: 32))
        let hash = SHA256.hash(Array(token.utf8))
        let expiresAt = now + Self.lifetime
        try await accounts.createSession(tokenHash: hash, accountID: account.id, now: now, expiresAt: expiresAt)
        cache.withLock { $0[hash] = (account, expiresAt, now) }
        return token
    }

    /// The account signed in with `token`, if its session is live.
    func account(for token: String, now: Int64) async throws -> Account? {
        let hash = SHA256.hash(Array(token.utf8))
        if let cached = cache.withLock({ $0[hash] }), cached.expiresAt > now, now - cached.cachedAt < Self.cacheLifetime {
            return cached.account
        }
        guard let (account, expiresAt) = try await accounts.sessionAccount(tokenHash: hash, now: now) else {
            cache.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        cache.withLock { $0[hash] = (account, expiresAt, now) }
        return account
    }

    func close(_ token: String) async throws {
        let hash = SHA256.hash(Array(token.utf8))
        cache.withLock { _ = $0.removeValue(forKey: hash) }
        try await accounts.deleteSession(tokenHash: hash)
    }

    /// Drops cached sessions of an account whose role changed, so the next request reads it anew.
    func forget(accountID: Int64) {
        cache.withLock { cache in cache = cache.filter { $0.value.account.id != accountID } }
    }

    /// The session token a request presents: `Authorization: Bearer …` first (the scheme is
    /// case-insensitive, as HTTP says), then the cookie.
    static func token(in request: Request) -> String? {
        presented(in: request)?.token
    }

    /// The token and whether it came in the cookie (which a browser sends by itself, so a
    /// state change made with it must prove it came from our own pages).
    static func presented(in request: Request) -> (token: String, fromCookie: Bool)? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return (parts[1].trimmingCharacters(in: .whitespaces), false)
            }
        }
        return request.cookies[cookieName].map { ($0.value, true) }
    }

    func cookie(for token: String) -> Cookie {
        Cookie(name: Self.cookieName, value: token, maxAge: Int(Self.lifetime), path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func expiredCookie() -> Cookie {
        Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}

/// Puts the signed-in account, if any, into the request context.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let clock: ServerClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // A gate's device credential is never a session: no hash and no read for it here
        // (the gate endpoints authenticate it themselves).
        if let presented = SessionStore.presented(in: request), !presented.token.hasPrefix(DeviceSecrets.credentialPrefix) {
            context.account = try await sessions.account(for: presented.token, now: clock.now())
            context.signedInByCookie = context.account != nil && presented.fromCookie
        }
        return try await next(request, context)
    }
}

/// URL-safe base64 without padding: session tokens that fit a cookie and a header as they are.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
