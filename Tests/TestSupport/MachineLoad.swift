/// Keeps the tests that load the whole machine apart from the tests that hold a product to a time
/// bound. The rush (10,000 connections at once, two minutes of both cores) once made a gate learn
/// of a revocation in 3 s instead of the 2 s it is held to; the bound is the product's, the lost
/// second was the test run's. Any number of timed tests run together, the rush only alone with the
/// rest of the suite; a rush waiting keeps new timed tests waiting, so that it is not starved.
public actor MachineLoad {
    private static let shared = MachineLoad()
    private var timedRunning = 0
    private var heavyRunning = false
    private var heavyWaiting = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body`, which loads the whole machine, while no timed test runs (and no other heavy
    /// one). A test that loads the machine and holds a bound of its own is heavy: it has the
    /// machine's spare share to itself, and spoils no other test's bound.
    public static func heavy<T>(_ body: () async throws -> T) async throws -> T {
        try await run(heavy: true, body)
    }

    /// Runs `body`, which holds a product to a time bound, while no heavy test runs.
    public static func timed<T>(_ body: () async throws -> T) async throws -> T {
        try await run(heavy: false, body)
    }

    private static func run<T>(heavy: Bool, _ body: () async throws -> T) async throws -> T {
        if heavy { await shared.enterHeavy() } else { await shared.enterTimed() }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        if heavy { await shared.leaveHeavy() } else { await shared.leaveTimed() }
        return try result.get()
    }

    private func enterHeavy() async {
        heavyWaiting += 1
        while heavyRunning || timedRunning > 0 { await wait() }
        heavyWaiting -= 1
        heavyRunning = true
    }

    private func leaveHeavy() {
        heavyRunning = false
        wakeAll()
    }

    private func enterTimed() async {
        while heavyRunning || heavyWaiting > 0 { await wait() }
        timedRunning += 1
    }

    private func leaveTimed() {
        timedRunning -= 1
        wakeAll()
    }

    private func wait() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Every waiter looks again at whether it may go on (the actor runs them one at a time).
    private func wakeAll() {
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }
}
