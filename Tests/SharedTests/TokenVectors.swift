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

    static let fixtureURL = Bundle.module.url(forResource: "token-v1", withExtension: "json", subdirectory: "Fixtures")!
    static let shared = try! JSONDecoder().decode(TokenVectors.self, from: Data(contentsOf: fixtureURL))

    /// The vectors' keys with signing seeds, the first active and the rest retired, so every kid
    /// in the file is accepted.
    var serverRing: KeyRing {
        try! KeyRing(
            keys: keys.enumerated().map { index, key in
                try TokenKey(
                    kid: key.kid, status: index == 0 ? .active : .retired, aesKey: Hex.decode(key.aes_key)!,
                    publicKey: Hex.decode(key.ed25519_public_key)!, seed: Hex.decode(key.ed25519_seed)!)
            })
    }

    func key(_ kid: UInt8) -> TokenKey { serverRing[kid]! }
}

extension TokenVectors.Valid: CustomTestStringConvertible {
    var testDescription: String { name }
}
