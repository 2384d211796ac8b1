import Foundation
import GateScenes
import Kiosk
import Shared
import Testing
import TestSupport

/// A kiosk data directory made by the real `gate-kiosk init`, the server-side keys that issue
/// its tickets, and a way to play frames through the real `gate-kiosk run --json`.
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

    /// Plays `frames` as a Y4M recording through `gate-kiosk run --json` and returns its verdicts.
    func run(
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
