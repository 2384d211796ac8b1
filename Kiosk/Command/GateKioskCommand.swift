import ArgumentParser
import FestivalGateCLI

/// `gate-kiosk`: checks FestivalGate tickets at the entrance.
@main
struct GateKioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate-kiosk",
        abstract: "Scans ticket QR codes at a festival gate and shows whether to let the holder in.",
        subcommands: [
            RunCommand.self, EnrollCommand.self, SyncCommand.self, StatusCommand.self, InitCommand.self, ImportCommand.self,
            CheckTokenCommand.self, CamerasCommand.self, DoctorCommand.self, ExportScansCommand.self,
        ])

    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
