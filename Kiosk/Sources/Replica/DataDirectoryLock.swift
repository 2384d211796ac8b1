import Foundation

/// Holds an exclusive lock on a kiosk data directory for as long as it lives, so that a second
/// kiosk process on the same replica is refused instead of judging the same tickets separately.
/// The kernel drops the lock when the process ends, however it ends.
public final class DataDirectoryLock {
    private let descriptor: Int32

    /// The corresponding C call is `flock(LOCK_EX | LOCK_NB)`.
    public init(directory: String) throws(LockError) {
        let path = (directory as NSString).appendingPathComponent("kiosk.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(directory: directory, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .inUse(directory: directory)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public enum LockError: Error, Equatable, CustomStringConvertible {
        case cannotOpen(directory: String, reason: String)
        case inUse(directory: String)

        public var description: String {
            switch self {
            case .cannotOpen(let directory, let reason): "cannot use \(directory): \(reason) (run 'gate-kiosk init' first?)"
            case .inUse(let directory): "another gate-kiosk is already running on \(directory)"
            }
        }
    }
}
