import Hummingbird
import Shared

/// `/api/v1/auth/…`, `/api/v1/me` and role changes.
struct AccountController {
    let accounts: any AccountStore
    let sessions: SessionStore
    let passwordHasher: PasswordHasher
    let throttles: Throttles
    let clock: ServerClock

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("auth/signup", use: signUp)
        routes.post("auth/login", use: logIn)
        routes.post("auth/logout", use: logOut)
        routes.get("me", use: me)
        routes.put("accounts/:accountID/role", use: setRole)
        return routes
    }

    struct SignUpRequest: Decodable {
        let email: String
        let displayName: String
        let password: String
    }

    struct LogInRequest: Decodable {
        let email: String
        let password: String
    }

    struct RoleRequest: Decodable {
        let role: String
    }

    private var desk: AccountDesk {
        AccountDesk(accounts: accounts, sessions: sessions, passwordHasher: passwordHasher, throttles: throttles, clock: clock)
    }

    /// Creates an attendee account and signs it in.
    @Sendable func signUp(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: SignUpRequest.self, context: context)
        let (account, token) = try await desk.signUp(
            email: body.email, displayName: body.displayName, password: body.password, address: context.clientAddress)
        return try signedIn(account, token: token, status: .created, request: request, context: context)
    }

    @Sendable func logIn(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: LogInRequest.self, context: context)
        let (account, token) = try await desk.logIn(email: body.email, password: body.password, address: context.clientAddress)
        return try signedIn(account, token: token, status: .ok, request: request, context: context)
    }

    @Sendable func logOut(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = SessionStore.token(in: request) { try await sessions.close(token) }
        var response = Response(status: .noContent, headers: .noStore)
        response.setCookie(sessions.expiredCookie())
        return response
    }

    @Sendable func me(request: Request, context: AppRequestContext) async throws -> EditedResponse<AccountResponse> {
        EditedResponse(headers: .noStore, response: AccountResponse(try context.requireAccount()))
    }

    /// Organisers make staff (who run gates) and other organisers. The last organiser cannot
    /// step down: nobody would be left to run the event (`ticket-server accounts` recovers).
    @Sendable func setRole(request: Request, context: AppRequestContext) async throws -> AccountResponse {
        _ = try context.require(.organiser)
        let accountID = try context.parameters.require("accountID", as: Int64.self)
        let body = try await request.decodeJSON(as: RoleRequest.self, context: context)
        guard let role = Account.Role(rawValue: body.role) else {
            throw APIError(
                .unprocessableContent, "invalid_role", "role must be one of \(Account.Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let account = try await accounts.setRole(role, accountID: accountID)
        sessions.forget(accountID: accountID)
        return AccountResponse(account)
    }

    private func signedIn(_ account: Account, token: String, status: HTTPResponse.Status, request: Request, context: AppRequestContext) throws -> Response {
        var response = try EditedResponse(status: status, headers: .noStore, response: SignedInResponse(account: AccountResponse(account), sessionToken: token))
            .response(from: request, context: context)
        response.setCookie(sessions.cookie(for: token))
        return response
    }
}

extension HTTPFields {
    /// Answers about who is signed in are never kept by a cache or a shared browser.
    static var noStore: HTTPFields { [.cacheControl: "no-store"] }
}
