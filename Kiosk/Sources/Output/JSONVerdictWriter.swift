import Foundation

/// `--json`: one line per verdict on standard output, for integrations and tests. A code held
/// up to the camera for a while is one verdict, written once. Problems go to standard error.
public final class JSONVerdictWriter: Sendable {
    public init() {}

    public func handle(_ event: ScanEvent) {
        switch event {
        case .verdict(.new(let verdict), _):
            // Unbuffered: a line must be out as soon as the verdict is on disk, even into a pipe.
            FileHandle.standardOutput.write(Data((verdict.json.description + "\n").utf8))
        case .verdict(.repeated, _):
            break
        case .camera(.lost(let reason)):
            FileHandle.standardError.write(Data("gate-kiosk: \(reason)\n".utf8))
        case .camera:
            break
        case .failure(let problem):
            FileHandle.standardError.write(Data("gate-kiosk: error: \(problem)\n".utf8))
        }
    }
}
