import ArgumentParser
import Foundation
import Server
import Shared

/// `ticket-server keys …`: the token keys in the data directory.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, rotate, revoke, list and export the token keys.",
        discussion: """
            A running server picks up a changed key file within a second or two; rotate and revoke \
            wait for it and say when it issues under the new keys. With --database, the kids ever \
            used are read from that PostgreSQL database; every server process on it must then see \
            the same keys.json (docs/SERVER.md).
            """,
        subcommands: [Init.self, Rotate.self, Revoke.self, List.self, ExportKiosk.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the key file with one active key; refuses to replace existing keys.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Flag(help: "keys.json was lost but the database holds tickets: make new keys on purpose, under a kid never used before.")
        var replaceLostKeys = false

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let tickets = try KeyHistory.ticketCount(dataDirectory: data.path, database: try database.location())
            if tickets > 0 && !replaceLostKeys && !store.exists {
                throw ValidationError(
                    """
                    the database in \(data.path) holds \(tickets) tickets signed under keys that are gone; restore keys.json \
                    from a backup, or pass --replace-lost-keys to issue under new keys from now on (gates keep the old export \
                    for the old tickets)
                    """)
            }
            let ring = try store.create(avoiding: used)
            print("created \(store.path) with active kid \(ring.activeKey!.kid)")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue under a new key from now on; the old active key retires and stays valid.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let key = try store.update { ring throws(KeyRingError) in try ring.rotate(avoiding: used) }
            print("kid \(key.kid) is now active; export the kiosk keys again so gates accept it")
            try RunningServer.awaitReload(of: store, dataDirectory: data.path)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: every ticket issued under it is rejected at the gate.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The kid to revoke (0–255).") var kid: UInt8
        @Flag(help: "Make a new key active in the same step (required to revoke the active key).") var rotate = false

        func run() throws {
            let store = ServerKeyStore(dataDirectory: data.path)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let ring = try store.load()
            guard ring[kid] != nil else { throw ValidationError("there is no kid \(kid) in \(store.path)") }
            if ring.activeKey?.kid == kid && !rotate {
                throw ValidationError(
                    "kid \(kid) is the active key: revoking it would leave nothing to issue tickets under; pass --rotate to make a new key active in the same step")
            }
            let newKey = try store.update { ring throws(KeyRingError) -> TokenKey? in
                let newKey = rotate ? try ring.rotate(avoiding: used) : nil
                try ring.setStatus(.revoked, kid: kid)
                return newKey
            }
            print("kid \(kid) revoked; export the kiosk keys again so gates learn it")
            if let newKey { print("kid \(newKey.kid) is now active") }
            try RunningServer.awaitReload(of: store, dataDirectory: data.path)
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
            abstract: "Write the keys a gate kiosk needs: AES keys and public keys, no signing seed (mode 0600).")
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

/// Waits for a running server to load a changed key file, and says what happened.
enum RunningServer {
    static let patience: TimeInterval = 10

    static func awaitReload(of store: ServerKeyStore, dataDirectory: String) throws {
        guard DataDirectory.isInUse(dataDirectory) else {
            print("no server is running on \(dataDirectory); it will use these keys when it starts")
            return
        }
        guard let digest = store.digest() else { return }
        let deadline = Date().addingTimeInterval(patience)
        while Date() < deadline {
            if let marker = store.readMarker(), marker.digest == digest {
                if let error = marker.error {
                    print("the running server refused the new key file and still issues under its old keys: \(error)")
                    throw ExitCode(1)
                }
                print("the running server now issues under kid \(marker.activeKid.map(String.init) ?? "?")")
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        print("the running server has not loaded the new key file within \(Int(patience)) s; see its log")
        throw ExitCode(1)
    }
}
