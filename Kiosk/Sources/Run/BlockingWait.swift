import Foundation

/// Suspends until `wait` returns, running it on a thread of its own: a blocking wait (for the
/// decode or the drawing thread to end) must not hold one of the async pool's few threads.
func waitOffThePool(_ wait: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            wait()
            continuation.resume()
        }
    }
}

/// Runs `work` (SQLite, a blocking call) on `queue` and suspends until it is done, so the async
/// pool's threads never block on the disk.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async { continuation.resume(with: Result { try work() }) }
    }
}
