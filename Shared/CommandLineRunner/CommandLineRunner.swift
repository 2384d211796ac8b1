import ArgumentParser
import Foundation

/// Runs a FestivalGate command line with one convention for both programs:
/// - `--help` prints help and exits 0;
/// - a command that throws `ExitCode` has already said what it had to say (exit 1 means a
///   check said no, for instance) and exits with that code, printing nothing more;
/// - any other error — a bad flag, a missing or unreadable file — is one line on standard
///   error, `TOOL: error: …`, and exit code 2.
public enum CommandLineRunner {
    public static let usageErrorCode: Int32 = 2

    public static func main<Command: ParsableCommand>(_ root: Command.Type, arguments: [String]? = nil) async -> Never {
        let tool = root.configuration.commandName ?? "festivalgate"
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // Help and version requests come through here as errors whose exit code is success.
            if root.exitCode(for: error) == .success { root.exit(withError: error) }
            // A mistyped command line gets a pointer to the help; a failed action does not.
            let hint = root.exitCode(for: error) == .validationFailure ? " (see '\(tool) --help')" : ""
            FileHandle.standardError.write(Data("\(tool): error: \(root.message(for: error))\(hint)\n".utf8))
            exit(usageErrorCode)
        }
    }
}
