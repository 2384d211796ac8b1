import Foundation
import Hummingbird

/// The context every request carries: who is asking, once the session is known.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, set by `SessionMiddleware`; nil for anonymous requests.
    public var account: Account?
    /// Whether `account` came from the session cookie rather than a bearer token.
    public var signedInByCookie = false
    /// The client's IP address, for throttling: the peer's, or behind a `--trusted-proxy` the
    /// client it forwards for (`ForwardedClientMiddleware`).
    public var clientAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        account = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// API JSON: snake_case keys, written sorted.
    public var requestDecoder: JSONDecoder { APIJSON.decoder }
    public var responseEncoder: JSONEncoder { APIJSON.encoder }

    /// Bodies above this are refused with 413 before they are read: the largest legitimate one
    /// is a seat map CSV, a few kilobytes for a hall of thousands of seats.
    public var maxUploadSize: Int { 256 * 1024 }

    /// The signed-in account, or 401.
    public func requireAccount() throws -> Account {
        guard let account else { throw APIError(.unauthorized, "not_signed_in", "sign in first") }
        return account
    }

    /// The signed-in account if it has `role` (organisers may do everything staff may), or 403.
    public func require(_ role: Account.Role) throws -> Account {
        let account = try requireAccount()
        guard account.role.includes(role) else {
            throw APIError(.forbidden, "forbidden", "this needs the \(role.rawValue) role")
        }
        return account
    }
}
