import Foundation
import Shared
import Testing

@Suite("FT1 vectors from shared/vectors/token-v1.json")
struct TokenVectorTests {
    let vectors: TokenVectors

    init() throws {
        vectors = try TokenVectors.load()
    }

    @Test("the fixture is byte-identical to shared/vectors", .enabled(if: FileManager.default.fileExists(atPath: sharedVectorsPath)))
    func fixtureMatchesSharedCopy() throws {
        let fixture = try Data(contentsOf: TokenVectors.fixtureURL())
        let shared = try Data(contentsOf: URL(fileURLWithPath: sharedVectorsPath))
        #expect(fixture == shared)
    }

    @Test("the fixture names the context and prefix this code uses")
    func contextAndPrefix() {
        #expect(Array(vectors.context.utf8) == TokenLayout.signatureContext)
        #expect(Array(vectors.prefix.utf8) == TokenLayout.textPrefix)
    }

    @Test("valid vectors encode from their fields, kid and nonce to exactly the given token", arguments: try TokenVectors.load().valid)
    func encodesExactly(vector: TokenVectors.Valid) throws {
        let encoder = try TokenEncoder(key: vectors.key(vector.kid))
        let token = try encoder.encode(vector.fields, nonce: hex(vector.nonce))
        #expect(token == vector.token)
    }

    @Test("valid vectors decode back to exactly their fields and kid", arguments: try TokenVectors.load().valid)
    func decodesExactly(vector: TokenVectors.Valid) throws {
        let decoder = try TokenDecoder(keyRing: vectors.serverRing().kioskExport)
        let decoded = try decoder.decode(vector.token)
        #expect(decoded.ticket == vector.fields)
        #expect(decoded.kid == vector.kid)
    }

    @Test("invalid vectors fail with exactly the given reason", arguments: try TokenVectors.load().invalid)
    func rejectsWithReason(vector: TokenVectors.Invalid) throws {
        let decoder = try TokenDecoder(keyRing: vectors.serverRing().kioskExport)
        let reason = try #require(TokenRejection(rawValue: vector.reason), "unknown reason \(vector.reason)")
        #expect(throws: reason) { try decoder.decode(vector.token) }
    }

    @Test("every reason in the vectors is one the decoder knows")
    func reasonsAreKnown() {
        for vector in vectors.invalid { #expect(TokenRejection(rawValue: vector.reason) != nil, "\(vector.name)") }
    }

    @Test("AES-128-CTR matches NIST SP 800-38A F.5.1")
    func aesCounterMode() throws {
        let vector = vectors.primitives.aes128ctr_nist_sp800_38a_f51
        let cipher = try AES128CTR(key: hex(vector.key))
        let output = try cipher.apply(initialCounterBlock: hex(vector.initial_counter_block), to: hex(vector.plaintext))
        #expect(Hex.encode(output) == vector.ciphertext)
    }

    @Test("Ed25519 matches RFC 8032 test 1")
    func ed25519() throws {
        let vector = vectors.primitives.ed25519_rfc8032_test1
        let signer = try TicketSigner(seed: hex(vector.seed))
        #expect(Hex.encode(signer.publicKey) == vector.public_key)
        let message = try hex(vector.message)
        let signature = try signer.signature(for: message)
        #expect(Hex.encode(signature) == vector.signature)
        let verifier = try TicketVerifier(publicKey: hex(vector.public_key))
        #expect(verifier.isValidSignature(signature, for: message))
        #expect(!verifier.isValidSignature(signature, for: [0]))
    }

    @Test("base45 matches RFC 9285 both ways")
    func base45() throws {
        for pair in vectors.primitives.base45_rfc9285 {
            let bytes = try hex(pair.bytes)
            #expect(Base45.encode(bytes) == pair.text)
            #expect(Base45.decode(pair.text) == bytes)
        }
    }
}

/// `shared/` sits beside the repository; the copy in Fixtures must not drift from it.
let sharedVectorsPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/vectors/token-v1.json").path
