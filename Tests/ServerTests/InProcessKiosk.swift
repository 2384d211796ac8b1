import Foundation
import GateScenes
import Kiosk
import Logging
import Synchronization

/// An enrolled gate's kiosk built in this process as `gate-kiosk run --source - --realtime
/// --json` builds it (`KioskApplication`), with a camera the test holds codes up to
/// (`LiveFrames`), its verdicts as `--json` lines and its log kept in memory.
final class InProcessKiosk: Sendable {
    let camera = LiveFrames()
    private let log: CapturedLog
    private let verdictLines = Mutex<[String]>([])
    private let running = Mutex<Task<Void, Never>?>(nil)

    /// Builds the kiosk (taking its data directory's lock, as the command does) and starts it.
    init(data: String) throws {
        let log = CapturedLog()
        self.log = log
        let logger = Logger(label: "gate-kiosk") { _ in CapturedLogHandler(log: log) }
        var options = KioskOptions(dataDirectory: data, output: .events)
        // The scenarios ask whether a verdict was online or offline, not how fast: sharing the
        // suite's two cores, a redeem (a TLS handshake first, over https) can miss the gate's
        // 400 ms and be judged offline while the server is there.
        options.redeemDeadline = .seconds(5)
        let kiosk = try KioskApplication(options: options, frames: { [camera] in camera }, logger: logger)
        let events = kiosk.events.subscribe("test", limit: 100_000)
        let task = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events {
                        switch event {
                        case .verdict(.new(let verdict), _): self.verdictLines.withLock { $0.append(verdict.json.description) }
                        case .failure(let problem): logger.error("\(problem)")
                        default: break
                        }
                    }
                }
                group.addTask {
                    do { try await kiosk.run(stopsOnSignals: false) } catch { logger.error("the kiosk stopped: \(error)") }
                }
            }
        }
        running.withLock { $0 = task }
    }

    /// Every verdict so far, one `--json` line each.
    var verdicts: [String] { verdictLines.withLock { $0 } }

    /// What the kiosk logged so far, a line per message.
    var logText: String { log.text.withLock { $0 } }

    /// Switches the camera off and waits until the kiosk has judged, recorded and pushed what
    /// it could, and let go of its data directory.
    func stop() async {
        camera.end()
        await running.withLock { $0 }?.value
        running.withLock { $0 = nil }
    }

    /// Stops the kiosk without waiting (a test's cleanup).
    func cancel() {
        camera.end()
        running.withLock { $0 }?.cancel()
    }
}

/// The log lines of one in-process kiosk.
private final class CapturedLog: Sendable {
    let text = Mutex<String>("")
}

/// A swift-log handler that appends each message to a `CapturedLog`, at the command's default
/// level.
private struct CapturedLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message)\n"
        log.text.withLock { $0 += line }
    }
}
