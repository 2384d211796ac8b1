import Foundation

/// The test process's own open-file limit, raised once to the hard limit.
///
/// A full run has more than a thousand descriptors open at its peak (servers in-process, their
/// HTTP clients, PostgreSQL connections, pipes to products), and `swift test` starts the tests
/// with a soft limit of 2,048, or 1,024 on many machines. A `Process` started with none left
/// traps, and a server out of them refuses connections: neither is what a test means to test.
/// Everything that starts a product or a server calls `OpenFileLimit.raise()` first.
public enum OpenFileLimit {
    private static let raised: Int = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }()

    /// Raises the soft limit to the hard one (once; later calls cost nothing) and returns it.
    @discardableResult
    public static func raise() -> Int { raised }
}
