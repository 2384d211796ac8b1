/// Where a key stands in its life.
public enum KeyStatus: String, Codable, Sendable, CaseIterable, SQLiteColumnValue {
    /// Tokens are issued under it; at most one key in a ring is active.
    case active
    /// No longer issued under, still accepted at the gate.
    case retired
    /// Every token under it is rejected (`key_revoked`).
    case revoked
}

/// One key id's material: the AES key that hides the plaintext and the Ed25519 key pair that
/// signs it. The server's keys carry the signing seed; a kiosk's never do.
public struct TokenKey: Hashable, Sendable {
    public let kid: UInt8
    public var status: KeyStatus
    public let aesKey: [UInt8]
    public let publicKey: [UInt8]
    /// The Ed25519 seed; nil on a kiosk, which must not be able to mint tickets.
    public let seed: [UInt8]?

    /// A key as read from a file: checks every length and that the public key matches the seed.
    public init(kid: UInt8, status: KeyStatus, aesKey: [UInt8], publicKey: [UInt8], seed: [UInt8]?) throws(KeyRingError) {
        guard aesKey.count == AES128CTR.keySize else {
            throw .invalidKey(kid: kid, problem: "aes_key is \(aesKey.count) bytes, expected \(AES128CTR.keySize)")
        }
        guard publicKey.count == TicketVerifier.publicKeySize else {
            throw .invalidKey(
                kid: kid, problem: "ed25519_public_key is \(publicKey.count) bytes, expected \(TicketVerifier.publicKeySize)")
        }
        if let seed {
            let signer: TicketSigner
            do { signer = try TicketSigner(seed: seed) } catch { throw .invalidKey(kid: kid, problem: "ed25519_seed \(error)") }
            guard signer.publicKey == publicKey else {
                throw .invalidKey(kid: kid, problem: "ed25519_public_key does not match ed25519_seed")
            }
        }
        self.kid = kid
        self.status = status
        self.aesKey = aesKey
        self.publicKey = publicKey
        self.seed = seed
    }

    /// A fresh key from the CSPRNG.
    public static func generate(kid: UInt8, status: KeyStatus = .active) -> TokenKey {
        let seed = SecureRandom.bytes(count: TicketSigner.seedSize)
        // A 32-byte seed from the CSPRNG is always a valid Ed25519 private key.
        let signer = try! TicketSigner(seed: seed)
        return try! TokenKey(
            kid: kid, status: status, aesKey: SecureRandom.bytes(count: AES128CTR.keySize),
            publicKey: signer.publicKey, seed: seed)
    }

    /// This key without its seed, as a kiosk receives it.
    public var withoutSeed: TokenKey {
        try! TokenKey(kid: kid, status: status, aesKey: aesKey, publicKey: publicKey, seed: nil)
    }
}

/// What is wrong with a set of keys.
public enum KeyRingError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKey(kid: UInt8, problem: String)
    case duplicateKid(UInt8)
    case severalActive([UInt8])
    case noSuchKid(UInt8)
    case kidsExhausted

    public var description: String {
        switch self {
        case .invalidKey(let kid, let problem): "kid \(kid): \(problem)"
        case .duplicateKid(let kid): "kid \(kid) appears more than once"
        case .severalActive(let kids): "kids \(kids.map(String.init).joined(separator: ", ")) are all active; at most one may be"
        case .noSuchKid(let kid): "there is no key with kid \(kid)"
        case .kidsExhausted: "every kid from 0 to 255 is taken; a ring holds at most 256 keys"
        }
    }
}

/// Every key a server issued under, or every key a kiosk accepts, by kid.
public struct KeyRing: Hashable, Sendable {
    /// Sorted by kid.
    public private(set) var keys: [TokenKey]

    public init(keys: [TokenKey]) throws(KeyRingError) {
        var seen = Set<UInt8>()
        for key in keys where !seen.insert(key.kid).inserted { throw .duplicateKid(key.kid) }
        let active = keys.filter { $0.status == .active }.map(\.kid).sorted()
        guard active.count <= 1 else { throw .severalActive(active) }
        self.keys = keys.sorted { $0.kid < $1.kid }
    }

    /// A new ring with one active key, kid 1.
    public static func generate() -> KeyRing {
        try! KeyRing(keys: [.generate(kid: 1)])
    }

    /// A new ring with one active key: kid 1, or the kid after every kid in `usedKids` (kids
    /// that ever signed a ticket are never given to another key).
    public static func generate(avoiding usedKids: Set<UInt8>) throws(KeyRingError) -> KeyRing {
        let next = (usedKids.map(Int.init).max() ?? 0) + 1
        guard next <= Int(UInt8.max) else { throw .kidsExhausted }
        return try! KeyRing(keys: [.generate(kid: UInt8(next))])
    }

    public subscript(kid: UInt8) -> TokenKey? { keys.first { $0.kid == kid } }

    /// The key new tokens are issued under.
    public var activeKey: TokenKey? { keys.first { $0.status == .active } }

    /// Issues under a new key from now on: the active key retires (its tokens stay valid) and a
    /// fresh key with the next kid becomes active. Returns the new key.
    @discardableResult
    public mutating func rotate(avoiding usedKids: Set<UInt8> = []) throws(KeyRingError) -> TokenKey {
        let next = ((keys.map(\.kid) + usedKids).map(Int.init).max() ?? 0) + 1
        guard next <= Int(UInt8.max) else { throw .kidsExhausted }
        for index in keys.indices where keys[index].status == .active { keys[index].status = .retired }
        let key = TokenKey.generate(kid: UInt8(next))
        keys.append(key)
        return key
    }

    /// Changes one key's status; making a key active retires the one that was.
    public mutating func setStatus(_ status: KeyStatus, kid: UInt8) throws(KeyRingError) {
        guard let index = keys.firstIndex(where: { $0.kid == kid }) else { throw .noSuchKid(kid) }
        if status == .active {
            for other in keys.indices where keys[other].status == .active { keys[other].status = .retired }
        }
        keys[index].status = status
    }

    /// The ring a kiosk receives: every key, no seed.
    public var kioskExport: KeyRing { try! KeyRing(keys: keys.map(\.withoutSeed)) }

    /// Whether any key carries a signing seed (such a file must be private to its owner).
    public var holdsSecrets: Bool { keys.contains { $0.seed != nil } }
}
