import ArgumentParser
import Foundation
import Kiosk

/// `gate-kiosk cameras`: what each camera streams and what can be adjusted, as `v4l2-ctl
/// --list-formats-ext --list-ctrls` would show it, with what the kiosk would choose and set.
struct CamerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cameras",
        abstract: "List the cameras, their modes and controls, and what the kiosk would use.",
        discussion: """
            Without a device, every /dev/video* that captures video. Names of controls are what \
            'gate-kiosk run --camera-control NAME=VALUE' takes.
            """)

    @Argument(help: ArgumentHelp("Camera devices, such as /dev/video0 (default: all).", valueName: "device"))
    var devices: [String] = []

    func run() throws {
        let paths = devices.isEmpty ? V4L2Camera.devices() : devices
        var described: [V4L2Camera.Description] = []
        for path in paths {
            do {
                described.append(try V4L2Camera.describe(path))
            } catch .notACaptureDevice(_) where devices.isEmpty {
                continue  // a UVC camera's second node carries metadata, not frames
            } catch {
                throw CommandFailure(error.description)
            }
        }
        guard !described.isEmpty else { throw CommandFailure("no cameras found: no /dev/video* device captures video") }
        print(described.map(Self.text).joined(separator: "\n"))
    }

    static func text(_ camera: V4L2Camera.Description) -> String {
        var lines = ["\(camera.path): \(camera.card) (\(camera.driver), \(camera.bus))", "  modes:"]
        let formats = camera.modes.map(\.pixelFormat).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for format in formats {
            let sizes = camera.modes.filter { $0.pixelFormat == format }
                .map { "\($0.width)x\($0.height) \($0.framesPerSecond.formatted(.number.precision(.fractionLength(0...2)))) fps" }
            lines.append("    \(format): \(sizes.joined(separator: ", "))")
        }
        lines.append("  the kiosk streams: \(camera.chosenMode?.description ?? "nothing: no mode it can use")")
        lines.append("  controls:")
        for control in camera.controls {
            var line = "    \(control.key) (\(control.kind))"
            if control.kind == .integer { line += " \(control.minimum)…\(control.maximum) step \(control.step)" }
            line += ", default \(control.defaultValue)"
            if let value = control.value { line += ", now \(value)" }
            if control.inactive { line += ", inactive" }
            if !control.menu.isEmpty { line += ": " + control.menu.map { "\($0.value) \($0.label)" }.joined(separator: ", ") }
            lines.append(line)
        }
        let settings = camera.kioskSettings
        lines.append("  the kiosk sets: \(settings.isEmpty ? "nothing" : settings.map(\.description).joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
