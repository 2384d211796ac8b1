import Foundation
import Shared
import TestSupport
import Testing

@Suite("ticket-server keys")
struct KeysCommandTests {
    let server = ProductRunner(product: "ticket-server")

    @Test("init, rotate, revoke, list and export-kiosk work on a real data directory")
    func keyLifecycle() throws {
        let directory = TemporaryDirectory()
        let data = directory.file("data")
        let created = try server.run(["keys", "init", "--data", data])
        #expect(created.status == 0, "\(created.standardError)")
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/keys.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(try server.run(["keys", "rotate", "--data", data]).status == 0)
        #expect(try server.run(["keys", "revoke", "1", "--data", data]).status == 0)
        let list = try server.run(["keys", "list", "--data", data])
        #expect(list.standardOutput.contains("1    revoked"))
        #expect(list.standardOutput.contains("2    active"))
        #expect(!list.standardOutput.contains("seed"))

        let export = directory.file("kiosk.json")
        #expect(try server.run(["keys", "export-kiosk", "--data", data, "--output", export]).status == 0)
        let kioskRing = try KeyFile.read(from: export)
        #expect(kioskRing.keys.map(\.kid) == [1, 2])
        #expect(kioskRing.keys.allSatisfy { $0.seed == nil })
        #expect(kioskRing == (try KeyFile.read(from: data + "/keys.json")).kioskExport)
    }

    @Test("init refuses to replace existing keys, and the keys stay as they were")
    func initDoesNotClobber() throws {
        let directory = TemporaryDirectory()
        #expect(try server.run(["keys", "init", "--data", directory.path]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.file("keys.json")))
        let again = try server.run(["keys", "init", "--data", directory.path])
        #expect(again.status == 2)
        #expect(again.standardError.contains("keys already exist"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("keys.json"))) == before)
    }

    @Test("commands on a directory without keys, or with bad flags, fail in one line with exit 2")
    func errors() throws {
        let directory = TemporaryDirectory()
        for arguments in [["keys", "list", "--data", directory.path], ["keys", "rotate", "--data", directory.path],
                          ["keys", "revoke", "300", "--data", directory.path], ["keys", "frobnicate"], ["--bogus"]] {
            let outcome = try server.run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.standardError.hasPrefix("ticket-server: error: "), "\(arguments)")
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments)")
        }
    }
}
