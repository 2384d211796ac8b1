import ArgumentParser
import Foundation
import Shared

/// `gate-kiosk check-token`: the format check alone, as one JSON object.
struct CheckTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-token",
        abstract: "Check one FT1 token's signature and decrypt it; print the result as JSON.",
        discussion: """
            Pure token checking: no validity window, no replica, no "already used".
            Exit status: 0 valid, 1 rejected (the JSON says why), 2 usage error such as an \
            unreadable key file.
            """)

    @Argument(help: "The token text, as the QR code holds it (FT1:…).")
    var token: String

    @Option(help: ArgumentHelp("A key file in the kiosk export format.", valueName: "file"))
    var keys: String

    func run() throws {
        let decoder = try TokenDecoder(keyRing: KeyFile.read(from: keys))
        do {
            let decoded = try decoder.decode(token)
            print(JSONValue.object([("valid", .bool(true)), ("ticket", decoded.json)]))
        } catch {
            print(JSONValue.object([("valid", .bool(false)), ("reason", .string(error.reason))]))
            throw ExitCode(1)
        }
    }
}
