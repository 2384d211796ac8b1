import Foundation
import Shared

/// Email addresses as the server compares them. What a person would call the same address is
/// one account: `René` typed with a composed é or with e and a combining accent, `K` or the
/// Kelvin sign, `Zoë` or `ZOË`, `straße` or `STRASSE`. An address is kept as typed (in NFC) for
/// showing, and found by its key: NFC, then Unicode's full case folding.
enum EmailAddress {
    /// The form stored and shown: as typed, composed (NFC).
    static func stored(_ email: String) -> String {
        email.precomposedStringWithCanonicalMapping
    }

    /// The form compared: NFC, full case folding, NFC again (folding can decompose).
    static func key(_ email: String) -> String {
        stored(email).folding(options: .caseInsensitive, locale: nil).precomposedStringWithCanonicalMapping
    }

    /// Whether `email` holds a character nobody can see or type on purpose: control characters,
    /// and default-ignorable ones (zero-width space and joiner, soft hyphen, bidi controls,
    /// variation selectors), which would make two addresses look alike and differ.
    static func hasInvisibleCharacters(_ email: String) -> Bool {
        email.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isDefaultIgnorableCodePoint }
    }

    /// Gives every account whose key is not stored yet (made before keys existed) its key, in
    /// one transaction. Two accounts whose addresses become one key are not merged: the older
    /// keeps the key; the newer keeps none and is still found by its address exactly as stored.
    /// Returns those, for the operator to sort out by hand.
    static func completeKeys(in database: SQLiteDatabase) throws -> [Collision] {
        try database.transaction { database in
            var collisions: [Collision] = []
            for row in try database.rows("SELECT id, email FROM account WHERE email_key IS NULL ORDER BY id") {
                let id: Int64 = try row["id"]
                let email: String = try row["email"]
                let key = key(email)
                if let holder = try database.row("SELECT id, email FROM account WHERE email_key = ?", key) {
                    collisions.append(Collision(keptID: try holder["id"], keptEmail: try holder["email"], otherID: id, otherEmail: email))
                } else {
                    try database.run("UPDATE account SET email_key = ? WHERE id = ?", key, id)
                }
            }
            return collisions
        }
    }

    /// Two accounts whose addresses are one address once normalised.
    struct Collision: Sendable, CustomStringConvertible {
        let keptID: Int64
        let keptEmail: String
        let otherID: Int64
        let otherEmail: String

        var description: String {
            "accounts \(keptID) (\(PrintableText.sanitized(keptEmail))) and \(otherID) (\(PrintableText.sanitized(otherEmail))) have the same email once normalised; "
                + "both are kept, and account \(otherID) signs in only with its email exactly as stored: merge or rename them by hand"
        }
    }
}
