import COpenSSL

// The only file that talks to libcrypto. Everything above it sees byte arrays, `Bool`s and
// `OpenSSLError`s, never an OpenSSL handle.

/// A failed libcrypto call, with the library's own description of what went wrong.
public struct OpenSSLError: Error, CustomStringConvertible, Sendable {
    /// The C function that failed.
    public let operation: String
    /// The newest entry of OpenSSL's error queue, if it had one.
    public let detail: String

    init(_ operation: String) {
        self.operation = operation
        let code = ERR_get_error()
        if code == 0 {
            detail = "no detail from OpenSSL"
        } else {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        ERR_clear_error()
    }

    public var description: String { "\(operation) failed: \(detail)" }
}

/// Bytes from OpenSSL's CSPRNG (`RAND_bytes`), for keys and token nonces.
public enum SecureRandom {
    /// Returns `count` random bytes. The corresponding C call is `RAND_bytes`.
    public static func bytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            // RAND_bytes fails only when the OS entropy source is gone; nothing is safe after that.
            guard RAND_bytes(buffer.baseAddress, Int32(buffer.count)) == 1 else {
                fatalError("\(OpenSSLError("RAND_bytes"))")
            }
        }
        return bytes
    }
}

// MARK: - AES-128-CTR

/// The AES-128-CTR cipher, fetched from the provider once for the whole process.
///
/// `EVP_aes_128_ctr()` looks the implementation up again on every init, which more than doubles
/// the cost of a short token; a fetched `EVP_CIPHER` is immutable and may be shared by threads.
private final class FetchedCipher: @unchecked Sendable {
    static let aes128CTR = FetchedCipher(name: "AES-128-CTR")
    let pointer: OpaquePointer

    private init(name: String) {
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
            fatalError("\(OpenSSLError("EVP_CIPHER_fetch(\(name))"))")
        }
        pointer = cipher
    }
}

/// AES-128 in counter mode under one key.
///
/// Thread-safe: each call makes its own `EVP_CIPHER_CTX`; the key is an immutable array.
public struct AES128CTR: Sendable {
    public static let keySize = 16
    public static let blockSize = 16
    private let key: [UInt8]

    public init(key: [UInt8]) throws(CryptoKeyError) {
        guard key.count == Self.keySize else {
            throw .wrongLength(expected: Self.keySize, actual: key.count)
        }
        self.key = key
    }

    /// Encrypts or decrypts (the same operation in CTR mode) `input` into `output`, which must be
    /// at least as long. The corresponding C calls are `EVP_EncryptInit_ex2` and `EVP_EncryptUpdate`.
    public func apply(
        initialCounterBlock: UnsafeRawBufferPointer,
        to input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(initialCounterBlock.count == Self.blockSize, "CTR needs a 16-byte counter block")
        precondition(output.count >= input.count, "output shorter than input")
        guard let context = EVP_CIPHER_CTX_new() else { throw OpenSSLError("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialized = key.withUnsafeBufferPointer { keyBytes in
            EVP_EncryptInit_ex2(
                context, FetchedCipher.aes128CTR.pointer, keyBytes.baseAddress,
                initialCounterBlock.assumingMemoryBound(to: UInt8.self).baseAddress, nil)
        }
        guard initialized == 1 else { throw OpenSSLError("EVP_EncryptInit_ex2") }
        guard !input.isEmpty else { return }
        var written: Int32 = 0
        guard
            EVP_EncryptUpdate(
                context, output.assumingMemoryBound(to: UInt8.self).baseAddress, &written,
                input.assumingMemoryBound(to: UInt8.self).baseAddress, Int32(input.count)) == 1,
            Int(written) == input.count
        else { throw OpenSSLError("EVP_EncryptUpdate") }
    }

    /// Convenience form for arrays, used by tests and tools.
    public func apply(initialCounterBlock: [UInt8], to input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count)
        try initialCounterBlock.withUnsafeBytes { counter in
            try input.withUnsafeBytes { inputBytes in
                try output.withUnsafeMutableBytes { outputBytes in
                    try apply(initialCounterBlock: counter, to: inputBytes, into: outputBytes)
                }
            }
        }
        return output
    }
}

/// A key of the wrong size was handed to a cipher or a signature scheme.
public enum CryptoKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength(expected: Int, actual: Int)
    case rejectedByOpenSSL(String)

    public var description: String {
        switch self {
        case .wrongLength(let expected, let actual): "is \(actual) bytes, expected \(expected)"
        case .rejectedByOpenSSL(let detail): "was rejected by OpenSSL: \(detail)"
        }
    }
}

// MARK: - Ed25519

/// An immutable `EVP_PKEY`. OpenSSL 3 allows concurrent signing and verifying with one key object
/// as long as nobody changes it, and nothing here does after `init`: hence `@unchecked Sendable`.
private final class PKey: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

/// Signs with an Ed25519 private key (the server's side of a token key).
public struct TicketSigner: Sendable {
    public static let seedSize = 32
    public static let signatureSize = 64
    private let key: PKey
    /// The 32-byte public key that verifies this signer's signatures.
    public let publicKey: [UInt8]

