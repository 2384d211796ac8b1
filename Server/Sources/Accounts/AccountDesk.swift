import Shared

/// Signing up and logging in, for the API and the pages alike: the input rules, the throttles,
/// the password hash off the request threads, and a new session.
struct AccountDesk {
    let accounts: any AccountStore
    let sessions: SessionStore
    let passwordHasher: PasswordHasher
    let throttles: Throttles
    let clock: ServerClock

    /// Creates an attendee account and signs it in; returns it with its session token.
    func signUp(email rawEmail: String, displayName: String, password: String, address: String?) async throws -> (Account, token: String) {
        let email = try InputRules.email(rawEmail)
        let name = try InputRules.displayName(displayName)
        try InputRules.password(password, email: email)
        try throttles.beginSignUp(address: address)
        let hash = try await passwordHasher.hashOffThread(password)
        let now = clock.now()
        let account = try await accounts.create(email: email, displayName: name, passwordHash: hash, role: .attendee, now: now)
        return (account, try await sessions.open(for: account, now: clock.now()))
    }

    func logIn(email rawEmail: String, password: String, address: String?) async throws -> (Account, token: String) {
        let email = rawEmail.trimmingCharacters(in: .whitespaces)
        // However it is typed, one address is one throttle.
        let throttleKey = EmailAddress.key(email)
        try throttles.beginLogIn(email: throttleKey, address: address)
        let found = try await accounts.credentials(email: email)
        // An unknown email costs a full check against a hash of the same strength, so timing
        // tells nobody who has an account; the answer is the same for both.
        let matches = try await passwordHasher.verifyOffThread(password, against: found?.passwordHash ?? passwordHasher.unknownAccountHash)
        guard let (account, _) = found, matches else {
            throw APIError(.unauthorized, "wrong_credentials", "email or password is wrong", headers: .noStore)
        }
        try throttles.logInSucceeded(email: throttleKey, address: address)
        return (account, try await sessions.open(for: account, now: clock.now()))
    }
}
