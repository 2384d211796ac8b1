import Foundation
import Shared

/// The two secrets of a gate device: the enrollment code a person types at the gate box, and
/// the credential the kiosk keeps afterwards. Only their SHA-256 hashes are stored.
enum DeviceSecrets {
    /// No 0/O, 1/I/L: a code is read off a laptop screen and typed on a gate box's keyboard.
    static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// Eight characters from 31 (about 40 bits), shown as `K7QF-29XM`. With 15 minutes to live,
    /// a single use and the per-address throttle on enrollment, guessing one is hopeless.
    static func newEnrollmentCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<8).map { _ in codeAlphabet[Int.random(in: 0..<codeAlphabet.count, using: &generator)] }
        return String(characters[0..<4]) + "-" + String(characters[4...])
    }

    /// The code as typed, made canonical: case, spaces and dashes do not matter. Nil when it
    /// cannot be a code at all.
    static func canonicalCode(_ typed: String) -> String? {
        let characters = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard characters.count == 8, characters.allSatisfy(codeAlphabet.contains) else { return nil }
        return characters
    }

    /// A bearer credential: 32 random bytes, URL-safe, marked so a log reader knows what it is.
    static func newCredential() -> String {
        var generator = SystemRandomNumberGenerator()
        return credentialPrefix + Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static let credentialPrefix = "fgd_"

    static func hash(_ secret: String) -> [UInt8] {
        SHA256.hash(Array(secret.utf8))
    }

    /// A code's hash, from its canonical form: shown with a dash, typed however.
    static func hash(code: String) -> [UInt8] {
        hash(canonicalCode(code) ?? code)
    }
}
