/// Why a text is not an acceptable FT1 token: exactly the reasons of the spec, checked in the
/// spec's order. `rawValue` is the reason as the spec, the kiosk's JSON and the logs spell it.
public enum TokenRejection: String, Error, CaseIterable, Sendable, CustomStringConvertible {
    /// The text does not start with `FT1:`.
    case notATicket = "not_a_ticket"
    /// Not base45, too short, or a plaintext that breaks the layout.
    case malformed
    /// A version byte other than 1.
    case unsupportedVersion = "unsupported_version"
    /// A key id this reader has no key for.
    case unknownKey = "unknown_key"
    /// A key id whose key has been revoked: every token under it is rejected.
    case keyRevoked = "key_revoked"
    /// The Ed25519 signature does not verify: forged, altered or truncated.
    case badSignature = "bad_signature"

    public var reason: String { rawValue }
    public var description: String { rawValue }
}

/// A ticket that cannot be put into a token as it stands.
public enum TokenEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case seatTooLong(bytes: Int)
    case holderTooLong(bytes: Int)
    case reservedFlagsSet(UInt8)
    case nonceWrongLength(Int)
    /// The key ring has no active key, or the active key has no signing seed.
    case noSigningKey

    public var description: String {
        switch self {
        case .seatTooLong(let bytes): "seat label is \(bytes) bytes of UTF-8; at most \(TokenLayout.maxSeatBytes) fit"
        case .holderTooLong(let bytes): "holder name is \(bytes) bytes of UTF-8; at most \(TokenLayout.maxHolderBytes) fit"
        case .reservedFlagsSet(let flags): "flags \(flags) set reserved bits; only bit 0 (re-entry) is defined"
        case .nonceWrongLength(let count): "nonce is \(count) bytes; it must be \(TokenLayout.nonceSize)"
        case .noSigningKey: "no active key with a signing seed to issue under"
        }
    }
}
