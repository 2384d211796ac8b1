import Foundation
import Shared
import Synchronization

/// A long-running product (`ticket-server serve`, `gate-kiosk run`) started as a real process,
/// for what only a separate process can show: a kill -9 at a bad moment, a restart.
/// Its standard output and error are collected together so a test can wait for a line.
public final class ChildProcess: Sendable {
    private let process: Process
    private let output = CollectedOutput()

    public var processIdentifier: Int32 { process.processIdentifier }
    /// Everything the process has written so far.
    public var outputSoFar: String { output.text.withLock { $0 } }

    /// Whether the process's output has been read to its end.
    public var outputEnded: Bool { output.ended.load(ordering: .acquiring) }

    /// "running", or how it ended, for a test's failure message: a product that "did not start"
    /// may have been killed by a signal, or exited with a status.
    public var state: String {
        if isRunning { return outputEnded ? "running, its output closed" : "running" }
        if process.isRunning { return "gone, though Foundation says it runs" }
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
    }

    /// Standard input, when the process was started with `input: true` (frames for a kiosk).
    private let input: FileHandle?

    public init(_ runner: ProductRunner, _ arguments: [String], input: Bool = false) throws {
        FileDescriptorLimit.raise()
        process = Process()
        process.executableURL = URL(fileURLWithPath: runner.executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        if input {
            let inputPipe = Pipe()
            process.standardInput = inputPipe
            self.input = inputPipe.fileHandleForWriting
        } else {
            process.standardInput = FileHandle.nullDevice
            self.input = nil
        }
        try process.run()
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [output] in
            while case let data = handle.availableData, !data.isEmpty {
                output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            output.ended.store(true, ordering: .releasing)
            output.closed.signal()
        }
    }

    /// Waits until the output has a match for `pattern` and returns the pattern's first capture
    /// group (or the whole match), or nil if the process exits or `seconds` pass first.
    public func waitForLine(matching pattern: String, seconds: Double = ChildProcess.patience) -> String? {
        let regex = try! NSRegularExpression(pattern: pattern)
        var found: String?
        _ = waitForOutput(seconds: seconds) { text in
            found = Self.firstCapture(of: regex, in: text)
            return found != nil
        }
        return found
    }

    /// The first capture group of `regex`'s first match in `text` (or the whole match).
    static func firstCapture(of regex: NSRegularExpression, in text: String) -> String? {
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
        return Range(range, in: text).map { String(text[$0]) }
    }

    /// Waits until `isEnough` holds for the output so far; false if the process exits or
    /// `seconds` pass first.
    public func waitForOutput(seconds: Double = ChildProcess.patience, until isEnough: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isEnough(outputSoFar) { return true }
            if hasEnded { return isEnough(outputSoFar) }
            usleep(5_000)
        }
        return false
    }

    /// Writes to the process's standard input (started with `input: true`).
    public func write(_ data: Data) throws {
        try input?.write(contentsOf: data)
    }

    /// Closes standard input: a kiosk reading frames from it sees the recording end.
    public func closeInput() {
        try? input?.close()
    }

    /// How long a wait for a line lasts by default. A CI run showed five servers' first line
    /// 60 s after their start, all at once: two cores under every test at its busiest (their
    /// output said "listening" a moment later, and they were still running). A process that
    /// really fails ends and closes its pipe, which ends the wait at once.
    public static let patience = 240.0

    /// Whether the process is over, judged by what cannot be wrong: its output pipe has reached
    /// its end (every last line read; a live process holds it open) and it no longer runs. A CI
    /// run twice judged five servers ended by `isRunning` alone while they went on to listen.
    public var hasEnded: Bool { outputEnded && !isRunning }

    /// Whether the process still runs. Foundation's word is checked against the kernel's, which
    /// cannot be stale. (The CI runs that judged five servers ended while they went on to listen
    /// turned out to be slow starts under load: `patience`.)
    public var isRunning: Bool { process.isRunning || Self.isAlive(process.processIdentifier) }

    /// True while `pid` exists and is not a zombie waiting to be reaped.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        // The state is the first field after the command name in parentheses.
        return stat[stat.index(after: close)...].dropFirst().first != "Z"
    }

    /// SIGKILL: no handler runs, nothing is flushed, as in a crash or a pulled plug.
    public func killHard() {
        if isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        waitUntilGone()
    }

    /// Sends `signal` and waits for the exit status.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        waitUntilGone()
        return process.terminationStatus
    }

    /// Waits (up to 30 s) for the kernel to see the process end, whatever Foundation said.
    private func waitUntilGone() {
        let deadline = Date().addingTimeInterval(30)
        while Self.isAlive(process.processIdentifier), Date() < deadline { usleep(5_000) }
    }

    /// Waits for the process to end by itself and for its output to close.
    @discardableResult
    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        output.closed.wait()
        return process.terminationStatus
    }

    deinit {
        if isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// What a child wrote, filled by a reader thread that must not keep the `ChildProcess` alive.
private final class CollectedOutput: Sendable {
    let text = Mutex<String>("")
    let closed = DispatchSemaphore(value: 0)
    let ended = Atomic(false)
}
