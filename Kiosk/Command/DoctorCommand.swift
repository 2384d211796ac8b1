import ArgumentParser
import Foundation
import Kiosk
import Shared

/// `gate-kiosk doctor`: the checks to run on a gate box before the doors open.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this gate is ready: camera, permissions, disk, replica, keys, server and clock.",
        discussion: """
            One line per check: ok, warning or PROBLEM. Exits 0 when the gate is ready (warnings \
            allowed), 1 with the reasons when it is not. Changes nothing, and leaves the camera of a \
            running kiosk alone.
            """)

    @OptionGroup var data: KioskDataOption
    @Option(help: ArgumentHelp("The camera the kiosk will use.", valueName: "device")) var source = "/dev/video0"
    @Flag(help: "One JSON object instead of lines.") var json = false

    func run() async throws {
        let findings = await GateDoctor.examine(directory: data.path, source: source, now: KioskClock.system.now())
        if json {
            let list = findings.map { JSONValue.object([("check", .string($0.check)), ("status", .string($0.status.rawValue)), ("detail", .string($0.detail))]) }
            let problems = findings.filter { $0.status == .problem }
            print(JSONValue.object([("ready", .bool(problems.isEmpty)), ("findings", .array(list))]).description)
        } else {
            for finding in findings {
                let mark = switch finding.status {
                case .ok: "ok      "
                case .warning: "warning "
                case .problem: "PROBLEM "
                }
                // Details quote the replica and the server (a gate's name, an error message).
                print("\(mark) \(finding.check): \(OutsideText.printable(finding.detail, limit: 4_000))")
            }
        }
        let problems = findings.filter { $0.status == .problem }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data(
                "gate-kiosk: this gate is not ready: \(problems.map { "\($0.check): \(OutsideText.printable($0.detail, limit: 4_000))" }.joined(separator: "; "))\n".utf8))
            throw ExitCode(1)
        }
        if !json { print("ready") }
    }
}
