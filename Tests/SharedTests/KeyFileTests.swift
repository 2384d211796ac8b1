import Foundation
import Shared
import TestSupport
import Testing

@Suite("Key rings and key files")
struct KeyFileTests {
    @Test("a server ring survives a write and read exactly, with mode 0600")
    func serverFileRoundTrip() throws {
        let directory = TemporaryDirectory()
        var ring = KeyRing.generate()
        try ring.rotate()
        let path = directory.file("keys.json")
        try KeyFile.write(ring, to: path)
        #expect(try KeyFile.read(from: path) == ring)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("the kiosk export carries no seed and is not secret")
    func kioskExport() throws {
        let directory = TemporaryDirectory()
        let export = KeyRing.generate().kioskExport
        #expect(export.keys.allSatisfy { $0.seed == nil })
        let path = directory.file("kiosk.json")
        try KeyFile.write(export, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("ed25519_seed"))
        #expect(text.contains("\"format\" : \"festivalgate-keys/1\""))
        #expect(try KeyFile.read(from: path) == export)
    }

    @Test("rotating retires the active key and activates the next kid")
    func rotation() throws {
        var ring = KeyRing.generate()
        let key = try ring.rotate()
        #expect(key.kid == 2)
        #expect(ring.activeKey?.kid == 2)
        #expect(ring[1]?.status == .retired)
        try ring.setStatus(.active, kid: 1)
        #expect(ring[2]?.status == .retired)
        #expect(throws: KeyRingError.noSuchKid(9)) { try ring.setStatus(.revoked, kid: 9) }
    }

    @Test("a ring refuses a 256th key")
    func kidsRunOut() throws {
        var ring = try KeyRing(keys: [TokenKey.generate(kid: 255)])
        #expect(throws: KeyRingError.kidsExhausted) { try ring.rotate() }
    }

    static let badFiles: [(String, String, String)] = [
        ("unknown format", #"{"format":"festivalgate-keys/2","keys":[]}"#, "unknown format \"festivalgate-keys/2\""),
        ("not JSON", "kid=1", "not valid JSON"),
        ("missing keys", #"{"format":"festivalgate-keys/1"}"#, "missing field \"keys\""),
        ("duplicate kid", keyFile([key(1, "active"), key(1, "retired")]), "kid 1 appears more than once"),
        ("two active", keyFile([key(1, "active"), key(2, "active")]), "kids 1, 2 are all active"),
        ("short AES key", keyFile([key(3, "active", aes: "0011")]), "kid 3: aes_key is 2 bytes, expected 16"),
        ("long public key", keyFile([key(4, "active", publicKey: String(repeating: "ab", count: 33))]), "kid 4: ed25519_public_key is 33 bytes"),
        ("mismatched seed", keyFile([key(5, "active", seed: String(repeating: "11", count: 32))]), "kid 5: ed25519_public_key does not match ed25519_seed"),
        ("short seed", keyFile([key(6, "active", seed: "00")]), "kid 6: ed25519_seed is 1 bytes, expected 32"),
        ("bad hex", keyFile([key(7, "active", aes: String(repeating: "zz", count: 16))]), "kid 7: aes_key is not hex"),
        ("unknown status", keyFile([key(8, "lost")]), "kid 8: unknown status \"lost\""),
        ("kid out of range", keyFile([key(256, "active")]), "kid 256 is outside 0–255"),
    ]

    @Test("a reader rejects bad files with a message naming the problem and the kid", arguments: badFiles)
    func rejectsBadFiles(name: String, content: String, message: String) throws {
        #expect {
            try KeyFile.decode(Data(content.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect(throws: KeyFileError.unreadable(path: "/nonexistent/keys.json", reason: "no such file")) {
            try KeyFile.read(from: "/nonexistent/keys.json")
        }
    }

    // Key 1 of the spec's vectors: its public key matches its seed.
    static let vectorPublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

    static func key(
        _ kid: Int, _ status: String, aes: String = "000102030405060708090a0b0c0d0e0f",
        publicKey: String = vectorPublicKey, seed: String? = nil
    ) -> String {
        let seedField = seed.map { #","ed25519_seed":"\#($0)""# } ?? ""
        return #"{"kid":\#(kid),"status":"\#(status)","aes_key":"\#(aes)","ed25519_public_key":"\#(publicKey)"\#(seedField)}"#
    }

    static func keyFile(_ keys: [String]) -> String {
        #"{"format":"festivalgate-keys/1","keys":[\#(keys.joined(separator: ","))]}"#
    }
}
