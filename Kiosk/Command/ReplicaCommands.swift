import ArgumentParser
import Foundation
import Kiosk
import Shared

/// `--data DIR`, the kiosk's data directory, shared by every command that uses the replica.
struct KioskDataOption: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The kiosk's data directory.", valueName: "dir"))
    var path = "./kiosk-data"
}

/// `gate-kiosk init`: a replica for one event at one gate, with the server's kiosk keys.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the kiosk's replica for one event, with the server's kiosk key export.",
        discussion: "Run again with new keys to re-key a kiosk (after 'ticket-server keys rotate'); its scans are kept.")

    @OptionGroup var data: KioskDataOption
    @Option(help: "The event this gate checks tickets for.") var event: UInt32
    @Option(help: ArgumentHelp("A key file in the kiosk export format.", valueName: "file")) var keys: String
    @Option(help: "This gate's name, as 'already used at …' will show it.") var gate = ProcessInfo.processInfo.hostName

    func validate() throws {
        guard event > 0 else { throw ValidationError("--event must be an event id, 1 or more") }
        guard !gate.isEmpty, gate.utf8.count <= 40, PrintableText.isPrintable(gate) else {
            throw ValidationError("--gate must be 1 to 40 bytes of printable text")
        }
    }

    func run() throws {
        let ring = try KeyFile.read(from: keys)
        let replica = try KioskReplica.initialise(directory: data.path, eventID: event, gate: gate, keys: ring, now: KioskClock.system.now())
        print("kiosk ready: event \(event), gate \(replica.gate), \(ring.keys.count) keys, \(try replica.ticketCount()) tickets known, data in \(data.path)")
    }
}

/// `gate-kiosk import`: tickets and revocations from a JSON file, until sync exists.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import tickets and revocations from a JSON file (format in docs/KIOSK.md).")

    @OptionGroup var data: KioskDataOption
    @Argument(help: ArgumentHelp("The import file, or - for standard input.", valueName: "file")) var file: String

    func run() throws {
        let contents: Data
        if file == "-" {
            contents = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: file) else {
                throw CommandFailure("cannot read \(file): no such file, or not readable")
            }
            contents = read
        }
        let parsed = try TicketImport.parse(contents, name: file == "-" ? "standard input" : file)
        let replica = try KioskReplica(directory: data.path)
        let summary = try replica.apply(parsed, name: file, now: KioskClock.system.now())
        let stale = summary.olderThanKnown > 0 ? "; \(summary.olderThanKnown) older than what this gate knows, left as they were" : ""
        print("imported: \(summary.added) new, \(summary.updated) updated, \(summary.revoked) revoked\(stale); \(try replica.ticketCount()) tickets known")
    }
}
