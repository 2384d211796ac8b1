import Foundation
import Logging
import ServiceLifecycle

/// `--json`: one line per verdict on standard output, for integrations and tests; camera and
/// manual verdicts alike. A code held up to the camera for a while is one verdict, written
/// once. Problems go to the log. As a service it writes until the event stream ends,
/// so the last verdict of a recording is out before the kiosk exits.
public struct JSONVerdictWriter: Service {
    private let events: AsyncStream<ScanEvent>
    private let logger: Logger

    /// Subscribes at once, so no verdict published from now on is missed.
    public init(events: ScanEvents, logger: Logger) {
        self.events = events.subscribe("JSON writer", limit: 100_000)
        self.logger = logger
    }

    /// Writes until the stream ends, then stays until the group shuts down: a service group
    /// takes a service that returns on its own for one that failed.
    public func run() async {
        for await event in events { write(event) }
        try? await gracefulShutdown()
    }

    func write(_ event: ScanEvent) {
        switch event {
        case .verdict(.new(let verdict), _):
            // Unbuffered: a line must be out as soon as the verdict is on disk, even into a pipe.
            FileHandle.standardOutput.write(Data((verdict.json.description + "\n").utf8))
        case .verdict(.repeated, _):
            break
        case .camera(.lost(let reason)):
            logger.warning("\(reason)")
        case .camera, .hint:
            break
        case .failure(let problem):
            logger.error("\(problem)")
        }
    }
}
