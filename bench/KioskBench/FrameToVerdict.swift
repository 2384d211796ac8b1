import Foundation
import GateScenes
import Kiosk
import QRCodes
import Shared

/// Frame ready to verdict on disk, per frame, with a 100,000-ticket replica; then the whole
/// kiosk idling at 30 fps on an empty gate (CPU share, memory).
func frameToVerdict(samples: Int, density: Int32) throws {
    let eventID: UInt32 = 2026
    let replicaTickets = 100_000
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(getpid())").path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }

    let keys = KeyRing.generate()
    let encoder = try TokenEncoder(activeKeyOf: keys)
    let now = Int64(Date().timeIntervalSince1970)
    func token(_ id: UInt64) throws -> String {
        try encoder.encode(TicketToken(
            ticketID: id, eventID: eventID, notBefore: UInt32(now - 3_600), notAfter: UInt32(now + 3_600), ticketClass: 1,
            seat: "R\(id % 40)-\(id % 30)", holder: "Holder \(id)"))
    }

    /// A replica of `replicaTickets` imported tickets in `directory`.
    func makeReplica(_ directory: String) throws -> KioskReplica {
        let replica = try KioskReplica.initialise(directory: directory, eventID: eventID, gate: "bench", keys: keys.kioskExport, now: now * 1_000)
        let entries = (1...UInt64(replicaTickets)).map {
            TicketImport.Entry(ticketID: $0, status: .valid, holder: "Holder \($0)", seat: "", ticketClass: 1, usedAt: nil, usedGate: nil)
        }
        _ = try replica.apply(TicketImport(eventID: eventID, tickets: entries), name: "bench", now: now * 1_000)
        return replica
    }



    // MARK: Frame ready to verdict

    print("kiosk-bench: \(samples) frames a case, scan density \(density), replica of \(replicaTickets) tickets, synchronous=FULL")
    let replica = try makeReplica(work + "/frames")
    // No debounce: every read of a code is judged and written, the most a frame can cost.
    let gatekeeper = try Gatekeeper(replica: replica, rules: GateRules(debounceMilliseconds: 0))
    // The kiosk's own reader, passes and all: what a frame costs at the gate.
    let reader = try CodeReader(density: density)
    for (width, height, module) in [(640, 480, 4.0), (1280, 720, 6.0)] {
        for withCode in [true, false] {
            // 20 different frames, noisy and slightly blurred, as a webcam delivers them.
            var frames = [GreyFrame]()
            for index in 0..<20 {
                let text: String? = withCode ? try token(UInt64(index + 1)) : nil
                let scene = Scene(
                    text: text, centreX: Double(width / 2 + index * 3), centreY: Double(height / 2), moduleSize: module,
                    degrees: Double(index % 7 * 3), blurPasses: 1, noise: 10, seed: UInt64(index))
                frames.append(try scene.frame(width: width, height: height))
            }
            var times = [Double]()
            var verdicts = 0
            let clock = ContinuousClock()
            for index in 0..<samples {
                let frame = frames[index % frames.count]
                let ready = clock.now
                for payload in reader.read(frame) {
                    _ = try gatekeeper.scan(payload, at: KioskClock.system.now())
                    verdicts += 1
                }
                let elapsed = clock.now - ready
                times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
            times.sort()
            let label = "\(width)x\(height) \(withCode ? "with a QR" : "no QR    ")"
            print(String(format: "%@: p50 %.2f ms, p99 %.2f ms (%d verdicts)", label, percentile(times, 0.5) / 1_000, percentile(times, 0.99) / 1_000, verdicts))
        }
    }

    // MARK: Idling at 30 fps

    for size in [(width: 640, height: 480), (width: 1280, height: 720)] {
        try idle(work: work, density: density, size: size) { _ = try makeReplica($0) }
    }
}

/// `gate-kiosk run` on a recording of an empty gate, in real time at 30 fps: the share of one core
/// it takes and its resident set. The frames are the gate scenes' empty ones (clutter, noise,
/// every light of `GateCondition`), 30 of them in turn.
private func idle(work: String, density: Int32, size: (width: Int, height: Int), makeReplica: (String) throws -> Void) throws {
    let idleDirectory = work + "/idle-\(size.width)"
    try makeReplica(idleDirectory)
    let clip = work + "/idle-\(size.width).y4m"
    let seconds = 20
    let conditions = GateCondition.allCases
    let empty = try (0..<30).map { try conditions[$0 % conditions.count].shot(text: nil, index: $0).at(width: size.width, height: size.height).frame() }
    try Y4MWriter.write((0..<(seconds * 30)).map { empty[$0 % empty.count] }, to: clip, framesPerSecond: 30)
    let kiosk = Process()
    kiosk.executableURL = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("gate-kiosk")
    kiosk.arguments = ["run", "--data", idleDirectory, "--source", clip, "--json", "--realtime", "--scan-density", String(density)]
    kiosk.standardOutput = FileHandle.nullDevice
    var before = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &before)
    let started = Date()
    try kiosk.run()
    // The child's own peak, read while it lives: getrusage's ru_maxrss would count the pages it
    // shared with this process between fork and exec.
    var residentSeries = [String]()
    var peak = 0
    while kiosk.isRunning {
        Thread.sleep(forTimeInterval: 2)
        let status = (try? String(contentsOfFile: "/proc/\(kiosk.processIdentifier)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }
        }
        if let resident = field("VmRSS:") { residentSeries.append(String(resident)) }
        peak = max(peak, field("VmHWM:") ?? 0)
    }
    kiosk.waitUntilExit()
    let wall = Date().timeIntervalSince(started)
    var after = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &after)
    func cpuSeconds(_ usage: rusage) -> Double {
        Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    print("resident set every 2 s (kB): \(residentSeries.joined(separator: " "))")
    print(String(
        format: "idle, %dx%d at 30 fps for %.1f s (exit %d): CPU %.1f %% of one core, peak RSS %.1f MB",
        size.width, size.height, wall, kiosk.terminationStatus, (cpuSeconds(after) - cpuSeconds(before)) / wall * 100, Double(peak) / 1_024))
}
