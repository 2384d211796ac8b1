/// Reads FT1 text with a reader's key ring: checks, in the spec's order, the prefix, the base45,
/// the version, the key, the signature (before anything is decrypted), then the plaintext.
public struct TokenDecoder: Sendable {
    /// What the decoder needs of one kid, ready to use.
    private struct Slot: Sendable {
        let status: KeyStatus
        let cipher: AES128CTR
        let verifier: TicketVerifier
    }

    /// Indexed by kid, so a lookup on the hot path is one array access.
    private let slots: [Slot?]

    public init(keyRing: KeyRing) throws(KeyRingError) {
        var slots = [Slot?](repeating: nil, count: 256)
        for key in keyRing.keys {
            do {
                slots[Int(key.kid)] = Slot(
                    status: key.status, cipher: try AES128CTR(key: key.aesKey),
                    verifier: try TicketVerifier(publicKey: key.publicKey))
            } catch {
                throw .invalidKey(kid: key.kid, problem: "ed25519_public_key \(error)")
            }
        }
        self.slots = slots
    }

    public func decode(_ text: String) throws(TokenRejection) -> DecodedToken {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(TokenRejection) in try decode(utf8: UnsafeRawBufferPointer(utf8)) }
        }.get()
    }

    /// Decodes text given as raw bytes, as a QR scanner returns it (any bytes at all).
    public func decode(utf8 text: UnsafeRawBufferPointer) throws(TokenRejection) -> DecodedToken {
        let prefix = TokenLayout.textPrefix
        guard text.count >= prefix.count, text.prefix(prefix.count).elementsEqual(prefix) else {
            throw .notATicket
        }

        // Decode after a copy of the signature context, so the signed message is one buffer.
        let context = TokenLayout.signatureContext
        var message = context
        guard Base45.decode(UnsafeRawBufferPointer(rebasing: text[prefix.count...]), appendingTo: &message) else {
            throw .malformed
        }
        let tokenSize = message.count - context.count
        guard tokenSize >= TokenLayout.minTokenSize else { throw .malformed }

        guard message[context.count] == TokenLayout.version else { throw .unsupportedVersion }
        let kid = message[context.count + 1]
        guard let slot = slots[Int(kid)] else { throw .unknownKey }
        guard slot.status != .revoked else { throw .keyRevoked }

        let signedEnd = message.count - TokenLayout.signatureSize
        let verified = message.withUnsafeBytes { bytes in
            slot.verifier.isValidSignature(
                UnsafeRawBufferPointer(rebasing: bytes[signedEnd...]),
                for: UnsafeRawBufferPointer(rebasing: bytes[..<signedEnd]))
        }
        guard verified else { throw .badSignature }

        let nonceStart = context.count + 2
        let ciphertextStart = nonceStart + TokenLayout.nonceSize
        let ticket = message.withUnsafeBytes { bytes -> TicketToken? in
            var counter = [UInt8](repeating: 0, count: AES128CTR.blockSize)
            counter.replaceSubrange(0..<TokenLayout.nonceSize, with: bytes[nonceStart..<ciphertextStart])
            let ciphertext = UnsafeRawBufferPointer(rebasing: bytes[ciphertextStart..<signedEnd])
            return withUnsafeTemporaryAllocation(byteCount: ciphertext.count, alignment: 1) { plaintext in
                do {
                    try counter.withUnsafeBytes { counterBytes in
                        try slot.cipher.apply(initialCounterBlock: counterBytes, to: ciphertext, into: plaintext)
                    }
                } catch {
                    return nil
                }
                return TokenLayout.ticket(fromPlaintext: UnsafeRawBufferPointer(plaintext))
            }
        }
        guard let ticket else { throw .malformed }
        return DecodedToken(kid: kid, ticket: ticket)
    }
}
