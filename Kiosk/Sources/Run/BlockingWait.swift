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
