import Foundation

/// Runs `work` (waiting for a process, reading a pipe to its end) on a thread of its own and
/// suspends until it is done. An async test that blocked instead would hold one of Swift's few
/// shared threads (two on a two-core machine), which every other test running beside it, and
/// every kiosk or server built in-process, needs.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// The same for work that cannot fail.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

extension ProductRunner {
    /// `run` for async callers: the same, without holding a shared thread while the product runs.
    public func run(_ arguments: [String], input: String? = nil) async throws -> Outcome {
        try await offThePool { try self.run(arguments, input: input) as Outcome }
    }
}

extension ChildProcess {
    /// `waitForLine` for async callers: polls with sleeps that give the thread back.
    public func waitForLine(matching pattern: String, seconds: Double = ChildProcess.patience) async -> String? {
        let regex = try! NSRegularExpression(pattern: pattern)
        var found: String?
        _ = await waitForOutput(seconds: seconds) { text in
            found = Self.firstCapture(of: regex, in: text)
            return found != nil
        }
        return found
    }

    /// `waitForOutput` for async callers.
    public func waitForOutput(seconds: Double = ChildProcess.patience, until isEnough: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if isEnough(outputSoFar) { return true }
            if hasEnded { return isEnough(outputSoFar) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Kills the process the moment its output satisfies `isEnough`, watched from a thread of
    /// its own: a kill that must land in the middle of something cannot wait for a busy test
    /// runner to resume a task. False if the process ended or `seconds` passed first.
    public func killHard(whenOutput isEnough: @escaping @Sendable (String) -> Bool, seconds: Double = 60) async -> Bool {
        await offThePool {
            let reached = self.waitForOutput(seconds: seconds, until: isEnough)
            self.killHard()
            return reached
        }
    }

    /// `killHard` for async callers.
    public func killHard() async {
        await offThePool { self.killHard() as Void }
    }

    /// `stop` for async callers.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        await offThePool { self.stop(signal) as Int32 }
    }

    /// `waitForExit` for async callers.
    @discardableResult
    public func waitForExit() async -> Int32 {
        await offThePool { self.waitForExit() as Int32 }
    }
}
