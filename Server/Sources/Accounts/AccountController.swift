import Hummingbird
import Shared

/// `/api/v1/auth/…`, `/api/v1/me` and role changes.
struct AccountController {
    let environment: ServerEnvironment

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
        let display_name: String
        let password: String
    }

    struct LogInRequest: Decodable {
        let email: String
        let password: String
    }

    struct RoleRequest: Decodable {
        let role: String
    }

    /// Creates an attendee account and signs it in.
    @Sendable func signUp(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: SignUpRequest.self, context: context)
        let email = try InputRules.email(body.email)
        let name = try InputRules.displayName(body.display_name)
        try InputRules.password(body.password)
        let hash = try environment.passwordHasher.hash(body.password)
        let now = environment.clock.now()
        let account = try await environment.writer.write { database in
            try AccountRepository.create(email: email, displayName: name, passwordHash: hash, role: .attendee, now: now, in: database)
        }
        return try await signedIn(account, status: .created)
    }

    @Sendable func logIn(request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: LogInRequest.self, context: context)
        let email = body.email.trimmingCharacters(in: .whitespaces)
        let found = try environment.readers.read { try AccountRepository.credentials(email: email, in: $0) }
        // The same answer for an unknown email and a wrong password: no probing who has an account.
        guard let (account, hash) = found, environment.passwordHasher.verify(body.password, against: hash) else {
            throw APIError(.unauthorized, "wrong_credentials", "email or password is wrong")
        }
        return try await signedIn(account, status: .ok)
    }

    @Sendable func logOut(request: Request, context: AppRequestContext) async throws -> Response {
        if let token = SessionStore.token(in: request) { try await environment.sessions.close(token) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: SessionStore.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func me(request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.make(try context.requireAccount().json)
    }

    /// Organisers make staff (who run gates) and other organisers.
    @Sendable func setRole(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.organiser)
        let accountID = try context.parameters.require("accountID", as: Int64.self)
        let body = try await request.decode(as: RoleRequest.self, context: context)
        guard let role = Account.Role(rawValue: body.role) else {
            throw APIError.invalid("role must be one of \(Account.Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let account = try await environment.writer.write { try AccountRepository.setRole(role, accountID: accountID, in: $0) }
        environment.sessions.forget(accountID: accountID)
        return JSONResponse.make(account.json)
    }

    private func signedIn(_ account: Account, status: HTTPResponse.Status) async throws -> Response {
        let token = try await environment.sessions.open(for: account, now: environment.clock.now())
        var response = JSONResponse.make(.object([("account", account.json), ("session_token", .string(token))]), status: status)
        response.setCookie(SessionStore.cookie(for: token))
        return response
    }
}

/// Rules for what people type, shared by every endpoint that takes such a field.
enum InputRules {
    static func email(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
        else { throw APIError(.unprocessableContent, "invalid_email", "\"\(raw)\" is not an email address") }
        return email
    }

    /// A name printed on tickets: 1 to 48 bytes of UTF-8 (what an FT1 holder field holds).
    static func displayName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.utf8.count <= TokenLayout.maxHolderBytes, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw APIError(
                .unprocessableContent, "invalid_display_name",
                "the display name must be 1 to \(TokenLayout.maxHolderBytes) bytes of printable text")
        }
        return name
    }

    static func password(_ password: String) throws {
        guard (8...1024).contains(password.count) else {
            throw APIError(.unprocessableContent, "weak_password", "the password must be 8 to 1024 characters")
        }
    }

    /// A short piece of text: a name, a venue, a label.
    static func text(_ raw: String, field: String, maxBytes: Int) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.utf8.count <= maxBytes, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw APIError(.unprocessableContent, "invalid_\(field)", "\(field) must be 1 to \(maxBytes) bytes of printable text") }
        return text
    }
}
