import ArgumentParser
import Server

/// `ticket-server accounts …`: recovery on the data directory, for when no organiser can sign in.
struct AccountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Recover access: create an organiser, or reset a password (works beside a running server).",
        subcommands: [CreateOrganiser.self, ResetPassword.self])

    struct CreateOrganiser: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-organiser",
            abstract: "Create an organiser (or make an existing account one) with a new random password, printed once.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Option(help: "The organiser's email.") var email: String
        @Option(help: "The name shown for them.") var name = "Festival Office"

        func run() throws {
            let password = try AccountRecovery.createOrganiser(email: email, name: name, dataDirectory: data.path, database: try database.location())
            print("organiser \(email) can sign in with the password: \(password)")
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Give an account a new random password (printed once) and sign it out everywhere.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Option(help: "The account's email.") var email: String

        func run() throws {
            let password = try AccountRecovery.resetPassword(email: email, dataDirectory: data.path, database: try database.location())
            print("\(email) can sign in with the password: \(password); every earlier session is closed")
        }
    }
}
