import Foundation
import Shared
import Testing

/// `Fixtures/token-v1.json`: a byte-identical copy of `shared/vectors/token-v1.json`.
struct TokenVectors: Decodable {
    struct Key: Decodable {
        let kid: UInt8
        let aes_key: String
        let ed25519_seed: String
        let ed25519_public_key: String
    }

    struct Valid: Decodable {
        let name: String
        let kid: UInt8
        let nonce: String
        let fields: TicketToken
        let token: String
    }

    struct Invalid: Decodable, CustomTestStringConvertible {
        let name: String
        let token: String
        let reason: String
        var testDescription: String { name }
    }

    struct Primitives: Decodable {
        struct AES: Decodable {
            let key, initial_counter_block, plaintext, ciphertext: String
        }
        struct Ed25519: Decodable {
            let seed, public_key, message, signature: String
        }
        struct Base45Pair: Decodable {
            let bytes, text: String
        }
        let aes128ctr_nist_sp800_38a_f51: AES
        let ed25519_rfc8032_test1: Ed25519
        let base45_rfc9285: [Base45Pair]
    }

    let context: String
    let prefix: String
    let primitives: Primitives
    let keys: [Key]
    let valid: [Valid]
    let invalid: [Invalid]

    /// The copy of shared/vectors/token-v1.json that travels with the tests, so a plain clone runs them.
    static func fixtureURL() throws -> URL {
        try #require(Bundle.module.url(forResource: "token-v1", withExtension: "json", subdirectory: "Fixtures"), "the vectors fixture is missing")
    }

    static func load() throws -> TokenVectors {
        try JSONDecoder().decode(TokenVectors.self, from: Data(contentsOf: fixtureURL()))
    }

    /// The vectors' keys with signing seeds, the first active and the rest retired, so every kid
    /// in the file is accepted.
    func serverRing() throws -> KeyRing {
        try KeyRing(
            keys: keys.enumerated().map { index, key in
                try TokenKey(
                    kid: key.kid, status: index == 0 ? .active : .retired, aesKey: hex(key.aes_key),
                    publicKey: hex(key.ed25519_public_key), seed: hex(key.ed25519_seed))
            })
    }

    func key(_ kid: UInt8) throws -> TokenKey { try #require(try serverRing()[kid], "no key \(kid) in the vectors") }
}

extension TokenVectors.Valid: CustomTestStringConvertible {
    var testDescription: String { name }
}

/// The bytes a vector spells in hex; a test failure if it is not hex.
func hex(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    try #require(Hex.decode(text), "not hex: \(text)", sourceLocation: sourceLocation)
}
