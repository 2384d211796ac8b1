import ArgumentParser
import Foundation
import Server
import Shared

/// `ticket-server keys …`: the token keys in the data directory.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, rotate, revoke, list and export the token keys.",
        subcommands: [Init.self, Rotate.self, Revoke.self, List.self, ExportKiosk.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the key file with one active key (kid 1); refuses to replace existing keys.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let ring = try store.create()
            print("created \(store.path) with active kid \(ring.activeKey!.kid)")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue under a new key from now on; the old active key retires and stays valid.")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let key = try store.update { ring throws(KeyRingError) in try ring.rotate() }
            print("kid \(key.kid) is now active; export the kiosk keys again so gates accept it")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: every ticket issued under it is rejected at the gate.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "The kid to revoke (0–255).") var kid: UInt8

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let ring = try store.update { ring throws(KeyRingError) in
                try ring.setStatus(.revoked, kid: kid)
                return ring
            }
            print("kid \(kid) revoked; export the kiosk keys again so gates learn it")
            if ring.activeKey == nil { print("no key is active now: run 'ticket-server keys rotate' before issuing") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never their secrets).")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let ring = try ServerKeyStore(dataDirectory: data.path).load()
            print("kid  status   ed25519 public key")
            for key in ring.keys {
                let kid = String(key.kid).padding(toLength: 4, withPad: " ", startingAt: 0)
                let status = key.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                print("\(kid) \(status) \(Hex.encode(key.publicKey))")
            }
        }
    }

    struct ExportKiosk: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-kiosk",
            abstract: "Write the keys a gate kiosk needs: AES keys and public keys, no signing seed.")
        @OptionGroup var data: DataDirectoryOption
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            let export = try ServerKeyStore(dataDirectory: data.path).load().kioskExport
            if let output {
                try KeyFile.write(export, to: output)
            } else {
                FileHandle.standardOutput.write(KeyFile.encode(export))
            }
        }
    }
}
