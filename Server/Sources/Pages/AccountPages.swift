import Hummingbird

/// Signing up, logging in and out, and choosing the language, as forms.
struct AccountPages {
    let desk: AccountDesk
    let sessions: SessionStore
    let kit: PageKit

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("signup", use: signUpForm)
        routes.post("signup", use: signUp)
        routes.get("login", use: logInForm)
        routes.post("login", use: logIn)
        routes.post("logout", use: logOut)
        routes.get("language/:code", use: chooseLanguage)
        return routes
    }

    @Sendable func signUpForm(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        return signUpPage(site: site, next: PageKit.localPath(request.uri.queryParameters["next"].map(String.init)))
    }

    @Sendable func signUp(request: Request, context: AppRequestContext) async throws -> Response {
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let next = PageKit.localPath(fields["next"])
        let (name, email) = (fields["display_name"] ?? "", fields["email"] ?? "")
        do {
            let (_, token) = try await desk.signUp(email: email, displayName: name, password: fields["password"] ?? "", address: context.clientAddress)
            return signedIn(token: token, next: next)
        } catch let error as InputError {
            let messages = site.messages
            let problems: [String: String] =
                switch error {
                case .email: ["emailError": messages["signup_bad_email"]]
                case .text(field: "display_name", _): ["nameError": messages["signup_bad_name"]]
                case .weakPassword(.common): ["passwordError": messages["signup_common_password"]]
                case .weakPassword(.isEmail): ["passwordError": messages["signup_password_is_email"]]
                case .weakPassword(.length): ["passwordError": messages["signup_short_password"]]
                default: throw error
                }
            return signUpPage(site: site, next: next, name: name, email: email, problems: problems, status: .unprocessableContent)
        } catch let error as AccountError where error == .emailTaken {
            return signUpPage(site: site, next: next, name: name, email: email, problems: ["emailError": site.messages["signup_email_taken"]], status: .conflict)
        }
    }

    @Sendable func logInForm(request: Request, context: AppRequestContext) async throws -> Response {
        let site = kit.site(request, context: context)
        return logInPage(site: site, next: PageKit.localPath(request.uri.queryParameters["next"].map(String.init)))
    }

    @Sendable func logIn(request: Request, context: AppRequestContext) async throws -> Response {
        let (fields, site) = try await kit.submittedForm(request, context: context)
        let next = PageKit.localPath(fields["next"])
        let email = fields["email"] ?? ""
        do {
            let (_, token) = try await desk.logIn(email: email, password: fields["password"] ?? "", address: context.clientAddress)
            return signedIn(token: token, next: next)
        } catch let error as APIError where error.code == "wrong_credentials" || error.code == "too_many_requests" {
            let message = error.code == "wrong_credentials" ? site.messages["login_wrong"] : site.messages["error_too_many_requests"]
            var page = logInPage(site: site, next: next, email: email, error: message, status: error.status)
            if let retryAfter = error.headers[.retryAfter] { page.headers[.retryAfter] = retryAfter }
            return page
        }
    }

    @Sendable func logOut(request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await kit.submittedForm(request, context: context)
        if let token = request.cookies[SessionStore.cookieName]?.value { try await sessions.close(token) }
        var response = PageKit.redirect(to: "/")
        response.setCookie(sessions.expiredCookie())
        return response
    }

    /// Remembers the chosen language for a year and goes back to the page it was chosen on.
    @Sendable func chooseLanguage(request: Request, context: AppRequestContext) async throws -> Response {
        guard let language = context.parameters.get("code").flatMap(Language.init(rawValue:)) else {
            throw PageError(.notFound, "error_not_found")
        }
        var response = PageKit.redirect(to: PageKit.localPath(request.uri.queryParameters["next"].map(String.init)))
        response.setCookie(
            Cookie(name: Language.cookieName, value: language.rawValue, maxAge: 365 * 24 * 3600, path: "/", secure: kit.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    private func signedIn(token: String, next: String) -> Response {
        var response = PageKit.redirect(to: next)
        response.setCookie(sessions.cookie(for: token))
        return response
    }

    private func signUpPage(
        site: PageSite, next: String, name: String = "", email: String = "", problems: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) -> Response {
        var values: [String: Any] = ["next": next, "nextEncoded": PageKit.percentEncoded(next), "name": name, "email": email]
        for (key, value) in problems { values[key] = value }
        if !problems.isEmpty { values["error"] = site.messages["form_fix_below"] }
        return kit.render("signup", title: site.messages["signup_title"], values: values, site: site, status: status)
    }

    private func logInPage(site: PageSite, next: String, email: String = "", error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["next": next, "nextEncoded": PageKit.percentEncoded(next), "email": email]
        if let error { values["error"] = error }
        return kit.render("login", title: site.messages["login_title"], values: values, site: site, status: status)
    }
}
