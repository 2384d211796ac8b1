import Foundation
import GateScenes
import Kiosk
import Logging
import Shared
import Testing
import TestSupport

/// A kiosk data directory made by the real `gate-kiosk init`, the server-side keys that issue
/// its tickets, and two ways to play frames: through a kiosk built in this process (most
/// tests), or through the real `gate-kiosk run --json` (the end-to-end ones).
final class GateHarness: @unchecked Sendable {
    // @unchecked: the stored properties are set in init and never changed.
    static let runner = ProductRunner(product: "gate-kiosk")
    /// The kiosk clock at a recording's first frame, unless a test says otherwise.
    static let clockStart: Int64 = 1_790_000_000
    let directory = TemporaryDirectory("festivalgate-kiosk")
    let serverKeys: KeyRing
    let eventID: UInt32 = 2026
    var data: String { directory.file("kiosk") }
    var keysFile: String { directory.file("kiosk-keys.json") }

    /// `serverKeys` defaults to one fresh active key; the kiosk gets its export.
    init(serverKeys: KeyRing = .generate(), gate: String = "North-1") throws {
        self.serverKeys = serverKeys
        try KeyFile.write(serverKeys.kioskExport, to: keysFile)
        let outcome = try Self.runner.run(["init", "--data", data, "--event", String(eventID), "--keys", keysFile, "--gate", gate])
        #expect(outcome.status == 0, "init failed: \(outcome.standardError)")
    }

    /// A token issued by the server's active key (or `key`), valid an hour either side of the
    /// default clock start.
    func token(
        _ id: UInt64, event: UInt32? = nil, ticketClass: UInt16 = 1, flags: TicketFlags = [], holder: String = "Ada Lovelace",
        seat: String = "A-1", notBefore: Int64 = clockStart - 3_600, notAfter: Int64 = clockStart + 3_600, key: TokenKey? = nil
    ) throws -> String {
        let encoder = try key.map { try TokenEncoder(key: $0) } ?? TokenEncoder(activeKeyOf: serverKeys)
        return try encoder.encode(TicketToken(
            ticketID: id, eventID: event ?? eventID, notBefore: UInt32(notBefore), notAfter: UInt32(notAfter),
            ticketClass: ticketClass, flags: flags, seat: seat, holder: holder))
    }

    /// Runs `gate-kiosk import` on `json`.
    @discardableResult
    func importTickets(_ json: String) throws -> ProductRunner.Outcome {
        let file = directory.file("import-\(UUID().uuidString).json")
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        return try Self.runner.run(["import", "--data", data, file])
    }

    /// Plays `frames` through a kiosk built in this process (`KioskApplication`, as `gate-kiosk
    /// run` builds it) and returns its verdicts as `--json` would print them. `arguments` are the
    /// run command's, for the few options tests use.
    func run(
        _ frames: [GreyFrame], framesPerSecond: Int = 10, clockStart: Int64 = clockStart, arguments: [String] = []
    ) async throws -> [Verdict] {
        var options = KioskOptions(dataDirectory: data, output: .events)
        options.clockStart = clockStart * 1_000
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            let next = remaining.popFirst()
            let value = try #require(next, "\(flag) needs a value")
            switch flag {
            case "--classes": options.classes = Set(value.split(separator: ",").compactMap { UInt16($0) })
            case "--direction": options.direction = try #require(Direction(rawValue: value))
            case "--debounce": options.debounceMilliseconds = Int64(try #require(Double(value)) * 1_000)
            case "--grace": options.graceMilliseconds = Int64(try #require(Double(value)) * 60_000)
            case "--on-admit": options.onAdmit = value
            default: Issue.record("runInProcess does not know \(flag)")
            }
        }
        let kiosk = try KioskApplication(options: options, frames: { MemoryFrames(frames, framesPerSecond: framesPerSecond) }, logger: Logger(label: "kiosk-test"))
        let verdicts = kiosk.events.subscribe("test", limit: 100_000)
        try await kiosk.run(stopsOnSignals: false)
        var lines: [Verdict] = []
        for await event in verdicts {
            if case .verdict(.new(let verdict), _) = event { lines.append(Verdict(line: verdict.json.description)) }
        }
        return lines
    }

    /// Plays `frames` as a Y4M recording through the real `gate-kiosk run --json` and returns its
    /// verdicts: the end-to-end path (Y4M parsing, colour spaces, the command's flags).
    func runExecutable(
        _ frames: [GreyFrame], framesPerSecond: Int = 10, colourSpace: String = "mono", clockStart: Int64 = clockStart,
        arguments: [String] = []
    ) throws -> [Verdict] {
        let file = directory.file("clip-\(UUID().uuidString).y4m")
        try Y4MWriter.write(frames, to: file, framesPerSecond: framesPerSecond, colourSpace: colourSpace)
        let outcome = try Self.runner.run(
            ["run", "--data", data, "--source", file, "--json", "--clock-start", String(clockStart)] + arguments)
        #expect(outcome.status == 0, "run failed: \(outcome.standardError)")
        return outcome.standardOutput.split(separator: "\n").map { Verdict(line: String($0)) }
    }

    /// One `--json` line, read back.
    struct Verdict: CustomStringConvertible {
        let fields: [String: Any]
        init(line: String) {
            fields = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["unparsed": line]
        }
        var verdict: String? { fields["verdict"] as? String }
        var reason: String? { fields["reason"] as? String }
        var ticketID: String? { fields["ticket_id"] as? String }
        var admitted: Bool { verdict == "admit" }
        subscript(key: String) -> Any? { fields[key] }
        var description: String { "\(verdict ?? "?") \(reason ?? "?") \(ticketID ?? "-")" }
    }
}

extension Scene {
    /// A ticket held up in the middle of the frame, the plain case.
    static func holding(_ text: String?, seed: UInt64 = 1) -> Scene {
        Scene(text: text, seed: seed)
    }
}
