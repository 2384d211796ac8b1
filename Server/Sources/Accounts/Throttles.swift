import HTTPTypes
import Synchronization

/// How many tries are allowed before `429 Too Many Requests`: a bucket of `burst` tries that
/// refills one try every `secondsPerTry`. A person who mistypes a password twice never notices;
/// a script guessing passwords gets a few tries a minute.
public struct ThrottleRule: Sendable, Equatable {
    public var burst: Int
    public var secondsPerTry: Int64

    public init(burst: Int, secondsPerTry: Int64) {
        self.burst = burst
        self.secondsPerTry = secondsPerTry
    }
}

/// The server's throttles; nil switches one off.
public struct ThrottlePolicy: Sendable, Equatable {
    /// Failed log-ins per account (by email, known or not).
    public var logInFailuresPerAccount: ThrottleRule?
    /// Failed log-ins per client address, across accounts.
    public var logInFailuresPerAddress: ThrottleRule?
    /// Sign-ups per client address. A school behind one NAT address signs up through one
    /// bucket: raise it for such a sale (`--signups-per-address`).
    public var signUpsPerAddress: ThrottleRule?
    /// Booking attempts per account, answered or refused: a person clicking "book" again after
    /// a refusal never meets it; a script re-submitting four times a second soon does.
    public var bookingsPerAccount: ThrottleRule?
    /// Availability polls per signed-in account (the event page polls every 5 s or so).
    public var pollsPerAccount: ThrottleRule?

    public init(
        logInFailuresPerAccount: ThrottleRule?, logInFailuresPerAddress: ThrottleRule?, signUpsPerAddress: ThrottleRule?,
        bookingsPerAccount: ThrottleRule? = nil, pollsPerAccount: ThrottleRule? = nil
    ) {
        self.logInFailuresPerAccount = logInFailuresPerAccount
        self.logInFailuresPerAddress = logInFailuresPerAddress
        self.signUpsPerAddress = signUpsPerAddress
        self.bookingsPerAccount = bookingsPerAccount
        self.pollsPerAccount = pollsPerAccount
    }

    public static let standard = ThrottlePolicy(
        logInFailuresPerAccount: ThrottleRule(burst: 5, secondsPerTry: 60),
        logInFailuresPerAddress: ThrottleRule(burst: 30, secondsPerTry: 6),
        signUpsPerAddress: ThrottleRule(burst: 30, secondsPerTry: 10),
        bookingsPerAccount: ThrottleRule(burst: 10, secondsPerTry: 6),
        pollsPerAccount: ThrottleRule(burst: 60, secondsPerTry: 2))

    /// No throttling: for load tests that sign up thousands of people from one address.
    public static let unlimited = ThrottlePolicy(logInFailuresPerAccount: nil, logInFailuresPerAddress: nil, signUpsPerAddress: nil)
}

/// A throttle's token buckets by key (an email, an address).
protocol ThrottleBuckets: Sendable {
    var rule: ThrottleRule { get }
    /// Takes one try for `key`; when none is left, the seconds until one is.
    func take(_ key: String, now: Int64) throws -> Int64?
    /// Forgets `key`: its bucket is full again.
    func reset(_ key: String) throws
    /// Gives back a try taken for an attempt that turned out not to count (a good password).
    func giveBack(_ key: String, now: Int64) throws
}

/// Token buckets in this process's memory: a restart forgives everyone, which costs an
/// attacker a restart per burst, not a way around the limit. With several processes on
/// PostgreSQL the throttles that guard secrets are `PostgresRateLimiter`s instead.
final class RateLimiter: ThrottleBuckets {
    private struct Bucket {
        var tries: Double
        var updatedAt: Int64
    }

    /// Beyond this many keys, full buckets are forgotten, so a flood of made-up emails cannot
    /// grow memory without bound.
    static let maxKeys = 100_000

    let rule: ThrottleRule
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rule: ThrottleRule) {
        self.rule = rule
    }

    func take(_ key: String, now: Int64) -> Int64? {
        buckets.withLock { buckets in
            var bucket = refilled(buckets[key], now: now)
            guard bucket.tries >= 1 else {
                return max(1, Int64(((1 - bucket.tries) * Double(rule.secondsPerTry)).rounded(.up)))
            }
            bucket.tries -= 1
            if buckets.count >= Self.maxKeys { forgetFullBuckets(&buckets, now: now) }
            buckets[key] = bucket
            return nil
        }
    }

    func reset(_ key: String) {
        buckets.withLock { _ = $0.removeValue(forKey: key) }
    }

    func giveBack(_ key: String, now: Int64) {
        buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return }
            var refilledBucket = refilled(bucket, now: now)
            refilledBucket.tries = min(Double(rule.burst), refilledBucket.tries + 1)
            buckets[key] = refilledBucket
        }
    }

    private func refilled(_ bucket: Bucket?, now: Int64) -> Bucket {
        guard let bucket else { return Bucket(tries: Double(rule.burst), updatedAt: now) }
        let elapsed = Double(max(0, now - bucket.updatedAt))
        return Bucket(tries: min(Double(rule.burst), bucket.tries + elapsed / Double(rule.secondsPerTry)), updatedAt: now)
    }

    /// Forgets the buckets that are full anyway; if that frees too little (a flood from very
    /// many addresses), forgets them all, so the sweep stays rare and memory stays bounded.
    private func forgetFullBuckets(_ buckets: inout [String: Bucket], now: Int64) {
        buckets = buckets.filter { refilled($0.value, now: now).tries < Double(rule.burst) }
        if buckets.count > Self.maxKeys * 3 / 4 { buckets.removeAll(keepingCapacity: true) }
    }
}

