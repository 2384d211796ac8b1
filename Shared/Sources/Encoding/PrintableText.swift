/// What may be printed on a ticket, a gate's screen or a log line: no control characters (NUL,
/// escape sequences, carriage returns that rewrite a terminal line), no line or paragraph
/// separators, and no bidirectional overrides that make text read differently than it is.
public enum PrintableText {
    /// Whether every character of `text` is printable in that sense.
    public static func isPrintable(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy(isPrintable)
    }

    /// `text` with every unprintable character replaced by U+FFFD, so a screen shows that
    /// something was there without obeying it.
    public static func sanitized(_ text: String) -> String {
        guard !isPrintable(text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isPrintable($0) ? $0 : "\u{FFFD}" }))
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .surrogate: return false
        default: return !(0x202A...0x202E).contains(scalar.value) && !(0x2066...0x2069).contains(scalar.value)
        }
    }
}