    /// The corresponding C call is `EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, …)`.
    public init(seed: [UInt8]) throws(CryptoKeyError) {
        guard seed.count == Self.seedSize else {
            throw .wrongLength(expected: Self.seedSize, actual: seed.count)
        }
        let made = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let made else { throw .rejectedByOpenSSL(OpenSSLError("EVP_PKEY_new_raw_private_key").detail) }
        key = PKey(made)
        var publicKey = [UInt8](repeating: 0, count: TicketVerifier.publicKeySize)
        var length = publicKey.count
        guard EVP_PKEY_get_raw_public_key(made, &publicKey, &length) == 1,
            length == TicketVerifier.publicKeySize
        else { throw .rejectedByOpenSSL(OpenSSLError("EVP_PKEY_get_raw_public_key").detail) }
        self.publicKey = publicKey
    }

    /// The 64-byte Ed25519 signature of `message`. The corresponding C call is `EVP_DigestSign`.
    public func signature(for message: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        // Ed25519 hashes internally: the digest argument must be NULL.
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
            throw OpenSSLError("EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: Self.signatureSize)
        var length = signature.count
        guard
            EVP_DigestSign(
                context, &signature, &length, message.assumingMemoryBound(to: UInt8.self).baseAddress,
                message.count) == 1,
            length == Self.signatureSize
        else { throw OpenSSLError("EVP_DigestSign") }
        return signature
    }

    public func signature(for message: [UInt8]) throws -> [UInt8] {
        try message.withUnsafeBytes { try signature(for: $0) }
    }
}

/// Checks Ed25519 signatures against a public key (the kiosk's side of a token key).
public struct TicketVerifier: Sendable {
    public static let publicKeySize = 32
    private let key: PKey

    /// The corresponding C call is `EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, …)`.
    public init(publicKey: [UInt8]) throws(CryptoKeyError) {
        guard publicKey.count == Self.publicKeySize else {
            throw .wrongLength(expected: Self.publicKeySize, actual: publicKey.count)
        }
        let made = publicKey.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let made else { throw .rejectedByOpenSSL(OpenSSLError("EVP_PKEY_new_raw_public_key").detail) }
        key = PKey(made)
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`. Any failure, including
    /// a signature of the wrong length, is `false`. The corresponding C call is `EVP_DigestVerify`.
    public func isValidSignature(_ signature: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == TicketSigner.signatureSize, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else {
            ERR_clear_error()
            return false
        }
        let verified = EVP_DigestVerify(
            context, signature.assumingMemoryBound(to: UInt8.self).baseAddress, signature.count,
            message.assumingMemoryBound(to: UInt8.self).baseAddress, message.count)
        if verified != 1 { ERR_clear_error() }
        return verified == 1
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        signature.withUnsafeBytes { signatureBytes in
            message.withUnsafeBytes { isValidSignature(signatureBytes, for: $0) }
        }
    }
}

// MARK: - Passwords and digests

/// scrypt (RFC 7914), the slow, memory-hard KDF that stores account passwords.
public enum Scrypt {
    /// Derives `length` bytes from `password` and `salt` with cost `n` (a power of two), block
    /// size `r` and parallelism `p`. The corresponding C call is `EVP_PBE_scrypt`.
    public static func derive(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws -> [UInt8] {
        // Room for the N·r·128 bytes of scratch memory scrypt needs, plus slack.
        let maxMemory = n * r * 128 * 2 + 1_048_576
        var output = [UInt8](repeating: 0, count: length)
        let derived = EVP_PBE_scrypt(
            password.map { CChar(bitPattern: $0) }, password.count, salt, salt.count, n, r, p, maxMemory, &output, length)
        guard derived == 1 else { throw OpenSSLError("EVP_PBE_scrypt") }
        return output
    }
}

/// SHA-256, for storing session tokens as hashes. The corresponding C call is `EVP_Digest`.
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        // EVP_Digest with SHA-256 fails only on allocation failure.
        guard EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil) == 1 else {
            fatalError("\(OpenSSLError("EVP_Digest(SHA-256)"))")
        }
        return digest
    }
}

/// HMAC-SHA256: form tokens keyed with the server's secret, and a waiting room's draw. The
/// corresponding C call is `EVP_Q_mac("HMAC", "SHA256")`.
public enum HMACSHA256 {
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: 32)
        var length = 0
        // A MAC over memory we hold fails only on allocation failure.
        guard EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, key, key.count, message, message.count, &code, code.count, &length) != nil,
            length == 32
        else { fatalError("\(OpenSSLError("EVP_Q_mac(HMAC-SHA256)"))") }
        return code
    }
}

/// Compares secrets in time that does not depend on where they differ. The corresponding C
/// call is `CRYPTO_memcmp`.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.count == rhs.count && CRYPTO_memcmp(lhs, rhs, lhs.count) == 0
}
