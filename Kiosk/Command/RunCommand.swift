import ArgumentParser
import FestivalGateCLI
import Foundation
import Kiosk
import Logging
import ServiceLifecycle
import Shared

/// `gate-kiosk run`: camera (or recording) to verdict, on the full-screen display or as JSON lines.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Scan tickets at the gate and show each verdict.",
        discussion: """
            --source is a V4L2 camera (/dev/video0), a Y4M recording, or - for Y4M on standard \
            input (ffmpeg -i clip.mp4 -f yuv4mpegpipe -pix_fmt gray -). A recording ends the run \
            after its last verdict is written. SIGTERM or SIGINT stop the kiosk gracefully.
            """)

    @OptionGroup var data: KioskDataOption
    @Option(help: ArgumentHelp("A camera device, a .y4m file, or - for Y4M on standard input.", valueName: "source"))
    var source = "/dev/video0"
    @Option(help: ArgumentHelp("Camera frame size; auto picks 1280x720 or 640x480 at 30 fps, whichever the camera has.", valueName: "WIDTHxHEIGHT")) var size = "auto"
    @Option(name: .customLong("camera-control"), help: ArgumentHelp(
        "Sets a camera control after the kiosk's own, such as focus_absolute=30 (names as 'gate-kiosk cameras' lists them); repeatable.",
        valueName: "name=value"))
    var cameraControls: [String] = []
    @Flag(help: "One JSON line per verdict on standard output instead of the screen.") var json = false
    @Option(help: "Which way people pass this gate: entry (the default) or exit. An enrolled gate has the server's.")
    var direction: String?
    @Option(help: ArgumentHelp("Ticket classes admitted here, comma-separated numbers; default all. An enrolled gate has the server's.", valueName: "list"))
    var classes: String?
    @Option(help: ArgumentHelp("Minutes of leeway around a ticket's validity window.", valueName: "minutes"))
    var grace = 15.0
    @Option(help: ArgumentHelp("Seconds the same code in view counts as one scan.", valueName: "seconds"))
    var debounce = 10.0
    @Option(help: ArgumentHelp("A shell command run on every admit (ticket in FG_* variables).", valueName: "command"))
    var onAdmit: String?
    @Option(help: ArgumentHelp("Seconds before an --on-admit command is killed.", valueName: "seconds"))
    var onAdmitTimeout = 2.0
    @Flag(help: "Play a Y4M source at its frame rate, dropping frames as a camera would.") var realtime = false
    @Option(help: ArgumentHelp(
        "zbar's passes on a code seen but not read look at every Nth line: 1 reads the most, 2 halves their cost.", valueName: "n"))
    var scanDensity: Int32 = 1
    @Option(help: ArgumentHelp("Kiosk time of a recording's first frame, in seconds since 1970 (default: now).", valueName: "seconds"))
    var clockStart: Double?
    @Option(help: ArgumentHelp(
        "Serve Prometheus metrics (frames, decode time, verdicts, sync lag, pending scans) at http://HOST:PORT/metrics, such as 127.0.0.1:9464; port 0 picks a free one (the log says which).",
        valueName: "host:port"))
    var metrics: String?
    @OptionGroup var logging: LogOptions

    func validate() throws {
        if let direction, Direction(rawValue: direction) == nil {
            throw ValidationError("--direction must be entry or exit, not '\(direction)'")
        }
        guard size.lowercased() == "auto" || frameSize != nil else {
            throw ValidationError("--size must be auto or WIDTHxHEIGHT, such as 640x480, not '\(size)'")
        }
        if let list = classList, list.isEmpty || list.contains(nil) {
            throw ValidationError("--classes must be class numbers 0 to 65535, such as 1,2, not '\(classes!)'")
        }
        guard grace >= 0, grace <= 24 * 60 else { throw ValidationError("--grace must be 0 to 1440 minutes") }
        guard debounce >= 0, debounce <= 600 else { throw ValidationError("--debounce must be 0 to 600 seconds") }
        guard (1...4).contains(scanDensity) else { throw ValidationError("--scan-density must be 1 to 4") }
        if let clockStart, !(0...Double(UInt32.max)).contains(clockStart) {
            throw ValidationError("--clock-start must be seconds since 1970, 0 to \(UInt32.max)")
        }
        guard onAdmitTimeout > 0, onAdmitTimeout <= 60 else { throw ValidationError("--on-admit-timeout must be above 0 and at most 60 seconds") }
        if metrics != nil, metricsAddress == nil {
            throw ValidationError("--metrics must be HOST:PORT with a port of 0 to 65535, such as 127.0.0.1:9464, not '\(metrics!)'")
        }
    }

    /// --metrics split at its last colon (an IPv6 host may be in brackets: [::1]:9464).
    private var metricsAddress: (host: String, port: Int)? {
        guard let metrics, let colon = metrics.lastIndex(of: ":") else { return nil }
        let host = metrics[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty, let port = Int(metrics[metrics.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        return (host, port)
    }

    private var frameSize: (width: Int, height: Int)? {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (16...8_192).contains(parts[0]), (16...8_192).contains(parts[1]) else { return nil }
        return (parts[0], parts[1])
    }

    /// The --classes list as parsed, a nil where an entry is not a class number.
    private var classList: [UInt16?]? {
        classes.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { UInt16($0.trimmingCharacters(in: .whitespaces)) } }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "gate-kiosk")
        // Without a terminal (a service, a pipe) the screen has nowhere to go: JSON it is.
        var options = KioskOptions(dataDirectory: data.path, output: json || !Terminal.isInteractive ? .jsonLines : .screen)
        options.direction = direction.flatMap(Direction.init(rawValue:))
        options.classes = classList.map { Set($0.compactMap { $0 }) }
        options.graceMilliseconds = Int64(grace * 60_000)
        options.debounceMilliseconds = Int64(debounce * 1_000)
        options.onAdmit = onAdmit
        options.onAdmitTimeout = onAdmitTimeout
        options.scanDensity = scanDensity
        options.clockStart = clockStart.map { Int64($0 * 1_000) }
        options.metrics = metricsAddress
        do {
            try await KioskApplication(options: options, frames: { try openSource(logger: logger) }, logger: logger).run()
        } catch let error as KioskRunError {
            throw CommandFailure(error.description)
        }
    }

    /// A character device is a camera, and so is a missing /dev/video* (its error says so, in
    /// the camera's words); anything else is a Y4M recording.
    private func openSource(logger: Logger) throws -> sending any FrameSource {
        var status = stat()
        let isDevice = stat(source, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
        guard source != "-", isDevice || source.hasPrefix("/dev/video") else {
            return RecordedSource(reader: try Y4MReader(path: source), realtime: realtime)
        }
        let camera = try CameraSource(path: source, size: frameSize, controlRequests: cameraControls)
        logger.notice("camera \(camera.summary)")
        return camera
    }
}

/// A failed action (not a mistyped command line): one line on standard error, exit 2.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
