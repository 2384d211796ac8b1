import Foundation

/// Calls `body` again for as long as it fails with EINTR (a signal arrived mid-call).
func retryingOnInterrupt(_ body: () -> Int32) -> Int32 {
    while true {
        let result = body()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}
