import ArgumentParser
import Foundation
import Server
import Shared

/// `ticket-server keys …`: the token keys, in the data directory's `keys.json`, or with
/// `--database` in that PostgreSQL database.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, rotate, revoke, list and export the token keys.",
        discussion: """
            A running server picks up changed keys within a second or two; rotate and revoke \
            wait for it and say when it issues under the new keys. With --database, the keys are \
            that PostgreSQL database's, shared by every server process on it, and rotate and \
            revoke wait for every one of them (docs/SERVER.md).
            """,
        subcommands: [Init.self, Rotate.self, Revoke.self, List.self, ExportKiosk.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the keys with one active key; refuses to replace existing keys.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Flag(help: "The keys were lost but the database holds tickets: make new keys on purpose, under a kid never used before.")
        var replaceLostKeys = false

        func run() async throws {
            let store = try await KeyPlace.open(data, database)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let tickets = try KeyHistory.ticketCount(dataDirectory: data.path, database: try database.location())
            let hasKeys = try store.digest() != nil
            if tickets > 0 && !replaceLostKeys && !hasKeys {
                throw ValidationError(
                    """
                    the database of \(data.path) holds \(tickets) tickets signed under keys that are gone; restore the keys \
                    (\(store.place)) from a backup, or pass --replace-lost-keys to issue under new keys from now on (gates keep \
                    the old export for the old tickets)
                    """)
            }
            let ring = try store.create(avoiding: used)
            print("created \(store.place) with active kid \(ring.activeKey!.kid)")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue under a new key from now on; the old active key retires and stays valid.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let store = try await KeyPlace.open(data, database)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let key = try store.update { ring throws(KeyRingError) in try ring.rotate(avoiding: used) }
            print("kid \(key.kid) is now active; export the kiosk keys again so gates accept it")
            try RunningServers.awaitReload(of: store)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: every ticket issued under it is rejected at the gate.")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The kid to revoke (0–255).") var kid: UInt8
        @Flag(help: "Make a new key active in the same step (required to revoke the active key).") var rotate = false

        func run() async throws {
            let store = try await KeyPlace.open(data, database)
            let used = try KeyHistory.recordedKids(dataDirectory: data.path, database: try database.location())
            let ring = try store.load()
            guard ring[kid] != nil else { throw ValidationError("there is no kid \(kid) in \(store.place)") }
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
            try RunningServers.awaitReload(of: store)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never their secrets).")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let ring = try await KeyPlace.open(data, database).load()
            print("kid  status   ed25519 public key")
            for key in ring.keys {
                let kid = String(key.kid).padding(toLength: 4, withPad: " ", startingAt: 0)
                let status = key.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                print("\(kid) \(status) \(Hex.encode(key.publicKey))")
            }
        }
    }

    struct ExportKiosk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-kiosk",
            abstract: "Write the keys a gate kiosk needs: AES keys and public keys, no signing seed (mode 0600).")
        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var database: DatabaseOption
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        func run() async throws {
            let export = try await KeyPlace.open(data, database).load().kioskExport
            if let output {
                try KeyFile.write(export, to: output)
            } else {
                FileHandle.standardOutput.write(KeyFile.encode(export))
            }
        }
    }
}

/// Where the keys commands find the ring: the data directory's file, or the database's.
enum KeyPlace {
    static func open(_ data: DataDirectoryOption, _ database: DatabaseOption) async throws -> any KeyRingStore {
        guard let location = try database.location() else { return ServerKeyStore(dataDirectory: data.path) }
        return try await PostgresKeyStore.migrated(location)
    }
}

/// Waits for every running server to load changed keys, and says what happened.
enum RunningServers {
    static let patience: TimeInterval = 10

    static func awaitReload(of store: any KeyRingStore) throws {
        guard !(try store.runningServers()).isEmpty else {
            print("no server is running on \(store.place); it will use these keys when it starts")
            return
        }
        guard let digest = try store.digest() else { return }
        let started = Date()
        let deadline = started.addingTimeInterval(patience)
        var waitingFor: [RunningServer] = []
        while Date() < deadline {
            let servers = try store.runningServers()
            let refused = servers.filter { $0.loaded?.digest == digest && $0.loaded?.error != nil }
            if let first = refused.first, let error = first.loaded?.error {
                print("\(first.name) refused the new keys and still issues under its old ones: \(error)")
                throw ExitCode(1)
            }
            waitingFor = servers.filter { $0.loaded?.digest != digest }
            if waitingFor.isEmpty {
                let kids = Set(servers.compactMap { $0.loaded?.activeKid }).sorted().map(String.init).joined(separator: ", ")
                let after = String(format: "%.1f", Date().timeIntervalSince(started))
                print(
                    servers.count == 1
                        ? "the running server now issues under kid \(kids) (loaded after \(after) s)"
                        : "all \(servers.count) running servers now issue under kid \(kids) (loaded after \(after) s)")
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        print(
            "\(waitingFor.map(\.name).joined(separator: ", ")) \(waitingFor.count == 1 ? "has" : "have") not loaded the new keys "
                + "within \(Int(patience)) s; see \(waitingFor.count == 1 ? "its" : "their") log")
        throw ExitCode(1)
    }
}
