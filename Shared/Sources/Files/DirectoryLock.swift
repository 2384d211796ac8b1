import Foundation

/// Holds an exclusive lock on a data directory for as long as it lives, so that a second process
/// on the same files is refused instead of working beside the first (two kiosks judging the same
/// replica, two servers writing one database). The kernel drops the lock when the process ends,
/// however it ends.
public final class DirectoryLock {
    private let descriptor: Int32

    /// Takes `directory/name`; `program` names who holds it in the refusal. `shared`: several
    /// processes may hold it together (server processes on one PostgreSQL database sharing the
    /// keys), but nobody exclusively while they do.
    /// The corresponding C call is `flock(LOCK_EX | LOCK_NB)` (`LOCK_SH` when shared).
    public init(directory: String, name: String, program: String, shared: Bool = false) throws(DirectoryLockError) {
        let path = (directory as NSString).appendingPathComponent(name)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotOpen(directory: directory, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(descriptor)
            throw .inUse(directory: directory, program: program)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock, waiting up to `patience` for a holder that is letting it go: a process
    /// exiting, or a child another thread is starting, which holds a copy of the descriptor
    /// until its exec closes it.
    public static func waiting(
        _ patience: Duration, directory: String, name: String, program: String, shared: Bool = false
    ) throws(DirectoryLockError) -> DirectoryLock {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try DirectoryLock(directory: directory, name: name, program: program, shared: shared)
            } catch .inUse where ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Whether some process holds the lock right now (without keeping it).
    public static func isHeld(directory: String, name: String) -> Bool {
        let path = (directory as NSString).appendingPathComponent(name)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}

public enum DirectoryLockError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(directory: String, reason: String)
    case inUse(directory: String, program: String)

    public var description: String {
        switch self {
        case .cannotOpen(let directory, let reason): "cannot use \(directory): \(reason)"
        case .inUse(let directory, let program): "another \(program) is already running on \(directory)"
        }
    }
}
