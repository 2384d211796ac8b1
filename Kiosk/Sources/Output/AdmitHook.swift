import Foundation
import ServiceLifecycle
import Synchronization

/// `--on-admit CMD`: runs a shell command on every admit (to pulse a turnstile relay, say) with
/// the ticket in its environment. It runs beside the scanning, never in its way: a command that
/// hangs is killed after `timeout`, and while `maximumRunning` are still busy a new admit's
/// command is skipped and reported rather than queued. Camera and manual admits alike: it
/// reads the one event stream, as a service that ends with the stream.
public final class AdmitHook: Service, Sendable {
    public let command: String
    public let timeout: Double
    private let maximumRunning: Int
    private let running = Atomic<Int>(0)
    private let report: @Sendable (String) -> Void
    private let events: AsyncStream<ScanEvent>

    public init(
        command: String, timeout: Double, maximumRunning: Int = 4, events: ScanEvents, report: @escaping @Sendable (String) -> Void
    ) {
        self.command = command
        self.timeout = timeout
        self.maximumRunning = maximumRunning
        self.report = report
        self.events = events.subscribe("--on-admit hook")
    }

    /// Runs a command per admit until the stream ends, then waits for the commands still
    /// running to end or be killed at their timeout, so that none outlives the kiosk.
    public func run() async {
        for await event in events { handle(event) }
        let deadline = ContinuousClock.now + .milliseconds(Int((timeout + 1) * 1_000))
        while running.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // A service group takes a service that returns on its own for one that failed.
        try? await gracefulShutdown()
    }

    func handle(_ event: ScanEvent) {
        guard case .verdict(.new(let verdict), _) = event, verdict.admitted else { return }
        guard running.add(1, ordering: .relaxed).newValue <= maximumRunning else {
            running.subtract(1, ordering: .relaxed)
            report("--on-admit skipped: \(maximumRunning) earlier commands are still running")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["FG_VERDICT"] = "admit"
        environment["FG_TICKET_ID"] = verdict.ticketID.map(String.init) ?? ""
        environment["FG_HOLDER"] = verdict.holder ?? ""
        environment["FG_SEAT"] = verdict.seat ?? ""
        environment["FG_CLASS"] = verdict.ticketClass.map(String.init) ?? ""
        environment["FG_DIRECTION"] = verdict.direction.rawValue
        environment["FG_GATE"] = verdict.gate
        process.environment = environment
        // Nothing of the kiosk's is inherited: a command's stray child must not hold the kiosk's
        // output open after the kiosk is done.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            running.subtract(1, ordering: .relaxed)
            report("--on-admit could not start: \(error.localizedDescription)")
            return
        }
        DispatchQueue.global().async { [self] in
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                // The shell and whatever it started: `sh -c` runs in a process group of its own.
                kill(-process.processIdentifier, SIGKILL)
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
                report("--on-admit command killed after \(timeout) s: \(command)")
            } else if process.terminationStatus != 0 {
                report("--on-admit command exited with status \(process.terminationStatus): \(command)")
            }
            running.subtract(1, ordering: .relaxed)
        }
    }
}
