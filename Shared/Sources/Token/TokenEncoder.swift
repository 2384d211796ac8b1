/// Turns tickets into FT1 text under one key: encrypt the plaintext (AES-128-CTR), sign the
/// encrypted bytes (Ed25519), base45 the whole, prefix `FT1:`. Only the server encodes.
public struct TokenEncoder: Sendable {
    public let kid: UInt8
    private let cipher: AES128CTR
    private let signer: TicketSigner

    /// An encoder for `key`, which must carry its signing seed.
    public init(key: TokenKey) throws(TokenEncodingError) {
        guard let seed = key.seed else { throw .noSigningKey }
        kid = key.kid
        // TokenKey has already checked both lengths, so neither initialiser can fail.
        cipher = try! AES128CTR(key: key.aesKey)
        signer = try! TicketSigner(seed: seed)
    }

    /// An encoder for the ring's active key.
    public init(activeKeyOf ring: KeyRing) throws(TokenEncodingError) {
        guard let key = ring.activeKey else { throw .noSigningKey }
        try self.init(key: key)
    }

    /// Encodes `ticket` under a fresh random nonce.
    public func encode(_ ticket: TicketToken) throws(TokenEncodingError) -> String {
        try encode(ticket, nonce: SecureRandom.bytes(count: TokenLayout.nonceSize))
    }

    /// Encodes `ticket` under the given nonce. A nonce must never repeat under one key: only
    /// test vectors pass one in.
    public func encode(_ ticket: TicketToken, nonce: [UInt8]) throws(TokenEncodingError) -> String {
        guard nonce.count == TokenLayout.nonceSize else { throw .nonceWrongLength(nonce.count) }
        let plaintext = try TokenLayout.plaintext(of: ticket)

        // The signed message is context ‖ header ‖ ciphertext; the token drops the context.
        let context = TokenLayout.signatureContext
        var message = context
        message.append(TokenLayout.version)
        message.append(kid)
        message.append(contentsOf: nonce)
        let ciphertextStart = message.count
        message.append(contentsOf: repeatElement(0, count: plaintext.count))
        do {
            try (nonce + [UInt8](repeating: 0, count: 8)).withUnsafeBytes { counter in
                try plaintext.withUnsafeBytes { input in
                    try message.withUnsafeMutableBytes { output in
                        try cipher.apply(
                            initialCounterBlock: counter, to: input,
                            into: UnsafeMutableRawBufferPointer(rebasing: output[ciphertextStart...]))
                    }
                }
            }
            let signature = try signer.signature(for: message)
            return String(decoding: TokenLayout.textPrefix, as: UTF8.self)
                + Base45.encode(message[context.count...] + signature)
        } catch {
            // Only an allocation failure inside OpenSSL gets here; no ticket can cause it.
            fatalError("token encoding: \(error)")
        }
    }
}
