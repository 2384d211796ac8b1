import Foundation
import GateProtocol
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// What `gate-kiosk run` starts, from its options: the gatekeeper, the scan pipeline and every
/// consumer of its verdicts, as one service group. The command builds it from its flags; tests
/// build it in-process, with frames from memory, a clock of their own and a server on loopback.
public struct KioskOptions: Sendable {
    /// Where verdicts go besides the scan log.
    public enum Output: Sendable {
        /// The full-screen display on the terminal.
        case screen
        /// One JSON line per verdict on standard output.
        case jsonLines
        /// Nowhere: whoever built the kiosk follows its `events` (tests, a turnstile driver).
        case events
    }

    public var dataDirectory: String
    public var output: Output
    /// nil: entry, or an enrolled gate's own.
    public var direction: Direction?
    /// nil: every class, or an enrolled gate's own.
    public var classes: Set<UInt16>?
    public var graceMilliseconds: Int64 = 15 * 60_000
    public var debounceMilliseconds: Int64 = 10_000
    public var onAdmit: String?
    public var onAdmitTimeout: Double = 2
    public var scanDensity: Int32 = 1
    /// How long an online redeem may take before the replica decides, offline.
    public var redeemDeadline: Duration = RedeemStep.defaultDeadline
    /// The kiosk time of a recording's first frame, in milliseconds.
    public var clockStart: Int64?
    public var metrics: (host: String, port: Int)?
    /// The kiosk's clock; nil: the server's time once heard (enrolled), the system's otherwise.
    public var clock: KioskClock?

    public init(dataDirectory: String, output: Output) {
        self.dataDirectory = dataDirectory
        self.output = output
    }
}

/// A kiosk composed and ready to run. It holds the data directory's lock from the moment it is
/// built: a second kiosk on the same directory is refused before it opens the replica.
public final class KioskApplication: Sendable {
    /// Every verdict, camera or manual, as the consumers hear it.
    public let events: ScanEvents
    /// The enrolled gate's link to its server; nil for a standalone kiosk.
    private let link: GateLink?
    private let pipeline: ScanPipeline
    private let services: [ServiceGroupConfiguration.ServiceConfiguration]
    private let logger: Logger
    private let lock: LockHolder

    /// `frames` opens the camera or recording, once the directory's lock is held: a second
    /// kiosk on the same directory never touches the device the first one reads.
    public init(options: KioskOptions, frames openFrames: () throws -> sending any FrameSource, logger: Logger) throws {
        try KioskReplica.requireInitialised(options.dataDirectory)
        lock = LockHolder(try DirectoryLock.waiting(.seconds(2), directory: options.dataDirectory, name: "kiosk.lock", program: "gate-kiosk"))
        let replica = try KioskReplica(directory: options.dataDirectory)
        let connection = try GateEnrollment.connection(directory: options.dataDirectory, replica: replica)
        let rules = try Self.rules(options, enrollment: try replica.enrollment())
        let gatekeeper = try Gatekeeper(replica: replica, rules: rules)
        // Scan times and validity windows use the server's time once the kiosk has heard it.
        let clock = options.clock ?? connection?.status.clock ?? .system
        self.logger = logger
        link = connection?.link

        let report: @Sendable (String) -> Void = { logger.notice("\($0)") }
        events = ScanEvents(report: report)
        let redeem = RedeemStep(
            gatekeeper: gatekeeper, events: events, link: connection?.link, status: connection?.status, deadline: options.redeemDeadline,
            report: report)
        var consumers: [any Service] = []
        if let connection {
            consumers.append(GateSync(gatekeeper: gatekeeper, link: connection.link, status: connection.status, events: events, report: report))
        }
        switch options.output {
        case .jsonLines: consumers.append(JSONVerdictWriter(events: events, logger: logger))
        case .screen:
            consumers.append(ScreenService(gatekeeper: gatekeeper, events: events, redeem: redeem, sync: connection?.status, clock: clock))
        case .events: break
        }
        if let onAdmit = options.onAdmit {
            consumers.append(AdmitHook(command: onAdmit, timeout: options.onAdmitTimeout, events: events, report: report))
        }
        let metrics = options.metrics.map { _ in KioskMetrics() }
        if let metrics, let address = options.metrics {
            consumers.append(
                KioskMetricsServer(
                    host: address.host, port: address.port, metrics: metrics, events: events, gatekeeper: gatekeeper,
                    sync: connection?.status, logger: logger))
        }
        pipeline = ScanPipeline(
            source: try openFrames(), clockStart: options.clockStart, clock: clock, gatekeeper: gatekeeper, redeem: redeem,
            density: options.scanDensity, events: events, metrics: metrics)
        // Shutdown runs from the last service to the first: scanning stops (recording the frame
        // in hand and ending the event stream) before the consumers drain it and the screen
        // lets go of the terminal. The frames running out ends the kiosk.
        var services = consumers.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup))
        self.services = services
    }

    /// Runs until the frames run out, SIGTERM or SIGINT arrive (with `stopsOnSignals`), or the
    /// calling task is cancelled; throws when a recording was cut short (its frames have still
    /// been judged and recorded). A test in-process leaves the signals to the test runner.
    public func run(stopsOnSignals: Bool = true) async throws {
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        if stopsOnSignals { configuration.gracefulShutdownSignals = [.sigterm, .sigint] }
        let group = ServiceGroup(configuration: configuration)
        defer { lock.release() }
        try await group.run()
        await link?.shutdown()
        if let problem = pipeline.sourceProblem { throw KioskRunError(description: problem) }
    }

    /// The gate's rules: an enrolled gate's direction and classes are the server's (its redeems
    /// are judged by them), so an option that says otherwise is refused.
    static func rules(_ options: KioskOptions, enrollment: Enrollment?) throws -> GateRules {
        var direction = options.direction ?? .entry
        var accepted = options.classes
        if let enrollment {
            if let chosen = options.direction, chosen != enrollment.direction {
                throw KioskRunError(description: "this gate is enrolled as an \(enrollment.direction.rawValue) gate; its direction is set on the server")
            }
            if let chosen = options.classes, chosen != enrollment.classes.map(Set.init) {
                let enrolled = enrollment.classes.map { "classes \($0.map(String.init).joined(separator: ","))" } ?? "every class"
                throw KioskRunError(description: "this gate is enrolled for \(enrolled); its classes are set on the server")
            }
            direction = enrollment.direction
            accepted = enrollment.classes.map(Set.init)
        }
        return GateRules(
            direction: direction, acceptedClasses: accepted, graceMilliseconds: options.graceMilliseconds,
            debounceMilliseconds: options.debounceMilliseconds)
    }
}

/// Why a kiosk could not be set up or its run ended badly: one line for the operator.
public struct KioskRunError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

/// The data directory's lock, held from the kiosk's building until its run ends (or, if it
/// never runs, until it goes away). Let go when the run ends, not whenever the last reference to
/// the kiosk happens to go: a kiosk started again on the directory right after must not find it
/// still held.
private final class LockHolder: Sendable {
    private let lock: Mutex<DirectoryLock?>

    init(_ lock: sending DirectoryLock) {
        self.lock = Mutex(lock)
    }

    /// Closes the lock's file, which lets the lock go.
    func release() {
        lock.withLock { $0 = nil }
    }
}