/// The throttles of log-in and sign-up, answering `429` with `Retry-After` when one is empty.
///
/// With several processes on PostgreSQL (`shared`), the throttles a person could beat by
/// spreading tries over processes keep their buckets in the database: log-ins and enrollment
/// codes (guessing secrets), sign-ups and bookings (fairness). Availability polls stay per
/// process: they guard the serving process's own CPU, and cost no write.
final class Throttles: Sendable {
    private let perAccount: (any ThrottleBuckets)?
    private let perAddress: (any ThrottleBuckets)?
    private let signUps: (any ThrottleBuckets)?
    private let bookings: (any ThrottleBuckets)?
    private let polls: (any ThrottleBuckets)?
    private let clock: ServerClock
    private let metrics: ServerMetrics

    init(policy: ThrottlePolicy, clock: ServerClock, metrics: ServerMetrics, shared pool: BlockingPostgresPool? = nil) {
        func buckets(_ rule: ThrottleRule?, _ name: String) -> (any ThrottleBuckets)? {
            guard let rule else { return nil }
            guard let pool else { return RateLimiter(rule: rule) }
            return PostgresRateLimiter(rule: rule, name: name, pool: pool)
        }
        perAccount = buckets(policy.logInFailuresPerAccount, "login_account")
        perAddress = buckets(policy.logInFailuresPerAddress, "login_address")
        signUps = buckets(policy.signUpsPerAddress, "signup_address")
        bookings = buckets(policy.bookingsPerAccount, "booking_account")
        polls = policy.pollsPerAccount.map(RateLimiter.init)
        self.clock = clock
        self.metrics = metrics
    }

    /// A log-in about to check a password: takes a try from the account's and the address's
    /// bucket before the (expensive) check, so parallel guesses cannot slip past the limit.
    /// Call `logInSucceeded` afterwards to give them back.
    func beginLogIn(email: String, address: String?) throws {
        let now = clock.now()
        let account = "login:" + email.lowercased()
        if let wait = try perAccount?.take(account, now: now) {
            metrics.rateLimited("login_account")
            throw APIError.tooManyRequests(retryAfter: wait, "too many failed log-ins for this account; try again in \(wait) s")
        }
        if let address, let wait = try perAddress?.take(address, now: now) {
            try perAccount?.giveBack(account, now: now)
            metrics.rateLimited("login_address")
            throw APIError.tooManyRequests(retryAfter: wait, "too many failed log-ins from this address; try again in \(wait) s")
        }
    }

    /// The right password clears the account's failures (whoever knows it has nothing left to
    /// guess), but only gives back the address's one try: an attacker signing in to an account
    /// of their own between guesses must not refill the address's bucket.
    func logInSucceeded(email: String, address: String?) throws {
        try perAccount?.reset("login:" + email.lowercased())
        if let address { try perAddress?.giveBack(address, now: clock.now()) }
    }

    /// An enrollment code about to be checked: guessing codes is guessing passwords, so it
    /// draws on the address's failed-log-in bucket; a right code gives the try back.
    func beginEnrollment(address: String?) throws {
        guard let address, let wait = try perAddress?.take(address, now: clock.now()) else { return }
        metrics.rateLimited("enrollment")
        throw APIError.tooManyRequests(retryAfter: wait, "too many enrollment attempts from this address; try again in \(wait) s")
    }

    func enrollmentSucceeded(address: String?) throws {
        if let address { try perAddress?.giveBack(address, now: clock.now()) }
    }

    /// A booking attempt by `accountID`, counted whatever its answer.
    func beginBooking(accountID: Int64) throws {
        guard let wait = try bookings?.take(String(accountID), now: clock.now()) else { return }
        metrics.rateLimited("booking_account")
        throw APIError.tooManyRequests(retryAfter: wait, "too many booking attempts from this account; try again in \(wait) s")
    }

    /// An availability poll by a signed-in account (anonymous polls are served from a cache
    /// that costs no query).
    func beginPoll(accountID: Int64) throws {
        guard let wait = try polls?.take(String(accountID), now: clock.now()) else { return }
        metrics.rateLimited("poll_account")
        throw APIError.tooManyRequests(retryAfter: wait, "too many availability requests from this account; try again in \(wait) s")
    }

    func beginSignUp(address: String?) throws {
        guard let address, let wait = try signUps?.take(address, now: clock.now()) else { return }
        metrics.rateLimited("signup")
        throw APIError.tooManyRequests(retryAfter: wait, "too many sign-ups from this address; try again in \(wait) s")
    }
}
