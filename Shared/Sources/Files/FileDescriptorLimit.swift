import Foundation

/// The process's open-file limit: every connection is one descriptor, and the default soft
/// limit (often 1,024) is far below what an on-sale rush or a flood of idle sockets needs. The
/// test process raises its own too: a full run has over a thousand descriptors open at its peak.
public enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit and returns the limit now in force. When the hard
    /// limit is below `needed`, it is raised first where the process may (root, or
    /// CAP_SYS_RESOURCE); otherwise it stays and the caller fits within it.
    /// The corresponding C calls are `getrlimit`/`setrlimit(RLIMIT_NOFILE)`.
    @discardableResult
    public static func raise(toFit needed: Int = 0) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if needed > 0, limit.rlim_max < rlim_t(needed) {
            var raised = limit
            raised.rlim_max = rlim_t(needed)
            raised.rlim_cur = rlim_t(needed)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Descriptors kept back from connections: the database, its WAL, logs, the key file.
    public static let reserved = 64
}
