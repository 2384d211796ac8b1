import Foundation
import Hummingbird

/// The languages the pages speak, each from its message catalogue (`Messages/<code>.json`).
enum Language: String, CaseIterable, Sendable {
    case en, ko

    static let cookieName = "fg_lang"

    /// The person's language: the one they chose (remembered in a cookie), else the first their
    /// browser asks for that we have (`Accept-Language`, by quality), else English.
    static func of(_ request: Request) -> Language {
        if let chosen = request.cookies[cookieName].flatMap({ Language(rawValue: $0.value) }) { return chosen }
        return request.headers[.acceptLanguage].flatMap(preferred(acceptLanguage:)) ?? .en
    }

    /// The best of ours for an `Accept-Language` value such as `ko-KR,ko;q=0.9,en;q=0.8`.
    static func preferred(acceptLanguage: String) -> Language? {
        let ranked = acceptLanguage.split(separator: ",").enumerated().compactMap { index, part -> (Language, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), let primary = tag.split(separator: "-").first,
                let language = Language(rawValue: String(primary))
            else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (language, quality, index) : nil
        }
        return ranked.sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }.first?.0
    }

    /// What the switch to this language says, in the language itself.
    var ownName: String {
        switch self {
        case .en: "English"
        case .ko: "한국어"
        }
    }

    /// The locale dates and prices are written in.
    var locale: Locale {
        switch self {
        case .en: Locale(identifier: "en_GB")
        case .ko: Locale(identifier: "ko_KR")
        }
    }

    var messages: Messages { Messages.catalogues[self]! }
}

/// One language's sentences by key. A sentence may name values in braces (`{seat}`), which
/// `format` fills in; the templates read the plain ones as `{{t.key}}`.
struct Messages: @unchecked Sendable {
    // @unchecked: `forTemplates` holds only the Strings of `texts`, never changed after init.
    let language: Language
    let texts: [String: String]
    /// The same sentences typed as the templates look them up: handing mustache a
    /// `[String: String]` would make it convert the whole catalogue at every `{{t.key}}`.
    let forTemplates: [String: Any]

    init(language: Language, texts: [String: String]) {
        self.language = language
        self.texts = texts
        forTemplates = texts
    }

    static let catalogues: [Language: Messages] = Dictionary(uniqueKeysWithValues: Language.allCases.map { language in
        let bytes = PageResources.catalogues[language.rawValue]!
        // The catalogues are part of the build; a broken one is a bug caught by the tests.
        let texts = try! JSONDecoder().decode([String: String].self, from: Data(bytes))
        return (language, Messages(language: language, texts: texts))
    })

    subscript(key: String) -> String { texts[key] ?? key }

    /// The sentence `key` with each `{name}` replaced by its value.
    func format(_ key: String, _ values: [String: String]) -> String {
        var text = self[key]
        // Swift's own replacing: Foundation's goes through NSString, several times slower.
        for (name, value) in values { text = text.replacing("{\(name)}", with: value) }
        return text
    }
}
