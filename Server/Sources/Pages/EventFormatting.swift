import Foundation
import Synchronization

/// An event's times in its own time zone and its prices in its currency, written the way the
/// reader's language writes them ("Sun, 27 Dec 2026 at 18:00", "2026년 12월 27일 (일) 18:00").
struct EventFormatting: Sendable {
    let language: Language
    let timeZone: String
    let currency: String

    init(_ event: Event, language: Language) {
        self.language = language
        timeZone = event.timeZone
        currency = event.currency
    }

    /// Day, date and time.
    func dateTime(_ unixSeconds: Int64) -> String { Self.formatted(unixSeconds, template: "EEEdMMMyHHmm", language, timeZone) }

    /// The time of day alone, for gates opening on the day.
    func time(_ unixSeconds: Int64) -> String { Self.formatted(unixSeconds, template: "HHmm", language, timeZone) }

    /// For a `<time datetime>` attribute: the instant with the event's offset.
    func isoDateTime(_ unixSeconds: Int64) -> String { Self.formatted(unixSeconds, pattern: "yyyy-MM-dd'T'HH:mmxxx", timeZone) }

    /// For an `<input type="datetime-local">` (`2026-12-27T18:00`), in the event's zone.
    static func inputValue(_ unixSeconds: Int64, timeZone: String) -> String {
        formatted(unixSeconds, pattern: "yyyy-MM-dd'T'HH:mm", timeZone)
    }

    /// A price in the currency's minor unit, with its symbol: ₩45,000, €45.00.
    func price(_ minorUnits: Int) -> String {
        let digits = Self.minorDigits(currency)
        var amount = Decimal(minorUnits)
        for _ in 0..<digits { amount /= 10 }
        return amount.formatted(.currency(code: currency).locale(language.locale).precision(.fractionLength(digits)))
    }

    /// Reads a `datetime-local` value as a time in the event's zone; nil when it is not one.
    static func unixSeconds(fromInput text: String, timeZone: String) -> Int64? {
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        for pattern in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = pattern
            if let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) { return Int64(date.timeIntervalSince1970) }
        }
        return nil
    }

    /// ISO 4217 currencies without a minor unit, and those with three digits; the rest have two.
    static func minorDigits(_ currency: String) -> Int {
        if ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"].contains(currency) {
            return 0
        }
        return ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].contains(currency) ? 3 : 2
    }

    // DateFormatter is costly to make and not safe to share between threads unguarded: one per
    // language, zone and pattern, used under a lock (a formatting takes about 3 µs).
    private static let formatters = Mutex<[String: DateFormatter]>([:])

    private static func formatted(_ unixSeconds: Int64, template: String, _ language: Language, _ timeZone: String) -> String {
        format(unixSeconds, key: "\(language.rawValue)|\(timeZone)|t:\(template)") { formatter in
            formatter.locale = language.locale
            formatter.setLocalizedDateFormatFromTemplate(template)
        }
    }

    private static func formatted(_ unixSeconds: Int64, pattern: String, _ timeZone: String) -> String {
        format(unixSeconds, key: "posix|\(timeZone)|p:\(pattern)") { formatter in
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = pattern
        }
    }

    private static func format(_ unixSeconds: Int64, key: String, setUp: (DateFormatter) -> Void) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(unixSeconds))
        return formatters.withLock { formatters in
            if let formatter = formatters[key] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: String(key.split(separator: "|")[1])) ?? .gmt
            setUp(formatter)
            formatters[key] = formatter
            return formatter.string(from: date)
        }
    }
}
