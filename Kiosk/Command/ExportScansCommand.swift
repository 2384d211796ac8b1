import ArgumentParser
import Foundation
import Kiosk
import Shared

/// `gate-kiosk export-scans`: the scan log as CSV or JSON, synced or not.
struct ExportScansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-scans",
        abstract: "Write every scan of this gate as CSV or JSON, for the organisers (works beside a running kiosk).",
        discussion: "Holder and seat are as this gate knows them; 'synced' says whether the server has the scan yet.")

    @OptionGroup var data: KioskDataOption
    @Option(help: "csv or json (default: from --output's extension, else csv).") var format: String?
    @Option(help: ArgumentHelp("The file to write (owner-only); default standard output.", valueName: "file")) var output: String?

    func validate() throws {
        if let format, ScanExport.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or json, not '\(format)'") }
    }

    private var chosenFormat: ScanExport.Format {
        if let format { return ScanExport.Format(rawValue: format) ?? .csv }
        return output.map { ($0 as NSString).pathExtension.lowercased() == "json" } == true ? .json : .csv
    }

    func run() throws {
        let (eventID, gate, scans) = try ScanExport.scans(directory: data.path)
        let text =
            switch chosenFormat {
            case .csv: ScanExport.csv(scans)
            case .json: ScanExport.json(eventID: eventID, gate: gate, scans: scans, exportedAt: KioskClock.system.now())
            }
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        // Holders' names are personal data: owner-only, like the replica.
        try AtomicFile.write(Data(text.utf8), to: output, mode: 0o600)
        FileHandle.standardError.write(Data("gate-kiosk: \(scans.count) scans written to \(output)\n".utf8))
    }
}
