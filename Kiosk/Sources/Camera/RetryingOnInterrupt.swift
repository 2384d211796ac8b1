import Foundation

/// Calls `body` again for as long as it fails with EINTR (a signal arrived mid-call).
///
/// Files and pipes go through swift-system's `FileDescriptor`, which retries inside; this is for
/// the calls it does not wrap: `poll` and the camera's ioctls through libv4l2.
func retryingOnInterrupt(_ body: () -> Int32) -> Int32 {
    while true {
        let result = body()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}
