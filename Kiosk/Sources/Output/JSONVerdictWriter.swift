import Foundation
import ServiceLifecycle

/// `--json`: one line per verdict on standard output, for integrations and tests; camera and
/// manual verdicts alike. A code held up to the camera for a while is one verdict, written
/// once. Problems go to standard error. As a service it writes until the event stream ends,
/// so the last verdict of a recording is out before the kiosk exits.
public struct JSONVerdictWriter: Service {
    private let events: AsyncStream<ScanEvent>

    /// Subscribes at once, so no verdict published from now on is missed.
    public init(events: ScanEvents) {
        self.events = events.subscribe("JSON writer", limit: 100_000)
    }

    /// Writes until the stream ends, then stays until the group shuts down: a service group
    /// takes a service that returns on its own for one that failed.
    public func run() async {
        for await event in events { Self.write(event) }
        try? await gracefulShutdown()
    }

    static func write(_ event: ScanEvent) {
        switch event {
        case .verdict(.new(let verdict), _):
            // Unbuffered: a line must be out as soon as the verdict is on disk, even into a pipe.
            FileHandle.standardOutput.write(Data((verdict.json.description + "\n").utf8))
        case .verdict(.repeated, _):
            break
        case .camera(.lost(let reason)):
            FileHandle.standardError.write(Data("gate-kiosk: \(reason)\n".utf8))
        case .camera, .hint:
            break
        case .failure(let problem):
            FileHandle.standardError.write(Data("gate-kiosk: error: \(problem)\n".utf8))
        }
    }
}
