import NIOCore
import NIOPosix
import Shared

/// Stores passwords as scrypt hashes: `scrypt$N$r$p$salt$hash`, salt and hash in hex. The
/// parameters travel with each hash, so raising the cost later leaves old hashes readable.
public struct PasswordHasher: Sendable {
    public let n: UInt64
    public let r: UInt64
    public let p: UInt64

    /// N = 2^15, r = 8: 32 MiB and tens of milliseconds a guess.
    public static let standard = PasswordHasher(n: 1 << 15, r: 8, p: 1)
    /// Far cheaper, for tests and benchmarks that sign up thousands of people.
    public static let fast = PasswordHasher(n: 1 << 4, r: 1, p: 1)

    public init(n: UInt64, r: UInt64, p: UInt64) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// The threads that run scrypt: at most all cores but one, so that however many people sign
    /// in (or guess) at once, one core is always left for every other request.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount - 1))
        pool.start()
        return pool
    }()

    /// A stored hash no password matches, with these parameters: checked when an email has no
    /// account, so that answer takes as long as a wrong password for one that has.
    public var unknownAccountHash: String {
        "scrypt$\(n)$\(r)$\(p)$\(String(repeating: "00", count: 16))$\(String(repeating: "00", count: 32))"
    }

    /// `hash(_:)` on the hashing threads, off the request threads.
    public func hashOffThread(_ password: String) async throws -> String {
        try await Self.threads.runIfActive { try hash(password) }
    }

    /// `verify(_:against:)` on the hashing threads, off the request threads.
    public func verifyOffThread(_ password: String, against stored: String) async throws -> Bool {
        try await Self.threads.runIfActive { verify(password, against: stored) }
    }

    public func hash(_ password: String) throws -> String {
        let salt = SecureRandom.bytes(count: 16)
        let derived = try Scrypt.derive(password: Array(password.utf8), salt: salt, n: n, r: r, p: p, length: 32)
        return "scrypt$\(n)$\(r)$\(p)$\(Hex.encode(salt))$\(Hex.encode(derived))"
    }

    /// Whether `password` matches `stored`; a malformed stored hash matches nothing.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = UInt64(parts[1]), let r = UInt64(parts[2]),
            let p = UInt64(parts[3]), let salt = Hex.decode(parts[4]), let expected = Hex.decode(parts[5]),
            let derived = try? Scrypt.derive(password: Array(password.utf8), salt: salt, n: n, r: r, p: p, length: expected.count)
        else { return false }
        return constantTimeEquals(derived, expected)
    }
}
